package ccflare.core;

import static java.util.Objects.requireNonNull;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The live set of accounts, held in memory so the proxy never waits for the database. Settings
 * changes (add, remove, rename, pause…) are written through synchronously, so the API can report
 * a failure; state changes made by traffic (counters, sessions, rate limits) are written behind
 * through {@link AccountStore#saveStateLater(Account)}.
 */
public final class AccountRegistry {

    /** Selection order: lower priority first, then the older account. */
    public static final Comparator<Account> ORDER =
            Comparator.comparingInt(Account::priority).thenComparingLong(Account::createdAtMs).thenComparing(Account::id);

    private record Entry(Account account, Credentials credentials) {}

    private final AccountStore store;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final Object settingsLock = new Object();

    public AccountRegistry(AccountStore store, InstantSource clock) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
        for (AccountStore.Stored s : store.loadAll()) {
            entries.put(s.account().id(), new Entry(s.account(), s.credentials()));
        }
    }

    /** Every account in selection order. */
    public List<Account> accounts() {
        List<Account> list = new ArrayList<>(entries.size());
        for (Entry e : entries.values()) list.add(e.account());
        list.sort(ORDER);
        return list;
    }

    public int size() { return entries.size(); }

    public Optional<Account> byId(String id) {
        Entry e = entries.get(id);
        return e == null ? Optional.empty() : Optional.of(e.account());
    }

    /** Finds an account by id, else by exact name. */
    public Optional<Account> find(String idOrName) {
        Optional<Account> byId = byId(idOrName);
        if (byId.isPresent()) return byId;
        for (Entry e : entries.values()) {
            if (e.account().name().equals(idOrName)) return Optional.of(e.account());
        }
        return Optional.empty();
    }

    /** The account's credentials; empty when it has none usable (for example it could not be decrypted). */
    public Optional<Credentials> credentials(String accountId) {
        Entry e = entries.get(accountId);
        return e == null || e.credentials() == null ? Optional.empty() : Optional.of(e.credentials());
    }

    /**
     * Adds an account.
     *
     * @throws AccountStore.DuplicateNameException when the name is taken
     */
    public Account add(String id, String name, ProviderKind provider, int priority, String baseUrl,
                       Credentials credentials) {
        requireNonNull(credentials, "credentials");
        synchronized (settingsLock) {
            if (find(name).filter(a -> a.name().equals(name)).isPresent()) {
                throw new AccountStore.DuplicateNameException(name);
            }
            Account account = Account.create(id, name, provider, priority, baseUrl, clock.millis());
            store.insert(account, credentials);
            entries.put(id, new Entry(account, credentials));
            return account;
        }
    }

    /**
     * Adds accounts that {@code work} stores itself (an import writes them with other rows in one
     * transaction). {@code work} gets the accounts as they are now and runs while no other settings
     * change can, so its name checks hold; the accounts {@code stored} names in its result are then
     * live. Nothing is added when {@code work} throws.
     */
    public <R> R addStored(Function<List<Account>, R> work, Function<? super R, List<AccountStore.Stored>> stored) {
        requireNonNull(work, "work");
        requireNonNull(stored, "stored");
        synchronized (settingsLock) {
            R result = work.apply(accounts());
            for (AccountStore.Stored s : stored.apply(result)) {
                entries.put(s.account().id(), new Entry(s.account(), s.credentials()));
            }
            return result;
        }
    }

    /** Removes an account; returns false when there was none. */
    public boolean remove(String accountId) {
        synchronized (settingsLock) {
            if (!entries.containsKey(accountId)) return false;
            store.delete(accountId);
            entries.remove(accountId);
            return true;
        }
    }

    /**
     * Changes an account's settings (name, priority, paused, base URL) and writes them through.
     * {@code change} is applied once; only those four fields of its result are kept.
     *
     * @throws AccountStore.DuplicateNameException when a rename takes a name in use
     */
    public Optional<Account> changeSettings(String accountId, UnaryOperator<Account> change) {
        synchronized (settingsLock) {
            Entry e = entries.get(accountId);
            if (e == null) return Optional.empty();
            Account changed = change.apply(e.account());
            if (!changed.name().equals(e.account().name())) {
                for (Entry other : entries.values()) {
                    if (!other.account().id().equals(accountId) && other.account().name().equals(changed.name())) {
                        throw new AccountStore.DuplicateNameException(changed.name());
                    }
                }
            }
            store.updateSettings(changed);
            // Traffic may have changed the live state meanwhile: keep it, take only the new settings.
            Account result = entries.compute(accountId, (k, cur) -> new Entry(
                    cur.account().withName(changed.name()).withPriority(changed.priority())
                            .withPaused(changed.paused()).withBaseUrl(changed.baseUrl()),
                    cur.credentials())).account();
            return Optional.of(result);
        }
    }

    /** Applies a traffic-driven state change in memory and queues it for the database. */
    public Optional<Account> changeState(String accountId, UnaryOperator<Account> change) {
        Entry updated = entries.computeIfPresent(accountId, (k, cur) -> new Entry(change.apply(cur.account()), cur.credentials()));
        if (updated == null) return Optional.empty();
        store.saveStateLater(updated.account());
        return Optional.of(updated.account());
    }

    /**
     * Replaces the credentials, durable on disk before this returns, then visible to the proxy.
     * Used after an OAuth refresh: the rotated refresh token is single-use.
     */
    public void replaceCredentials(String accountId, Credentials credentials) {
        requireNonNull(credentials, "credentials");
        store.replaceCredentials(accountId, credentials);
        entries.computeIfPresent(accountId, (k, cur) -> new Entry(cur.account(), credentials));
    }

    /** Zeroes every account's request counters (the "reset stats" action). */
    public void resetCounters() {
        for (String id : List.copyOf(entries.keySet())) changeState(id, Account::withStatsReset);
    }
}

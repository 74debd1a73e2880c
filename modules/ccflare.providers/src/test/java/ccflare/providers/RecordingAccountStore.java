package ccflare.providers;

import ccflare.core.Account;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory AccountStore that writes every call into {@link #events}, a log tests share with
 * their own "used token X" lines to check what happened first. {@link #failReplaces(int)} makes
 * the next credential writes fail like a full disk.
 */
final class RecordingAccountStore implements AccountStore {
    final Map<String, Stored> rows = new LinkedHashMap<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger replaceFailures = new AtomicInteger();

    void failReplaces(int n) { replaceFailures.set(n); }

    @Override public synchronized List<Stored> loadAll() { return new ArrayList<>(rows.values()); }

    @Override public synchronized void insert(Account account, Credentials credentials) {
        for (Stored s : rows.values()) if (s.account().name().equals(account.name())) throw new DuplicateNameException(account.name());
        rows.put(account.id(), new Stored(account, credentials));
        events.add("insert " + account.name());
    }

    @Override public synchronized boolean delete(String accountId) { return rows.remove(accountId) != null; }

    @Override public synchronized void updateSettings(Account account) {
        Stored s = rows.get(account.id());
        if (s != null) rows.put(account.id(), new Stored(account, s.credentials()));
    }

    @Override public synchronized void replaceCredentials(String accountId, Credentials credentials) {
        if (replaceFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            events.add("replace failed");
            throw new IllegalStateException("disk full");
        }
        Stored s = rows.get(accountId);
        if (s != null) rows.put(accountId, new Stored(s.account(), credentials));
        events.add("replace " + describe(credentials));
    }

    @Override public synchronized void saveStateLater(Account account) {
        updateSettings(account);
        events.add("state " + account.name() + (account.needsReauth() ? " needs-reauth" : ""));
    }

    synchronized Credentials stored(String accountId) { return rows.get(accountId).credentials(); }

    static String describe(Credentials c) {
        return c instanceof Credentials.OAuthTokens t ? t.accessToken() + "/" + t.refreshToken() : "api-key";
    }
}

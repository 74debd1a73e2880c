package ccflare.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AccountRegistryTest {

    /** An in-memory store that records what was written, so write-through and write-behind are visible. */
    static final class MemoryStore implements AccountStore {
        final Map<String, Stored> rows = new LinkedHashMap<>();
        final List<Account> stateWrites = new ArrayList<>();
        final List<String> credentialWrites = new ArrayList<>();

        @Override public List<Stored> loadAll() { return List.copyOf(rows.values()); }
        @Override public void insert(Account a, Credentials c) {
            for (Stored s : rows.values()) if (s.account().name().equals(a.name())) throw new DuplicateNameException(a.name());
            rows.put(a.id(), new Stored(a, c));
        }
        @Override public boolean delete(String id) { return rows.remove(id) != null; }
        @Override public void updateSettings(Account a) { rows.put(a.id(), new Stored(a, rows.get(a.id()).credentials())); }
        @Override public void replaceCredentials(String id, Credentials c) {
            credentialWrites.add(id);
            rows.put(id, new Stored(rows.get(id).account(), c));
        }
        @Override public void saveStateLater(Account a) { stateWrites.add(a); }
    }

    private final AtomicLong now = new AtomicLong(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private final MemoryStore store = new MemoryStore();
    private final AccountRegistry registry = new AccountRegistry(store, clock);

    @Test
    void listsAccountsByPriorityThenCreationOrder() {
        registry.add("a", "first", ProviderKind.ANTHROPIC, 1, "", new Credentials.ApiKey("k1"));
        now.addAndGet(1000);
        registry.add("b", "second", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("k2"));
        now.addAndGet(1000);
        registry.add("c", "third", ProviderKind.ANTHROPIC, 1, "", new Credentials.ApiKey("k3"));

        assertThat(registry.accounts()).extracting(Account::name).containsExactly("second", "first", "third");
    }

    @Test
    void refusesADuplicateNameAndKeepsTheExistingAccount() {
        registry.add("a", "work", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("k1"));

        assertThatThrownBy(() -> registry.add("b", "work", ProviderKind.OPENAI, 0, "", new Credentials.ApiKey("k2")))
                .isInstanceOf(AccountStore.DuplicateNameException.class)
                .hasMessageContaining("work");
        assertThat(registry.accounts()).extracting(Account::id).containsExactly("a");
        assertThat(store.rows).containsOnlyKeys("a");
    }

    @Test
    void renameToATakenNameIsRefused() {
        registry.add("a", "one", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("k1"));
        registry.add("b", "two", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("k2"));

        assertThatThrownBy(() -> registry.changeSettings("b", a -> a.withName("one")))
                .isInstanceOf(AccountStore.DuplicateNameException.class);
        assertThat(registry.byId("b")).get().extracting(Account::name).isEqualTo("two");
    }

    @Test
    void settingsChangesAreWrittenThroughAndStateChangesWrittenBehind() {
        registry.add("a", "one", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("k1"));

        registry.changeSettings("a", a -> a.withPaused(true));
        assertThat(store.rows.get("a").account().paused()).isTrue();

        registry.changeState("a", a -> a.usedAt(now.get(), 5 * 3600_000L));
        assertThat(store.stateWrites).singleElement().extracting(Account::requestCount).isEqualTo(1L);
        assertThat(registry.byId("a")).get().extracting(Account::sessionStartMs).isEqualTo(now.get());
    }

    @Test
    void findsAnAccountByIdOrByName() {
        registry.add("id-1", "work", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("k1"));

        assertThat(registry.find("id-1")).isPresent();
        assertThat(registry.find("work")).get().extracting(Account::id).isEqualTo("id-1");
        assertThat(registry.find("nope")).isEmpty();
    }

    @Test
    void newCredentialsAreStoredBeforeTheyBecomeVisible() {
        registry.add("a", "one", ProviderKind.CLAUDE_CODE, 0, "", new Credentials.OAuthTokens("at1", "rt1", 0));

        registry.replaceCredentials("a", new Credentials.OAuthTokens("at2", "rt2", 99));

        assertThat(store.credentialWrites).containsExactly("a");
        assertThat(registry.credentials("a")).get().isEqualTo(new Credentials.OAuthTokens("at2", "rt2", 99));
    }

    @Test
    void loadsWhatTheStoreHeldAtStartUp() {
        registry.add("a", "one", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("k1"));

        AccountRegistry reloaded = new AccountRegistry(store, clock);

        assertThat(reloaded.accounts()).extracting(Account::name).containsExactly("one");
        assertThat(reloaded.credentials("a")).contains(new Credentials.ApiKey("k1"));
    }

    @Test
    void aSessionStartsOnFirstUseAndRestartsWhenItExpires() {
        long duration = 5 * 3600_000L;
        Account a = Account.create("a", "one", ProviderKind.ANTHROPIC, 0, "", 0);

        Account first = a.usedAt(1_000, duration);
        Account second = first.usedAt(2_000, duration);
        Account afterExpiry = second.usedAt(1_000 + duration, duration);

        assertThat(first.sessionStartMs()).isEqualTo(1_000);
        assertThat(second.sessionStartMs()).isEqualTo(1_000);
        assertThat(second.sessionRequestCount()).isEqualTo(2);
        assertThat(afterExpiry.sessionStartMs()).isEqualTo(1_000 + duration);
        assertThat(afterExpiry.sessionRequestCount()).isEqualTo(1);
        assertThat(afterExpiry.totalRequests()).isEqualTo(3);
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertThat(new Credentials.ApiKey("sk-canary-123").toString()).doesNotContain("canary");
        assertThat(new Credentials.OAuthTokens("at-canary", "rt-canary", 5).toString()).doesNotContain("canary");
    }

    @Test
    void anAccountIsUnavailableWhilePausedCoolingOrWaitingForReauth() {
        Account a = Account.create("a", "one", ProviderKind.ANTHROPIC, 0, "", 0);

        assertThat(a.availableAt(10)).isTrue();
        assertThat(a.withPaused(true).availableAt(10)).isFalse();
        assertThat(a.withNeedsReauth(true).availableAt(10)).isFalse();
        assertThat(a.withRateLimit(RateLimitState.NONE.withLimitedUntil(20)).availableAt(10)).isFalse();
        assertThat(a.withRateLimit(RateLimitState.NONE.withLimitedUntil(20)).availableAt(20)).isTrue();
    }
}

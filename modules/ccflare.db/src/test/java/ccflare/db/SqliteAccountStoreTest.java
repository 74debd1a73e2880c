package ccflare.db;

import static ccflare.db.Fixtures.open;
import static ccflare.db.Fixtures.pauseWriter;
import static ccflare.db.Fixtures.queryLong;
import static ccflare.db.Fixtures.queryString;
import static ccflare.db.Fixtures.raw;
import static ccflare.db.Fixtures.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import ccflare.core.SecretBox;

class SqliteAccountStoreTest extends WithOpenDatabase {

    @Test
    void insertedAccountsLoadBackWithCredentialsAndState() {
        RateLimitState limits = new RateLimitState("allowed_warning", 5_000_000, 42, 4_000_000, 0.75, 6_000_000,
                0.25, 7_000_000);
        Account oauth = new Account("a1", "alice", ProviderKind.CLAUDE_CODE, 2, true, "https://proxy.example",
                1000, 2000, 5, 9, 1500, 3, limits, true);
        Account apiKey = Account.create("a2", "bob", ProviderKind.OPENAI, 0, "", 500);
        db.accounts().insert(oauth, new Credentials.OAuthTokens("at-1", "rt-1", 123_456));
        db.accounts().insert(apiKey, new Credentials.ApiKey("sk-openai"));

        try (Database reopened = reopen()) {
            List<AccountStore.Stored> all = reopened.accounts().loadAll();
            assertThat(all).extracting(AccountStore.Stored::account).containsExactly(apiKey, oauth);
            assertThat(all).extracting(AccountStore.Stored::credentials).containsExactly(
                    new Credentials.ApiKey("sk-openai"), new Credentials.OAuthTokens("at-1", "rt-1", 123_456));
        }
    }

    @Test
    void unknownRateLimitValuesRoundTripAsUnknown() {
        Account fresh = Account.create("a1", "alice", ProviderKind.ANTHROPIC, 0, "", 1000);
        db.accounts().insert(fresh, new Credentials.ApiKey("k"));
        assertThat(db.accounts().loadAll().getFirst().account()).isEqualTo(fresh);
        assertThat(db.accounts().loadAll().getFirst().account().rateLimit()).isEqualTo(RateLimitState.NONE);
    }

    @Test
    void duplicateNameIsRefusedAndNothingIsLost() {
        db.accounts().insert(Account.create("a1", "alice", ProviderKind.ANTHROPIC, 0, "", 1000), new Credentials.ApiKey("k1"));
        assertThatThrownBy(() -> db.accounts().insert(Account.create("a2", "alice", ProviderKind.OPENAI, 0, "", 2000),
                new Credentials.ApiKey("k2")))
                .isInstanceOf(AccountStore.DuplicateNameException.class)
                .hasMessage("account name 'alice' is already taken");
        List<AccountStore.Stored> all = db.accounts().loadAll();
        assertThat(all).hasSize(1);
        assertThat(all.getFirst().account().id()).isEqualTo("a1");
        assertThat(all.getFirst().credentials()).isEqualTo(new Credentials.ApiKey("k1"));
    }

    @Test
    void renamingOntoATakenNameIsRefused() {
        db.accounts().insert(Account.create("a1", "alice", ProviderKind.ANTHROPIC, 0, "", 1000), new Credentials.ApiKey("k1"));
        Account bob = Account.create("a2", "bob", ProviderKind.ANTHROPIC, 0, "", 2000);
        db.accounts().insert(bob, new Credentials.ApiKey("k2"));
        assertThatThrownBy(() -> db.accounts().updateSettings(bob.withName("alice")))
                .isInstanceOf(AccountStore.DuplicateNameException.class);
        assertThat(db.accounts().loadAll()).extracting(s -> s.account().name()).containsExactlyInAnyOrder("alice", "bob");
    }

    @Test
    void updateSettingsWritesNamePriorityPausedAndBaseUrlOnly() {
        Account a = Account.create("a1", "alice", ProviderKind.ANTHROPIC, 0, "", 1000);
        db.accounts().insert(a, new Credentials.ApiKey("k1"));
        Account changed = a.withName("alicia").withPriority(7).withPaused(true).withBaseUrl("https://x.example")
                .usedAt(5000, 3_600_000); // state changes must not be written by updateSettings
        db.accounts().updateSettings(changed);
        Account loaded = db.accounts().loadAll().getFirst().account();
        assertThat(loaded).isEqualTo(a.withName("alicia").withPriority(7).withPaused(true).withBaseUrl("https://x.example"));
    }

    @Test
    void deleteReportsWhetherTheAccountExisted() {
        db.accounts().insert(Account.create("a1", "alice", ProviderKind.ANTHROPIC, 0, "", 1000), new Credentials.ApiKey("k1"));
        assertThat(db.accounts().delete("a1")).isTrue();
        assertThat(db.accounts().delete("a1")).isFalse();
        assertThat(db.accounts().loadAll()).isEmpty();
    }

    @Test
    void replacedCredentialsAreCommittedBeforeTheCallReturnsAndTheConnectionGoesBackToNormalSync() throws Exception {
        db.accounts().insert(Account.create("a1", "alice", ProviderKind.CLAUDE_CODE, 0, "", 1000),
                new Credentials.OAuthTokens("at-1", "rt-1", 10));
        db.accounts().replaceCredentials("a1", new Credentials.OAuthTokens("at-2", "rt-2", 20));
        SecretBox box = SecretBox.load(dir.resolve(Database.KEY_FILE_NAME));
        try (Connection c = raw(file)) {
            assertThat(box.open("a1", queryString(c, "SELECT refresh_token FROM accounts WHERE id = 'a1'"))).isEqualTo("rt-2");
            assertThat(box.open("a1", queryString(c, "SELECT access_token FROM accounts WHERE id = 'a1'"))).isEqualTo("at-2");
            assertThat(queryLong(c, "SELECT expires_at FROM accounts WHERE id = 'a1'")).isEqualTo(20);
        }
        long sync = writer(db).call("reading synchronous", c -> SqliteRequestQueries.singleLong(c, "PRAGMA synchronous"));
        assertThat(sync).as("NORMAL").isEqualTo(1);

        db.accounts().replaceCredentials("a1", new Credentials.ApiKey("sk-new"));
        assertThat(db.accounts().loadAll().getFirst().credentials()).isEqualTo(new Credentials.ApiKey("sk-new"));
        db.accounts().replaceCredentials("gone", new Credentials.ApiKey("sk-x")); // an account removed meanwhile
    }

    @Test
    void aBurstOfStateChangesIsCoalescedIntoOneWrite() throws Exception {
        Account a = Account.create("a1", "alice", ProviderKind.ANTHROPIC, 0, "", 1000);
        db.accounts().insert(a, new Credentials.ApiKey("k1"));
        long before = writer(db).stateRowsWritten();
        Account last = a;
        try (AutoCloseable _ = pauseWriter(db)) {
            for (int i = 1; i <= 100; i++) {
                last = last.usedAt(1000 + i, 3_600_000);
                db.accounts().saveStateLater(last);
            }
            last = last.withRateLimit(new RateLimitState("rate_limited", 9000, 0, 8000, 1.0, 9000, 0.5, 99_000))
                    .withNeedsReauth(true);
            db.accounts().saveStateLater(last);
        }
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(writer(db).stateRowsWritten() - before).isEqualTo(1);
        Account loaded = db.accounts().loadAll().getFirst().account();
        assertThat(loaded).isEqualTo(last);
        assertThat(loaded.requestCount()).isEqualTo(100);
        assertThat(loaded.sessionStartMs()).isEqualTo(1001);
    }

    @Test
    void theRegistryRunsOnTopOfTheStore() {
        AccountRegistry registry = new AccountRegistry(db.accounts(), Fixtures.CLOCK);
        registry.add("a1", "alice", ProviderKind.ANTHROPIC, 1, "", new Credentials.ApiKey("k1"));
        registry.changeState("a1", acc -> acc.usedAt(5000, 1000));
        registry.changeSettings("a1", acc -> acc.withPaused(true));
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();

        AccountRegistry again = new AccountRegistry(db.accounts(), Fixtures.CLOCK);
        Account loaded = again.byId("a1").orElseThrow();
        assertThat(loaded.paused()).isTrue();
        assertThat(loaded.requestCount()).isEqualTo(1);
        assertThat(loaded.lastUsedMs()).isEqualTo(5000);
        assertThat(again.credentials("a1")).contains(new Credentials.ApiKey("k1"));
        assertThatThrownBy(() -> again.add("a2", "alice", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("k")))
                .isInstanceOf(AccountStore.DuplicateNameException.class);
    }

    private Database reopen() {
        db.close();
        db = open(file);
        return db; // close() is idempotent, so both the caller and @AfterEach may close it
    }
}

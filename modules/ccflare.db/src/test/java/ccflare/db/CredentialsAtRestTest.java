package ccflare.db;

import static ccflare.db.Fixtures.CLOCK;
import static ccflare.db.Fixtures.THREADS;
import static ccflare.db.Fixtures.queryLong;
import static ccflare.db.Fixtures.queryString;
import static ccflare.db.Fixtures.raw;
import static ccflare.db.Fixtures.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import ccflare.core.Account;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.SecretBox;

class CredentialsAtRestTest {

    @TempDir Path dir;
    Path file;
    SecretBox key;

    final String unique = UUID.randomUUID().toString();
    final String apiKey = "sk-canary-" + unique;
    final String access = "at-canary-" + unique;
    final String refresh = "rt-canary-" + unique;

    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger storeLogger = (Logger) LoggerFactory.getLogger(SqliteAccountStore.class);

    @BeforeEach
    void setUp() {
        file = dir.resolve("ccflare.db");
        key = newKey();
        logs.start();
        storeLogger.addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        storeLogger.detachAppender(logs);
    }

    @Test
    void storedSecretsAreSealedForTheirAccountAndLoadBackIntact() throws Exception {
        try (Database db = open(key)) {
            db.accounts().insert(alice(), new Credentials.OAuthTokens(access, refresh, 123_456));
            db.accounts().insert(bob(), new Credentials.ApiKey(apiKey));
            try (Connection c = raw(file)) {
                String sealedAccess = queryString(c, "SELECT access_token FROM accounts WHERE id = 'a1'");
                String sealedKey = queryString(c, "SELECT api_key FROM accounts WHERE id = 'a2'");
                assertThat(sealedAccess).startsWith(SecretBox.PREFIX);
                assertThat(sealedKey).startsWith(SecretBox.PREFIX);
                assertThat(key.open("a1", sealedAccess)).isEqualTo(access);
                assertThat(key.open("a1", queryString(c, "SELECT refresh_token FROM accounts WHERE id = 'a1'")))
                        .isEqualTo(refresh);
                assertThat(key.open("a2", sealedKey)).isEqualTo(apiKey);
                assertThat(queryLong(c, "SELECT expires_at FROM accounts WHERE id = 'a1'")).isEqualTo(123_456);
                assertThat(queryString(c, "SELECT access_token FROM accounts WHERE id = 'a2'")).isNull();
            }
        }
        try (Database db = open(key)) {
            assertThat(db.accounts().loadAll()).extracting(AccountStore.Stored::credentials).containsExactly(
                    new Credentials.ApiKey(apiKey), new Credentials.OAuthTokens(access, refresh, 123_456));
            assertThat(db.undecryptableAccounts()).isEmpty();
        }
    }

    @Test
    void noCanaryReachesTheDatabaseOrWalBytesAfterInsertReplaceDeleteAndClose() throws Exception {
        String newAccess = "at-canary-new-" + unique;
        String newRefresh = "rt-canary-new-" + unique;
        Database db = open(key);
        try {
            db.accounts().insert(alice(), new Credentials.OAuthTokens(access, refresh, 1));
            db.accounts().insert(bob(), new Credentials.ApiKey(apiKey));
            // The scan sees live rows: the (non-secret) name is in the files, the secrets are not.
            assertThat(foundIn(file, "alice-" + unique)).containsExactly("alice-" + unique);
            assertThat(foundIn(file, apiKey, access, refresh)).isEmpty();

            db.accounts().replaceCredentials("a1", new Credentials.OAuthTokens(newAccess, newRefresh, 2));
            assertThat(foundIn(file, apiKey, access, refresh, newAccess, newRefresh)).isEmpty();
            assertThat(walSize()).as("WAL truncated after the credential write").isZero();

            assertThat(db.accounts().delete("a2")).isTrue();
            assertThat(foundIn(file, apiKey, access, refresh, newAccess, newRefresh)).isEmpty();
            assertThat(walSize()).as("WAL truncated after the delete").isZero();
            assertThat(db.accounts().loadAll()).extracting(AccountStore.Stored::credentials)
                    .containsExactly(new Credentials.OAuthTokens(newAccess, newRefresh, 2));
        } finally {
            db.close();
        }
        assertThat(foundIn(file, apiKey, access, refresh, newAccess, newRefresh)).isEmpty();
    }

    @Test
    void theWriterConnectionZeroesDeletedContent() {
        try (Database db = open(key)) {
            assertThat(writer(db).<Long>call("pragma", c -> SqliteRequestQueries.singleLong(c, "PRAGMA secure_delete")))
                    .isEqualTo(1);
        }
    }

    @Test
    void anotherKeyLoadsTheAccountsWithoutCredentialsNamesThemOnceAndLosesNothing() throws Exception {
        try (Database db = open(key)) {
            db.accounts().insert(alice(), new Credentials.OAuthTokens(access, refresh, 77));
            db.accounts().insert(bob(), new Credentials.ApiKey(apiKey));
        }
        List<String> before = rawSecrets();
        logs.list.clear();

        SecretBox other = newKey();
        try (Database db = open(other)) {
            assertThat(db.undecryptableAccounts()).containsExactly("bob-" + unique, "alice-" + unique);
            List<AccountStore.Stored> all = db.accounts().loadAll();
            assertThat(all).extracting(s -> s.account().id()).containsExactly("a2", "a1");
            assertThat(all).extracting(AccountStore.Stored::credentials).containsOnlyNulls();
            // Settings and state writes of such an account keep its stored secrets.
            db.accounts().updateSettings(all.getLast().account().withPriority(3));
            db.accounts().saveStateLater(all.getLast().account().withPriority(3).usedAt(5000, 3_600_000));
            assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
            // A new account under the new key is readable next to them.
            db.accounts().insert(Account.create("a3", "carol", ProviderKind.OPENAI, 9, "", 3000),
                    new Credentials.ApiKey("sk-carol"));
            assertThat(db.accounts().loadAll()).extracting(AccountStore.Stored::credentials)
                    .containsExactly(null, null, new Credentials.ApiKey("sk-carol"));
        }
        List<ILoggingEvent> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst().getFormattedMessage())
                .contains("alice-" + unique, "bob-" + unique, other.keyId())
                .doesNotContain(apiKey, access, refresh, "v1:");
        assertThat(rawSecrets()).isEqualTo(before);

        try (Database db = open(key)) {
            assertThat(db.undecryptableAccounts()).containsExactly("carol");
            assertThat(db.accounts().loadAll()).extracting(AccountStore.Stored::credentials).containsExactly(
                    new Credentials.ApiKey(apiKey), new Credentials.OAuthTokens(access, refresh, 77), null);
        }
    }

    @Test
    void anAlteredOrMovedSecretMakesOnlyThatAccountUndecryptableUntilItGetsNewCredentials() throws Exception {
        try (Database db = open(key)) {
            db.accounts().insert(alice(), new Credentials.ApiKey("sk-alice"));
            db.accounts().insert(bob(), new Credentials.ApiKey("sk-bob"));
        }
        try (Connection c = raw(file)) {
            // bob's row gets alice's sealed key: bound to alice's id, it must not open as bob's.
            try (var s = c.createStatement()) {
                s.executeUpdate("UPDATE accounts SET api_key = (SELECT api_key FROM accounts WHERE id = 'a1') WHERE id = 'a2'");
            }
        }
        try (Database db = open(key)) {
            assertThat(db.undecryptableAccounts()).containsExactly("bob-" + unique);
            assertThat(db.accounts().loadAll()).extracting(AccountStore.Stored::credentials)
                    .containsExactly(null, new Credentials.ApiKey("sk-alice"));

            db.accounts().replaceCredentials("a2", new Credentials.ApiKey("sk-bob-2"));
            assertThat(db.undecryptableAccounts()).isEmpty();
            assertThat(db.accounts().loadAll()).extracting(AccountStore.Stored::credentials)
                    .containsExactly(new Credentials.ApiKey("sk-bob-2"), new Credentials.ApiKey("sk-alice"));
        }
    }

    @Test
    void plainTextCredentialsOfAnOlderBuildAreSealedAtOpenAndScrubbedFromTheFiles() throws Exception {
        try (Database _ = open(key)) {
            // only creates the schema
        }
        List<String> fillerTokens = new ArrayList<>();
        try (Connection c = raw(file)) {
            try (var s = c.createStatement()) {
                s.execute("PRAGMA secure_delete = OFF"); // as an older build wrote it
                s.executeUpdate("INSERT INTO accounts (id, name, provider, priority, created_at, access_token,"
                        + " refresh_token, expires_at) VALUES ('a1', 'alice', 'claude-code', 1, 1000, '" + access
                        + "', '" + refresh + "', 99)");
                s.executeUpdate("INSERT INTO accounts (id, name, provider, priority, created_at, api_key)"
                        + " VALUES ('a2', 'bob', 'openai', 0, 2000, '" + apiKey + "')");
                // Every state save rewrote the row, leaving stale copies in the page's free space.
                for (int i = 1; i <= 20; i++) s.executeUpdate("UPDATE accounts SET request_count = " + i + " WHERE id = 'a1'");
            }
            // Rows spread over several pages, then deleted: their pages go to the free list with their bytes.
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO accounts (id, name, provider, created_at, refresh_token) VALUES (?, ?, 'claude-code', 1, ?)")) {
                for (int i = 0; i < 60; i++) {
                    String token = "rt-canary-filler-" + i + "-" + unique + "-" + "x".repeat(900);
                    fillerTokens.add(token.substring(0, token.indexOf("-x")));
                    ps.setString(1, "f" + i);
                    ps.setString(2, "filler" + i);
                    ps.setString(3, token);
                    ps.executeUpdate();
                }
            }
            try (var s = c.createStatement()) {
                s.executeUpdate("DELETE FROM accounts WHERE id LIKE 'f%'");
            }
        }
        List<String> needles = new ArrayList<>(List.of(apiKey, access, refresh));
        needles.addAll(fillerTokens);
        List<String> leftBehind = foundIn(file, needles.toArray(String[]::new));
        assertThat(leftBehind).as("the older build left plain text behind, deleted rows included")
                .contains(apiKey, access, refresh).hasSizeGreaterThan(3 + fillerTokens.size() / 2);

        try (Database db = open(key)) {
            assertThat(foundIn(file, needles.toArray(String[]::new))).isEmpty();
            try (Connection c = raw(file)) {
                assertThat(queryString(c, "SELECT access_token FROM accounts WHERE id = 'a1'")).startsWith(SecretBox.PREFIX);
                assertThat(queryString(c, "SELECT api_key FROM accounts WHERE id = 'a2'")).startsWith(SecretBox.PREFIX);
                assertThat(queryLong(c, "SELECT request_count FROM accounts WHERE id = 'a1'")).isEqualTo(20);
                assertThat(queryLong(c, "SELECT expires_at FROM accounts WHERE id = 'a1'")).isEqualTo(99);
                assertThat(queryLong(c, "PRAGMA freelist_count")).isZero();
                assertThat(queryString(c, "PRAGMA integrity_check")).isEqualTo("ok");
            }
            List<AccountStore.Stored> all = db.accounts().loadAll();
            assertThat(all).extracting(s -> s.account().name()).containsExactly("bob", "alice");
            assertThat(all).extracting(AccountStore.Stored::credentials).containsExactly(
                    new Credentials.ApiKey(apiKey), new Credentials.OAuthTokens(access, refresh, 99));
            assertThat(all.getLast().account().requestCount()).isEqualTo(20);
            assertThat(db.undecryptableAccounts()).isEmpty();
        }
        assertThat(foundIn(file, needles.toArray(String[]::new))).isEmpty();
    }

    @Test
    void rotateKeyLeavesEverySecretReadableWithTheNewKeyOnlyAndReportsWhatItCouldNotOpen() throws Exception {
        SecretBox stranger = newKey();
        try (Database db = open(key)) {
            db.accounts().insert(alice(), new Credentials.OAuthTokens(access, refresh, 5));
            db.accounts().insert(bob(), new Credentials.ApiKey(apiKey));
            db.accounts().insert(Account.create("a3", "carol", ProviderKind.OPENAI, 9, "", 3000),
                    new Credentials.ApiKey("sk-carol"));
        }
        try (Connection c = raw(file); PreparedStatement ps = c.prepareStatement("UPDATE accounts SET api_key = ? WHERE id = 'a3'")) {
            ps.setString(1, stranger.seal("a3", "sk-carol")); // sealed with a key this database never had
            ps.executeUpdate();
        }
        String carolBefore = rawColumn("a3", "api_key");
        SecretBox rotated = newKey();
        try (Database db = open(key)) {
            assertThat(db.undecryptableAccounts()).containsExactly("carol");
            Database.KeyRotation result = db.rotateKey(rotated);
            assertThat(result).isEqualTo(new Database.KeyRotation(2, List.of("carol")));
            assertThat(walSize()).as("WAL truncated after the rotation").isZero();
            assertThat(db.undecryptableAccounts()).containsExactly("carol");
            // Later loads and writes use the new key.
            assertThat(db.accounts().loadAll()).extracting(AccountStore.Stored::credentials).containsExactly(
                    new Credentials.ApiKey(apiKey), new Credentials.OAuthTokens(access, refresh, 5), null);
            db.accounts().replaceCredentials("a1", new Credentials.OAuthTokens(access, refresh, 6));
        }
        String sealedAccess = rawColumn("a1", "access_token");
        String sealedKey = rawColumn("a2", "api_key");
        assertThat(rotated.open("a1", sealedAccess)).isEqualTo(access);
        assertThat(rotated.open("a2", sealedKey)).isEqualTo(apiKey);
        assertThatThrownBy(() -> key.open("a1", sealedAccess)).isInstanceOf(SecretBox.WrongKeyException.class);
        assertThatThrownBy(() -> key.open("a2", sealedKey)).isInstanceOf(SecretBox.WrongKeyException.class);
        assertThat(rawColumn("a3", "api_key")).isEqualTo(carolBefore);

        try (Database db = open(key)) {
            assertThat(db.undecryptableAccounts()).containsExactly("bob-" + unique, "alice-" + unique, "carol");
        }
        try (Database db = open(rotated)) {
            assertThat(db.undecryptableAccounts()).containsExactly("carol");
            assertThat(db.accounts().loadAll()).extracting(AccountStore.Stored::credentials).containsExactly(
                    new Credentials.ApiKey(apiKey), new Credentials.OAuthTokens(access, refresh, 6), null);
        }
    }

    @Test
    void theThreeArgumentOpenSealsWithAnOwnerOnlyKeyFileBesideTheDatabase() throws Exception {
        Path nested = dir.resolve("state/ccflare.db");
        try (Database db = Fixtures.open(nested)) {
            db.accounts().insert(bob(), new Credentials.ApiKey(apiKey));
        }
        Path keyFile = dir.resolve("state").resolve(Database.KEY_FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        SecretBox box = SecretBox.load(keyFile);
        try (Connection c = raw(nested)) {
            assertThat(box.open("a2", queryString(c, "SELECT api_key FROM accounts"))).isEqualTo(apiKey);
        }
        assertThat(foundIn(nested, apiKey)).isEmpty();
        try (Database db = Fixtures.open(nested)) {
            assertThat(db.accounts().loadAll().getFirst().credentials()).isEqualTo(new Credentials.ApiKey(apiKey));
        }
    }

    // ---------------------------------------------------------------- helpers

    Database open(SecretBox box) {
        return Database.open(file, CLOCK, THREADS, box);
    }

    Account alice() {
        return Account.create("a1", "alice-" + unique, ProviderKind.CLAUDE_CODE, 1, "", 1000);
    }

    Account bob() {
        return Account.create("a2", "bob-" + unique, ProviderKind.OPENAI, 0, "", 2000);
    }

    static SecretBox newKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return SecretBox.of(bytes);
    }

    long walSize() throws IOException {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        return Files.exists(wal) ? Files.size(wal) : 0;
    }

    String rawColumn(String id, String column) throws Exception {
        try (Connection c = raw(file)) {
            return queryString(c, "SELECT " + column + " FROM accounts WHERE id = '" + id + "'");
        }
    }

    List<String> rawSecrets() throws Exception {
        List<String> all = new ArrayList<>();
        for (String id : List.of("a1", "a2")) {
            for (String column : List.of("api_key", "access_token", "refresh_token", "expires_at")) {
                all.add(rawColumn(id, column));
            }
        }
        return all;
    }

    /** Which of {@code needles} occur in the raw bytes of the database file or its WAL. */
    static List<String> foundIn(Path db, String... needles) throws IOException {
        StringBuilder bytes = new StringBuilder();
        for (Path p : List.of(db, db.resolveSibling(db.getFileName() + "-wal"))) {
            if (Files.exists(p)) bytes.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
        }
        String haystack = bytes.toString();
        List<String> found = new ArrayList<>();
        for (String n : needles) if (haystack.contains(n)) found.add(n);
        return found;
    }
}

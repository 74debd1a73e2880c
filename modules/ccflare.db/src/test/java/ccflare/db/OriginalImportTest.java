package ccflare.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Map;
import java.util.Optional;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ccflare.core.Account;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.RequestRecord;
import ccflare.testing.OriginalDatabases;

class OriginalImportTest {

    @TempDir Path dir;

    private OriginalImport.Result run(Database db, Path source, boolean history, boolean dry, boolean rename) {
        List<Account> existing = db.accounts().loadAll().stream().map(AccountStore.Stored::account).toList();
        return db.importOriginal(new OriginalImport.Request(source, history, dry, rename), existing);
    }

    @Test
    void importsTheOriginalsAccountsSealedWithTheirKindsAndStateAndSkipsWhatItCannotUse() throws Exception {
        Path source = OriginalDatabases.ccflare(dir.resolve("ccflare.db"));
        String before = OriginalDatabases.sha256(source);
        try (Database db = Fixtures.open(dir.resolve("ours/ccflare.db"))) {
            OriginalImport.Report r = run(db, source, true, false, false).report();
            assertThat(r.schema()).isEqualTo("ccflare");
            assertThat(r.added()).extracting(OriginalImport.Added::name).containsExactly("max-main", "manual tokens", "console");
            assertThat(r.skipped()).extracting(OriginalImport.Skipped::name).containsExactly("no-credentials", "max-main");
            assertThat(r.requests()).isEqualTo(4);

            List<AccountStore.Stored> stored = db.accounts().loadAll();
            AccountStore.Stored manual = stored.stream().filter(s -> s.account().name().equals("manual tokens")).findFirst().orElseThrow();
            assertThat(manual.account().provider()).isEqualTo(ProviderKind.CLAUDE_CODE);
            assertThat(manual.account().paused()).isTrue();
            assertThat(manual.credentials()).isEqualTo(new Credentials.OAuthTokens("at-manual", "rt-manual", 0));
            AccountStore.Stored console = stored.stream().filter(s -> s.account().name().equals("console")).findFirst().orElseThrow();
            assertThat(console.credentials()).isEqualTo(new Credentials.ApiKey("sk-ant-console-key"));
            try (Connection c = Fixtures.raw(db.file())) {
                assertThat(Fixtures.count(db.file(), "SELECT count(*) FROM accounts WHERE api_key LIKE 'sk-%'"
                        + " OR access_token LIKE 'at-%' OR refresh_token LIKE 'rt-%'")).isZero();
                assertThat(Fixtures.queryString(c, "SELECT outcome FROM requests WHERE status_code = 429")).isEqualTo("rate_limited");
                assertThat(Fixtures.queryString(c, "SELECT outcome FROM requests WHERE error_message IS NOT NULL")).isEqualTo("mid_stream_reset");
                assertThat(Fixtures.queryLong(c, "SELECT total_requests FROM accounts WHERE name = 'max-main'")).isEqualTo(40);
            }
        }
        assertThat(OriginalDatabases.sha256(source)).isEqualTo(before);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ccflare.db", "ours");
    }

    @Test
    void aWalModeSourceClosedCleanlyIsReadWithoutCreatingAnyFileBesideIt() throws Exception {
        Path source = OriginalDatabases.ccflare(Files.createDirectory(dir.resolve("src")).resolve("ccflare.db"));
        try (Connection c = Fixtures.raw(source)) {
            Fixtures.queryString(c, "PRAGMA journal_mode = WAL"); // as the originals run it; the WAL goes at close
        }
        assertThat(Files.list(source.getParent()).map(p -> p.getFileName().toString())).containsExactly("ccflare.db");
        String before = OriginalDatabases.sha256(source);
        try (Database db = Fixtures.open(dir.resolve("ours/ccflare.db"))) {
            assertThat(run(db, source, true, false, false).report().added()).hasSize(3);
        }
        assertThat(Files.list(source.getParent()).map(p -> p.getFileName().toString())).containsExactly("ccflare.db");
        assertThat(OriginalDatabases.sha256(source)).isEqualTo(before);
    }

    @Test
    void aSecondImportImportsNothing() {
        Path source = OriginalDatabases.betterCcflare(dir.resolve("better-ccflare.db"));
        try (Database db = Fixtures.open(dir.resolve("ours/ccflare.db"))) {
            OriginalImport.Report first = run(db, source, true, false, true).report();
            assertThat(first.added()).extracting(OriginalImport.Added::name).containsExactly("claude-pro", "console-key", "local-llm", "team-alice");
            OriginalImport.Report second = run(db, source, true, false, true).report();
            assertThat(second.added()).isEmpty();
            assertThat(second.requests()).isZero();
            assertThat(second.requestsPresent()).isEqualTo(2);
            assertThat(second.skipped()).extracting(OriginalImport.Skipped::reason).filteredOn(s -> s.startsWith("already imported")).hasSize(4);
            assertThat(db.accounts().loadAll()).hasSize(4);
        }
    }

    @Test
    void eachSchemaVersionImports() {
        try (Database db = Fixtures.open(dir.resolve("ours/ccflare.db"))) {
            OriginalImport.Report early = run(db, OriginalDatabases.ccflareEarly(dir.resolve("early.db")), true, false, false).report();
            assertThat(early.schema()).startsWith("ccflare (early");
            assertThat(early.added()).extracting(OriginalImport.Added::provider).containsExactly("claude-code");
            assertThat(early.requests()).isEqualTo(1);
            OriginalImport.Report v2 = run(db, OriginalDatabases.ccflareV2(dir.resolve("v2.db")), true, false, false).report();
            assertThat(v2.schema()).isEqualTo("ccflare v2");
            assertThat(v2.added()).extracting(OriginalImport.Added::provider).containsExactly("claude-code", "openai", "codex");
            Account oai = db.accounts().loadAll().stream().map(AccountStore.Stored::account).filter(a -> a.name().equals("oai")).findFirst().orElseThrow();
            assertThat(oai.baseUrl()).isEqualTo("https://gateway.example.com/v1");
        }
    }

    @Test
    void historyOlderThanTheRetentionIsLeftOutAndPayloadsOfRecentRequestsAreCopied() throws Exception {
        Path source = OriginalDatabases.ccflare(dir.resolve("ccflare.db"));
        long now = System.currentTimeMillis();
        RequestRecord.Payload fixed = new RequestRecord.Payload(List.of(Map.entry("anthropic-version", "2023-06-01")),
                "req".getBytes(StandardCharsets.UTF_8), List.of(), "resp".getBytes(StandardCharsets.UTF_8), false, false);
        OriginalImport.History history = new OriginalImport.History(now - 365L * 86_400_000, now - 7L * 86_400_000,
                json -> json.contains("anthropic-version") ? Optional.of(fixed) : Optional.empty());
        try (Database db = Fixtures.open(dir.resolve("ours/ccflare.db"))) {
            OriginalImport.Request request = new OriginalImport.Request(source, true, false, false, history);
            OriginalImport.Report dry = db.importOriginal(new OriginalImport.Request(source, true, true, false, history), List.of()).report();
            assertThat(dry.requests()).isEqualTo(3);
            assertThat(dry.tooOld()).isEqualTo(1);
            assertThat(dry.payloads()).isEqualTo(1);
            OriginalImport.Report r = db.importOriginal(request, List.of()).report();
            assertThat(r.requests()).isEqualTo(3);
            assertThat(r.tooOld()).isEqualTo(1);
            assertThat(r.payloads()).isEqualTo(1);
            assertThat(r.sourcePayloads()).isEqualTo(2);
            try (Connection c = Fixtures.raw(db.file())) {
                assertThat(Fixtures.queryString(c, "SELECT CAST(request_body AS TEXT) FROM request_payloads")).isEqualTo("req");
                assertThat(Fixtures.queryLong(c, "SELECT count(*) FROM requests WHERE id = 'c1000000-0000-4000-8000-000000000004'")).isZero();
            }
        }
    }

    @Test
    void aDryRunReportsAndWritesNothing() throws Exception {
        Path source = OriginalDatabases.ccflare(dir.resolve("ccflare.db"));
        try (Database db = Fixtures.open(dir.resolve("ours/ccflare.db"))) {
            OriginalImport.Report r = run(db, source, true, true, false).report();
            assertThat(r.dryRun()).isTrue();
            assertThat(r.added()).hasSize(3);
            assertThat(r.requests()).isEqualTo(4);
            assertThat(db.accounts().loadAll()).isEmpty();
            assertThat(Fixtures.count(db.file(), "SELECT count(*) FROM requests")).isZero();
        }
    }

    @Test
    void aLockedSourceIsReadFromACopyAndLeftUnchanged() throws Exception {
        Path source = OriginalDatabases.ccflare(dir.resolve("ccflare.db"));
        String before = OriginalDatabases.sha256(source);
        try (Database db = Fixtures.open(dir.resolve("ours/ccflare.db")); AutoCloseable lock = OriginalDatabases.lockExclusively(source)) {
            OriginalImport.Report r = run(db, source, false, false, false).report();
            assertThat(r.readFromCopy()).isTrue();
            assertThat(r.added()).hasSize(3);
        }
        assertThat(OriginalDatabases.sha256(source)).isEqualTo(before);
    }

    @Test
    void aCorruptMissingOrForeignSourceIsAClearErrorAndNothingIsWritten() throws Exception {
        try (Database db = Fixtures.open(dir.resolve("ours/ccflare.db"))) {
            Path corrupt = OriginalDatabases.corrupt(dir.resolve("corrupt.db"));
            assertThatThrownBy(() -> run(db, corrupt, true, false, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(corrupt + ": ").hasMessageContaining("corrupt");
            Path text = Files.writeString(dir.resolve("notes.db"), "hello");
            assertThatThrownBy(() -> run(db, text, true, false, false)).hasMessageContaining("not an SQLite database");
            assertThatThrownBy(() -> run(db, dir.resolve("absent.db"), true, false, false)).hasMessageContaining("no such file");
            assertThatThrownBy(() -> run(db, db.file(), true, false, false)).hasMessageContaining("database of this ccflare");
            assertThat(db.accounts().loadAll()).isEmpty();
            assertThat(Fixtures.count(db.file(), "SELECT count(*) FROM requests")).isZero();
        }
    }
}

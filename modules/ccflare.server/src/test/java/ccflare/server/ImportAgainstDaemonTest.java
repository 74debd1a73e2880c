package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.server.DaemonWithSocket.CtlRun;
import ccflare.testing.OriginalDatabases;
import ccflare.testing.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Importing the originals' databases into a real daemon: through {@code POST /api/maintenance/import}
 * over TCP with the admin token, and through {@code ccflarectl import} over the real admin socket.
 */
class ImportAgainstDaemonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "import-test-admin-token-5e21";
    private static final String[] ADMIN = {"authorization", "Bearer " + TOKEN};

    @RegisterExtension final DaemonWithSocket fixture = new DaemonWithSocket(TOKEN);

    @BeforeEach
    void start() {
        fixture.start();
    }

    private JsonNode post(String body, int expected) throws IOException {
        TestHttp.Reply r = TestHttp.postJson(fixture.uri("/api/maintenance/import"), body, ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }

    private JsonNode get(String path) throws IOException {
        TestHttp.Reply r = TestHttp.get(fixture.uri(path), ADMIN);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    @Test
    void theApiImportsTheOriginalsAccountsAndHistoryOnceAndTheyAreLiveAtOnce() throws IOException {
        Path source = OriginalDatabases.ccflare(fixture.home().resolve("ccflare.db"));
        String before = OriginalDatabases.sha256(source);
        String body = "{\"from\":\"ccflare\",\"path\":" + JSON.writeValueAsString(source.toString()) + ",\"withHistory\":true}";

        JsonNode first = post(body, 200);
        assertThat(names(first.get("added"), "name")).containsExactly("max-main", "manual tokens", "console");
        assertThat(names(first.get("skipped"), "name")).containsExactly("no-credentials", "max-main");
        assertThat(first.get("requests").asLong()).isEqualTo(3);
        assertThat(first.get("tooOld").asLong()).as("the row older than the 365-day retention").isEqualTo(1);
        assertThat(first.get("payloads").asLong()).isEqualTo(1);
        assertThat(first.toString()).doesNotContain("rt-max-main", "at-manual", "sk-ant-console-key");
        JsonNode detail = get("/api/requests/c1000000-0000-4000-8000-000000000001");
        assertThat(detail.toString()).contains("hello from the original", "hi back", "[redacted]")
                .doesNotContain("sk-ant-client-secret");

        JsonNode accounts = get("/api/accounts");
        assertThat(names(accounts, "name")).contains("max-main", "manual tokens", "console");
        assertThat(get("/api/requests?limit=10").toString()).contains("c1000000-0000-4000-8000-000000000001");

        // Neither the log nor the account list carries a secret of the source.
        String logs = get("/api/logs/history?limit=1000").toString();
        assertThat(logs).contains("imported from ccflare");
        for (String secret : List.of("rt-max-main", "at-max-main", "rt-manual", "at-manual", "sk-ant-console-key", "sk-ant-client-secret")) {
            assertThat(logs).doesNotContain(secret);
            assertThat(accounts.toString()).doesNotContain(secret);
        }

        JsonNode second = post(body, 200);
        assertThat(second.get("added")).isEmpty();
        assertThat(second.get("requests").asLong()).isZero();
        assertThat(get("/api/accounts")).hasSize(3);
        assertThat(OriginalDatabases.sha256(source)).isEqualTo(before);
    }

    @Test
    void aCorruptMissingOrBadSourceIsA400NamingTheProblemAndNothingIsImported() throws IOException {
        Path corrupt = OriginalDatabases.corrupt(fixture.home().resolve("corrupt.db"));
        JsonNode bad = post("{\"from\":\"ccflare\",\"path\":" + JSON.writeValueAsString(corrupt.toString()) + "}", 400);
        assertThat(bad.get("error").asText()).startsWith(corrupt.toString()).contains("corrupt");
        JsonNode missing = post("{\"from\":\"better-ccflare\",\"path\":\"/nonexistent/better-ccflare.db\"}", 400);
        assertThat(missing.get("error").asText()).contains("/nonexistent/better-ccflare.db: no such file");
        JsonNode from = post("{\"from\":\"claudeflare\"}", 400);
        assertThat(from.get("error").asText()).contains("from: 'claudeflare' (expected: ccflare or better-ccflare)");
        // Without a path: the original's default location under the daemon's HOME, absent here.
        JsonNode byDefault = post("{\"from\":\"ccflare\"}", 400);
        assertThat(byDefault.get("error").asText()).contains(fixture.home().resolve(".config/ccflare/ccflare.db") + ": no such file");
        assertThat(get("/api/accounts")).isEmpty();
    }

    @Test
    void ccflarectlImportsOverTheSocketWithDryRunRenameAndJson() throws IOException {
        Path source = OriginalDatabases.betterCcflare(fixture.home().resolve("better-ccflare.db"));
        CtlRun dry = fixture.ctl("import", "--from", "better-ccflare", source.toString(), "--dry-run", "--with-history");
        assertThat(dry.code()).as(dry.all()).isZero();
        assertThat(dry.out()).contains("Dry run, nothing written", "better-ccflare", "Would import 3 accounts:", "claude-pro",
                "zai-coding", "has no counterpart here", "Would import 2 of 2 requests and 0 of 0 stored bodies");
        assertThat(get("/api/accounts")).isEmpty();

        CtlRun real = fixture.ctl("import", "--from", "better-ccflare", source.toString(), "--rename", "--json");
        assertThat(real.code()).as(real.all()).isZero();
        JsonNode report = JSON.readTree(real.out());
        assertThat(names(report.get("added"), "name")).containsExactly("claude-pro", "console-key", "local-llm", "team-alice");
        JsonNode accounts = get("/api/accounts");
        for (JsonNode a : accounts) {
            if (a.get("name").asText().equals("local-llm")) {
                assertThat(a.get("provider").asText()).isEqualTo("openai");
                assertThat(a.get("priority").asInt()).isEqualTo(7);
            }
            if (a.get("name").asText().equals("console-key")) assertThat(a.get("paused").asBoolean()).isTrue();
        }

        CtlRun again = fixture.ctl("import", "--from", "better-ccflare", source.toString());
        assertThat(again.code()).as(again.all()).isZero();
        assertThat(again.out()).contains("Imported no accounts.", "already imported");

        CtlRun wrong = fixture.ctl("import", "--from", "nope", source.toString());
        assertThat(wrong.code()).as(wrong.all()).isEqualTo(2);
        assertThat(wrong.err()).contains("--from: 'nope' (expected: ccflare or better-ccflare)");
    }
}

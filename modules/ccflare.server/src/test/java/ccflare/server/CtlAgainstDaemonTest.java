package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.server.DaemonWithSocket.CtlRun;
import ccflare.testing.FakeUpstream;
import ccflare.testing.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
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
 * Every {@code ccflarectl} command run in-process ({@code ccflare.cli.Main.run}) against the real
 * daemon over its real admin socket: what it prints, what {@code --json} prints (it must parse),
 * and what it changed (a paused account gets no traffic, a removed one is gone).
 */
class CtlAgainstDaemonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_ONE = "sk-ant-ctl-one-5d1e";
    private static final String KEY_TWO = "sk-ant-ctl-two-a7b3";
    private static final String MESSAGE = "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @RegisterExtension final DaemonWithSocket fixture = new DaemonWithSocket(null);

    /** Runs with {@code --json}: exit 0 and every non-empty line of stdout is one JSON document; returns the first. */
    private JsonNode json(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--json");
        return parsed(fixture.ctl(all.toArray(String[]::new)));
    }

    private static JsonNode parsed(CtlRun run) throws IOException {
        assertThat(run.code()).as(run.all()).isZero();
        List<JsonNode> docs = new ArrayList<>();
        for (String line : run.out().split("\n")) {
            if (!line.isBlank()) docs.add(JSON.readTree(line));
        }
        assertThat(docs).as(run.all()).isNotEmpty();
        return docs.getFirst();
    }

    private static CtlRun ok(CtlRun run) {
        return run.ok();
    }

    private JsonNode account(String name) throws IOException {
        for (JsonNode a : json("list")) {
            if (a.get("name").asText().equals(name)) return a;
        }
        return null;
    }

    private void proxied() throws IOException, InterruptedException {
        long before = json("stats").get("totalRequests").asLong();
        TestHttp.Reply reply = TestHttp.postJson(fixture.uri("/v1/messages"), MESSAGE, "x-api-key", "sk-client-placeholder",
                "anthropic-version", "2023-06-01");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        // The record is written after the client has its last byte: wait for it, so what follows can read it.
        for (int i = 0; i < 300 && json("stats").get("totalRequests").asLong() <= before; i++) Thread.sleep(10);
    }

    @Test
    void accountCommandsChangeWhatTheRealDaemonServes() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            fixture.start();
            Path keyFile = fixture.home().resolve("one.key");
            Files.writeString(keyFile, KEY_ONE + "\n");

            assertThat(ok(fixture.ctl("list")).out()).startsWith("No accounts.");
            assertThat(ok(fixture.ctl("add", "first", "--provider", "anthropic", "--api-key-file", keyFile.toString(),
                    "--base-url", upstream.baseUri().toString())).out()).isEqualTo("Account 'first' added (anthropic, priority 0).\n");
            JsonNode second = parsed(fixture.ctlWithInput(KEY_TWO + "\n", "add", "second", "--provider", "anthropic", "--api-key-stdin",
                    "--base-url", upstream.baseUri().toString(), "--priority", "1", "--json"));
            assertThat(second.get("name").asText()).isEqualTo("second");
            assertThat(second.toString()).doesNotContain(KEY_TWO);

            CtlRun list = ok(fixture.ctl("list"));
            assertThat(list.out()).contains("first", "second", "anthropic").doesNotContain(KEY_ONE, KEY_TWO);
            assertThat(json("list")).hasSize(2);
            assertThat(ok(fixture.ctl("ls")).out()).isEqualTo(list.out());

            proxied();
            assertThat(upstream.requestsWithCredential(KEY_ONE)).hasSize(1);

            assertThat(ok(fixture.ctl("pause", "first")).out()).contains("first");
            assertThat(account("first").get("paused").asBoolean()).isTrue();
            proxied();
            assertThat(upstream.requestsWithCredential(KEY_TWO)).as("the paused account is skipped").hasSize(1);
            assertThat(upstream.requestsWithCredential(KEY_ONE)).hasSize(1);

            json("resume", "first");
            assertThat(account("first").get("paused").asBoolean()).isFalse();
            json("pause", "first");
            assertThat(ok(fixture.ctl("resume", "first")).out()).contains("first");
            assertThat(account("first").get("paused").asBoolean()).isFalse();

            assertThat(ok(fixture.ctl("rename", "first", "work")).out()).contains("work");
            assertThat(account("first")).isNull();
            assertThat(account("work")).isNotNull();
            json("rename", "work", "day-job");
            assertThat(account("day-job")).isNotNull();

            assertThat(ok(fixture.ctl("priority", "day-job", "5")).out()).contains("5");
            assertThat(account("day-job").get("priority").asInt()).isEqualTo(5);
            json("priority", "day-job", "3");
            assertThat(account("day-job").get("priority").asInt()).isEqualTo(3);

            CtlRun refused = fixture.ctl("remove", "day-job");
            assertThat(refused.code()).as("no terminal and no --yes: nothing is sent").isEqualTo(2);
            assertThat(account("day-job")).isNotNull();
            assertThat(ok(fixture.ctl("remove", "day-job", "--yes")).out()).contains("day-job");
            assertThat(account("day-job")).isNull();
            json("rm", "second", "--yes");
            assertThat(json("list")).isEmpty();

            CtlRun unknown = fixture.ctl("pause", "ghost");
            assertThat(unknown.code()).as(unknown.all()).isEqualTo(1);
            assertThat(unknown.err()).startsWith("ccflarectl: ").contains("ghost");
        }
    }

    @Test
    void daemonAndTrafficCommandsReportAndActOnTheRealDaemon() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            fixture.start();
            ok(fixture.ctlWithInput(KEY_ONE, "add", "work", "--provider", "anthropic", "--api-key-stdin", "--base-url", upstream.baseUri().toString()));
            proxied();
            proxied();

            CtlRun status = ok(fixture.ctl("status"));
            assertThat(status.out()).contains("ok", fixture.socket().toString(), "1");
            assertThat(json("status").get("status").asText()).isEqualTo("ok");

            assertThat(ok(fixture.ctl("stats")).out()).contains("Requests", "2");
            assertThat(json("stats").get("totalRequests").asLong()).isEqualTo(2);

            CtlRun requests = ok(fixture.ctl("requests", "-n", "5"));
            assertThat(requests.out()).contains("/v1/messages", "work");
            CtlRun requestsJson = ok(fixture.ctl("requests", "-n", "5", "--json"));
            JsonNode recent = parsed(requestsJson);
            assertThat(recent.isArray() ? recent.size() : requestsJson.out().strip().split("\n").length).isEqualTo(2);

            String id = recent.get(0).get("id").asText();
            CtlRun show = ok(fixture.ctl("requests", "show", id));
            assertThat(show.out()).containsPattern("(?m)^status +200 \\(success\\)$").containsPattern("(?m)^account +work ")
                    .containsPattern("(?m)^  upstream attempts +1$").contains("Timings", "Usage", "Payload");
            assertThat(parsed(fixture.ctl("requests", "show", id, "--json")).get("id").asText()).isEqualTo(id);
            CtlRun unknownId = fixture.ctl("requests", "show", "no-such-request");
            assertThat(unknownId.code()).as(unknownId.all()).isEqualTo(1);
            assertThat(ok(fixture.ctl("requests", "--account", "work", "--status", "2xx", "--since", "1h")).out().lines().count())
                    .as("a header and the two requests").isEqualTo(3);
            assertThat(ok(fixture.ctl("requests", "--status", "5xx")).out()).isEqualTo("No recorded request matches.\n");

            CtlRun logs = ok(fixture.ctl("logs", "-n", "50"));
            assertThat(logs.out()).contains("INFO");
            parsed(fixture.ctl("logs", "-n", "5", "--json"));

            CtlRun analyze = ok(fixture.ctl("analyze"));
            assertThat(analyze.out()).contains("integrity").contains("ok");
            assertThat(json("analyze").get("integrity").asText()).isEqualTo("ok");

            assertThat(ok(fixture.ctl("config", "get")).out()).contains("data_retention_days");
            assertThat(ok(fixture.ctl("config", "get", "data_retention_days")).out()).isEqualTo("7\n");
            assertThat(ok(fixture.ctl("config", "set", "data_retention_days", "14")).out()).isEqualTo("data_retention_days = 14\n");
            assertThat(json("config", "get").get("data_retention_days").asInt()).isEqualTo(14);
            json("config", "set", "log_level", "DEBUG");
            assertThat(ok(fixture.ctl("config", "get", "log_level")).out()).isEqualTo("DEBUG\n");
            // The level is the JVM's (Logback's) own: put it back for the tests that follow.
            ok(fixture.ctl("config", "set", "log_level", "INFO"));
            CtlRun bad = fixture.ctl("config", "set", "data_retention_days", "900");
            assertThat(bad.code()).as(bad.all()).isEqualTo(1);
            assertThat(bad.err()).startsWith("ccflarectl: ").contains("data_retention_days");

            CtlRun dashboard = ok(fixture.ctl("dashboard"));
            // The link names the port actually bound (the test binds a free one with PORT=0) and works once.
            assertThat(dashboard.out()).matches("http://127\\.0\\.0\\.1:" + fixture.daemon().port() + "/\\?login=[A-Za-z0-9_-]+\n");
            java.net.URI link = java.net.URI.create(dashboard.out().strip());
            TestHttp.Reply visit = TestHttp.get(link);
            assertThat(visit.status()).isEqualTo(303);
            String cookie = visit.header("set-cookie").split(";", 2)[0];
            assertThat(TestHttp.get(link.resolve("/api/accounts"), "cookie", cookie).status()).isEqualTo(200);
            assertThat(TestHttp.get(link).status()).isEqualTo(401);
            assertThat(parsed(fixture.ctl("dashboard", "--json")).path("url").asText()).contains("?login=");

            CtlRun reset = ok(fixture.ctl("reset-stats", "--yes"));
            assertThat(reset.out()).isNotBlank();
            assertThat(json("stats").get("totalRequests").asLong()).as("reset-stats deleted the requests").isZero();
            proxied();
            parsed(fixture.ctl("reset-stats", "--yes", "--json"));
            assertThat(json("stats").get("totalRequests").asLong()).isZero();

            proxied();
            assertThat(ok(fixture.ctl("requests")).out()).contains("/v1/messages");
            ok(fixture.ctl("clear-history", "--yes"));
            assertThat(ok(fixture.ctl("requests")).out()).isEqualTo("No requests recorded.\n");
            assertThat(account("work").get("totalRequests").asLong()).as("clear-history keeps the counters").isPositive();
            proxied();
            parsed(fixture.ctl("clear-history", "--yes", "--json"));
            assertThat(json("requests")).isEmpty();
        }
    }

    @Test
    void everyCommandExitsThreeWithTheSentenceOnceTheDaemonIsGone() throws Exception {
        fixture.start();
        ok(fixture.ctl("status"));
        fixture.daemon().stop();
        assertThat(fixture.socket()).as("the socket file went with the daemon").doesNotExist();
        expectUnreachable("socket missing");

        // A daemon killed with SIGKILL leaves its fixture.socket() file behind: nothing accepts on it.
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(fixture.socket()));
        }
        expectUnreachable("connection refused");
    }

    private void expectUnreachable(String reason) {
        String sentence = "ccflarectl: no ccflare daemon answers at " + fixture.socket() + " (" + reason + "). Start it with 'ccflare',"
                + " or pass --socket.\n";
        List<String[]> commands = List.of(
                new String[] {"status"}, new String[] {"list"}, new String[] {"list", "--json"},
                new String[] {"add", "x", "--provider", "anthropic", "--api-key-stdin"},
                new String[] {"remove", "x", "--yes"}, new String[] {"pause", "x"}, new String[] {"resume", "x"},
                new String[] {"rename", "x", "y"}, new String[] {"priority", "x", "1"}, new String[] {"stats"},
                new String[] {"requests"}, new String[] {"logs"}, new String[] {"reset-stats", "--yes"}, new String[] {"clear-history", "--yes"},
                new String[] {"analyze"}, new String[] {"config", "get"}, new String[] {"config", "set", "log_level", "INFO"},
                new String[] {"dashboard"});
        for (String[] command : commands) {
            CtlRun run = fixture.ctlWithInput(KEY_ONE, command);
            assertThat(run.code()).as(String.join(" ", command) + "\n" + run.all()).isEqualTo(3);
            assertThat(run.err()).as(String.join(" ", command)).isEqualTo(sentence);
            assertThat(run.out()).as(String.join(" ", command)).isEmpty();
        }
    }
}

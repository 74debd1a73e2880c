package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.server.DaemonWithSocket.CtlRun;
import ccflare.testing.FakeUpstream;
import ccflare.testing.Received;
import ccflare.testing.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
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
 * Client keys through a real daemon: made, listed and revoked with {@code ccflarectl} over the real
 * admin socket, enforced on {@code /v1/**} over TCP in each API's error shape, stripped before the
 * (fake) upstream, recorded with each request, limited per key; and the refusal to listen beyond
 * loopback with no key.
 */
class ClientKeysTest {

    private static final String TOKEN = "client-keys-admin-token-0123";
    private static final String[] AUTH = {"authorization", "Bearer " + TOKEN};
    private static final String ACCOUNT_KEY = "sk-ant-client-keys-account";
    private static final String MESSAGE = "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension final DaemonWithSocket fixture = new DaemonWithSocket(TOKEN);

    private void startDaemon(FakeUpstream upstream) {
        fixture.start();
        TestHttp.Reply added = TestHttp.postJson(uri("/api/accounts"), "{\"name\":\"work\",\"provider\":\"anthropic\",\"apiKey\":\""
                + ACCOUNT_KEY + "\",\"baseUrl\":\"" + upstream.baseUri() + "\"}", AUTH);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
    }

    private URI uri(String path) { return fixture.uri(path); }

    private static CtlRun ok(CtlRun run) { return run.ok(); }

    /** {@code ccflarectl keys create ARGS…}: the key it printed, checked for its form. */
    private String createKey(String... args) {
        List<String> all = new ArrayList<>(List.of("keys", "create"));
        all.addAll(List.of(args));
        CtlRun run = ok(fixture.ctl(all.toArray(String[]::new)));
        String key = run.out().strip();
        assertThat(key).as(run.all()).matches("ccf_[A-Za-z0-9_-]{43}");
        assertThat(run.err()).contains("shown only this once");
        return key;
    }

    private TestHttp.Reply message(String... headers) {
        List<String> all = new ArrayList<>(List.of("anthropic-version", "2023-06-01"));
        all.addAll(List.of(headers));
        return TestHttp.postJson(uri("/v1/messages"), MESSAGE, all.toArray(String[]::new));
    }

    private JsonNode api(String path) throws IOException {
        TestHttp.Reply reply = TestHttp.get(uri(path), AUTH);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return JSON.readTree(reply.body());
    }

    /** Polls {@code /api/requests?…} until it lists {@code n} rows (the record is written after the response). */
    private JsonNode requestsUntil(String query, int n) throws Exception {
        JsonNode rows = null;
        for (int i = 0; i < 300; i++) {
            rows = api("/api/requests?limit=50&" + query);
            if (rows.size() >= n) return rows;
            Thread.sleep(20);
        }
        return rows;
    }

    private static void noClientKeyUpstream(List<Received> received) {
        assertThat(received).isNotEmpty();
        for (Received r : received) {
            r.headers().forEach((name, values) -> assertThat(values).as(name).noneMatch(v -> v.contains("ccf_")));
            assertThat(r.headers().get("x-api-key")).containsExactly(ACCOUNT_KEY);
        }
    }

    @Test
    void withAKeyDefinedV1NeedsAValidOneWhichNeverReachesTheUpstreamAndEachRecordNamesIt() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            startDaemon(upstream);
            assertThat(ok(fixture.ctl("keys", "list")).out()).startsWith("No client keys");
            // Open before any key exists.
            assertThat(message("x-api-key", "sk-client-placeholder").status()).isEqualTo(200);

            String alice = createKey("alice");
            CtlRun list = ok(fixture.ctl("keys", "list"));
            assertThat(list.out()).contains("alice", "active", "never").doesNotContain(alice);
            assertThat(ok(fixture.ctl("keys", "list", "--json")).out()).doesNotContain(alice).doesNotContain("hash");

            // No key: 401 in each route family's own shape; nothing reaches the upstream.
            int before = upstream.requests().size();
            TestHttp.Reply none = message();
            assertThat(none.status()).isEqualTo(401);
            JsonNode anthropic = JSON.readTree(none.body());
            assertThat(anthropic.path("type").asText()).isEqualTo("error");
            assertThat(anthropic.path("error").path("type").asText()).isEqualTo("authentication_error");
            assertThat(anthropic.path("error").path("message").asText()).contains("requires a client key");
            TestHttp.Reply openAi = TestHttp.postJson(uri("/v1/openai/chat/completions"), CHAT);
            assertThat(openAi.status()).isEqualTo(401);
            JsonNode openAiError = JSON.readTree(openAi.body()).path("error");
            assertThat(openAiError.path("type").asText()).isEqualTo("authentication_error");
            assertThat(openAiError.path("message").asText()).contains("requires a client key");
            assertThat(openAiError.has("code")).isTrue();
            // A placeholder or a wrong key: 401 too.
            assertThat(message("x-api-key", "sk-client-placeholder").status()).isEqualTo(401);
            TestHttp.Reply wrong = message("x-api-key", "ccf_" + "A".repeat(43));
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.body()).contains("unknown client key");
            assertThat(upstream.requests()).hasSize(before);

            // The key, as x-api-key and as a bearer token: served, and stripped before the upstream.
            TestHttp.Reply viaApiKey = message("x-api-key", alice);
            assertThat(viaApiKey.status()).as(viaApiKey.body()).isEqualTo(200);
            TestHttp.Reply viaBearer = message("authorization", "Bearer " + alice);
            assertThat(viaBearer.status()).as(viaBearer.body()).isEqualTo(200);
            noClientKeyUpstream(upstream.requests().subList(before, upstream.requests().size()));
            assertThat(upstream.requests()).hasSize(before + 2);

            // Each record names its key: the key filter finds exactly these two, no_key the rest.
            JsonNode mine = requestsUntil("key=alice", 2);
            assertThat(mine).hasSize(2);
            for (JsonNode r : mine) assertThat(r.path("statusCode").asInt()).isEqualTo(200);
            JsonNode others = requestsUntil("key=no_key", 5);
            assertThat(others).hasSize(5);
            assertThat(api("/api/analytics?range=1h&key=alice").path("totals").path("requests").asLong()).isEqualTo(2);
            TestHttp.Reply unknownFilter = TestHttp.get(uri("/api/requests?key=ghost"), AUTH);
            assertThat(unknownFilter.status()).isEqualTo(400);
            assertThat(unknownFilter.body()).contains("no client key named 'ghost'");

            // Revoke: without a terminal it must be confirmed with --yes; then the key fails at once.
            CtlRun unconfirmed = fixture.ctl("keys", "revoke", "alice");
            assertThat(unconfirmed.code()).as(unconfirmed.all()).isEqualTo(2);
            assertThat(message("x-api-key", alice).status()).isEqualTo(200);
            assertThat(ok(fixture.ctl("keys", "revoke", "alice", "--yes")).out()).contains("Client key 'alice' revoked");
            long deadline = System.nanoTime() + 1_000_000_000L;
            int status;
            do {
                status = message("x-api-key", alice).status();
            } while (status != 401 && System.nanoTime() < deadline);
            assertThat(status).as("a revoked key answers 401 within a second").isEqualTo(401);
            assertThat(message("x-api-key", alice).body()).contains("client key 'alice' was revoked");
            assertThat(ok(fixture.ctl("keys", "list")).out()).contains("revoked");
            // The last key revoked still leaves the proxy closed.
            assertThat(message("x-api-key", "sk-client-placeholder").status()).isEqualTo(401);
        }
    }

    @Test
    void perKeyLimitsAnswer429WithRetryAfterInTheClientsShape() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.usage(100_000, 100_000, 0, 0);
            startDaemon(upstream);
            String ci = createKey("ci", "--rpm", "2");
            assertThat(message("x-api-key", ci).status()).isEqualTo(200);
            assertThat(message("x-api-key", ci).status()).isEqualTo(200);
            TestHttp.Reply third = message("x-api-key", ci);
            assertThat(third.status()).isEqualTo(429);
            assertThat(Long.parseLong(third.headers().get("retry-after").getFirst())).isBetween(1L, 60L);
            JsonNode error = JSON.readTree(third.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
            assertThat(error.path("message").asText()).isEqualTo("client key 'ci' is limited to 2 requests per minute");
            TestHttp.Reply openAi = TestHttp.postJson(uri("/v1/openai/chat/completions"), CHAT, "authorization", "Bearer " + ci);
            assertThat(openAi.status()).isEqualTo(429);
            assertThat(JSON.readTree(openAi.body()).path("error").path("message").asText()).contains("per minute");
            assertThat(upstream.requests()).hasSize(2);

            // A daily budget: the request that crosses it completes; the next ones are refused until midnight UTC.
            String budget = createKey("budget", "--daily-usd", "0.01", "--expires", "30d");
            assertThat(message("x-api-key", budget).status()).isEqualTo(200);
            requestsUntil("key=budget", 1);
            TestHttp.Reply over = message("x-api-key", budget);
            assertThat(over.status()).as(over.body()).isEqualTo(429);
            assertThat(over.body()).contains("reached its limit of $0.01 per day (UTC)");
            assertThat(Long.parseLong(over.headers().get("retry-after").getFirst())).isBetween(1L, 86_400L);
            JsonNode listed = JSON.readTree(ok(fixture.ctl("keys", "list", "--json")).out());
            assertThat(listed.findValuesAsText("name")).containsExactly("ci", "budget");
            assertThat(listed.get(0).path("requestsPerMinute").asInt()).isEqualTo(2);
            assertThat(listed.get(1).path("dailyUsd").asDouble()).isEqualTo(0.01);
            assertThat(listed.get(1).path("expires").asText()).isNotEmpty();
            // The rejected requests are recorded against their key too.
            assertThat(requestsUntil("key=ci", 4)).hasSize(4);
        }
    }

    @Test
    void listeningBeyondLoopbackWithNoKeyIsRefusedAtStartSayingWhy() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Launch launch = fixture.launch(Map.of("HOST", "0.0.0.0"), err);
        assertThat(launch).isEqualTo(new Main.Launch.Exit(2));
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("refusing to listen on 0.0.0.0 with no client key defined")
                .contains("anyone who can reach this address could send requests through your accounts")
                .contains("CCFLARE_ALLOW_OPEN_BIND=true");
        assertThat(Files.exists(fixture.socket())).as("nothing was left listening").isFalse();
    }
}

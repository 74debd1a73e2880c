package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import ccflare.testing.Sse;
import ccflare.testing.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon used the way a new user uses it: start it, add two API-key accounts through the
 * API, point a client at it, and read back what it recorded. Real Jetty, real SQLite, real HTTP,
 * the fake upstream standing in for the provider.
 */
class DaemonEndToEndTest {

    private static final String TOKEN = "end-to-end-admin-token-0123";
    private static final String[] AUTH = {"authorization", "Bearer " + TOKEN};
    private static final String KEY_ONE = "sk-ant-canary-one-7f3a";
    private static final String KEY_TWO = "sk-ant-canary-two-91c2";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAMING_BODY =
            "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":64,\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    @TempDir Path home;
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.stop();
    }

    private void start(Map<String, String> extra) {
        daemon = TestDaemons.start(home, TOKEN, extra);
    }

    private URI uri(String path) { return daemon.uri().resolve(path); }

    private JsonNode getJson(String path) throws IOException {
        TestHttp.Reply reply = TestHttp.get(uri(path), AUTH);
        assertThat(reply.status()).as(path + " " + reply.body()).isEqualTo(200);
        return JSON.readTree(reply.body());
    }

    private void addAccount(String name, String key, FakeUpstream upstream, int priority) {
        TestHttp.Reply added = TestHttp.postJson(uri("/api/accounts"), "{\"name\":\"" + name + "\",\"provider\":\"anthropic\",\"apiKey\":\""
                + key + "\",\"baseUrl\":\"" + upstream.baseUri() + "\",\"priority\":" + priority + "}", AUTH);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        assertThat(added.body()).doesNotContain(key);
    }

    @Test
    void streamsThroughTwoAccountsFailsOverOn429AndRecordsEveryRequestWithUsageAndCost() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.usage(1000, 500, 2000, 100);
            start(Map.of());
            addAccount("work", KEY_ONE, upstream, 0);
            addAccount("spare", KEY_TWO, upstream, 1);

            // A client that sends its own placeholder key, the way Claude Code does with ANTHROPIC_BASE_URL.
            TestHttp.StreamedReply first = TestHttp.streamLines(uri("/v1/messages?beta=true"), STREAMING_BODY,
                    "x-api-key", "sk-client-placeholder", "anthropic-version", "2023-06-01", "anthropic-beta", "a-1,b-2");
            assertThat(first.status()).isEqualTo(200);
            assertThat(Sse.eventNames(first.text())).startsWith("message_start").endsWith("message_stop");
            assertThat(upstream.requests().getFirst().pathAndQuery()).isEqualTo("/v1/messages?beta=true");
            assertThat(upstream.requests().getFirst().credential()).isEqualTo(KEY_ONE);
            assertThat(upstream.requests().getFirst().header("authorization")).isNull();

            // The sticky account is limited: the next request fails over before its first byte.
            upstream.behave(KEY_ONE, Behaviour.rateLimited429(30, 0));
            TestHttp.StreamedReply second = TestHttp.streamLines(uri("/v1/messages?beta=true"), STREAMING_BODY,
                    "x-api-key", "sk-client-placeholder", "anthropic-version", "2023-06-01");
            assertThat(second.status()).isEqualTo(200);
            assertThat(upstream.requestsWithCredential(KEY_TWO)).hasSize(1);

            daemon.stop();
            start(Map.of());
            JsonNode requests = getJson("/api/requests?limit=10");
            assertThat(requests).hasSize(2);
            JsonNode failedOver = requests.get(0);
            assertThat(failedOver.get("accountUsed").asText()).isEqualTo("spare");
            assertThat(failedOver.get("failoverAttempts").asInt()).isEqualTo(1);
            assertThat(failedOver.get("statusCode").asInt()).isEqualTo(200);
            for (JsonNode r : requests) {
                assertThat(r.get("model").asText()).isEqualTo("claude-sonnet-4-20250514");
                assertThat(r.get("inputTokens").asLong()).isEqualTo(1000);
                assertThat(r.get("outputTokens").asLong()).isEqualTo(500);
                assertThat(r.get("cacheReadInputTokens").asLong()).isEqualTo(2000);
                assertThat(r.get("cacheCreationInputTokens").asLong()).isEqualTo(100);
                // Sonnet 4: 1000 in, 500 out, 2000 cache read, 100 cache write.
                assertThat(r.get("costUsd").asDouble()).isEqualTo(0.011475);
            }
            JsonNode stats = getJson("/api/stats");
            assertThat(stats.get("totalRequests").asLong()).isEqualTo(2);
            assertThat(stats.get("successRate").asInt()).isEqualTo(100);

            JsonNode accounts = getJson("/api/accounts");
            JsonNode work = accounts.findParents("name").stream().filter(a -> a.get("name").asText().equals("work")).findFirst().orElseThrow();
            assertThat(work.get("rateLimitStatus").asText()).startsWith("rate_limited");
            daemon.stop();
            daemon = null;

            // The keys were encrypted at rest: nothing in the database files holds them.
            for (String file : new String[] {"ccflare.db", "ccflare.db-wal"}) {
                Path p = home.resolve("data").resolve(file);
                if (!Files.exists(p)) continue;
                String raw = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                assertThat(raw).as(file).doesNotContain(KEY_ONE).doesNotContain(KEY_TWO);
            }
        }
    }

    @Test
    void aWrongKeyFileLeavesTheDaemonRunningReportsTheAccountsAndRotationKeepsThemUsable() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            start(Map.of());
            addAccount("work", KEY_ONE, upstream, 0);

            TestHttp.Reply rotated = TestHttp.postJson(uri("/api/maintenance/rotate-key"), "{}", AUTH);
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            assertThat(rotated.body()).contains("\"rotated\":1");
            daemon.stop();

            // After a rotation and a restart the account still serves.
            start(Map.of());
            assertThat(TestHttp.postJson(uri("/v1/messages"), STREAMING_BODY.replace("true", "false"), "x-api-key", "x").status())
                    .isEqualTo(200);
            assertThat(upstream.requestsWithCredential(KEY_ONE)).hasSize(1);
            daemon.stop();

            // Another key file: the daemon still starts, says which account it cannot decrypt.
            Path otherKey = home.resolve("other.key");
            start(Map.of("CCFLARE_KEY_FILE", otherKey.toString()));
            JsonNode health = JSON.readTree(TestHttp.get(uri("/health")).body());
            assertThat(health.get("status").asText()).isEqualTo("degraded");
            assertThat(health.get("database").asText()).contains("work").contains("cannot be decrypted");
        }
    }

    @Test
    void theLiveRequestStreamShowsEachProxiedRequestAndTheLogHistoryHoldsTheStartLine() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            start(Map.of());
            addAccount("work", KEY_ONE, upstream, 0);
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest subscribe = HttpRequest.newBuilder(uri("/api/requests/stream")).header(AUTH[0], AUTH[1]).build();
            HttpResponse<Stream<String>> live = client.send(subscribe, HttpResponse.BodyHandlers.ofLines());
            assertThat(live.statusCode()).isEqualTo(200);
            Iterator<String> lines = live.body().iterator();
            assertThat(lines.next()).isEqualTo("event: connected");

            CompletableFuture.runAsync(() -> TestHttp.streamLines(uri("/v1/messages"), STREAMING_BODY, "x-api-key", "x"));
            StringBuilder seen = new StringBuilder();
            CompletableFuture<Void> read = CompletableFuture.runAsync(() -> {
                while (lines.hasNext()) {
                    String line = lines.next();
                    seen.append(line).append('\n');
                    if (line.startsWith("data:") && line.contains("\"type\":\"summary\"")) return;
                }
            });
            read.get(10, TimeUnit.SECONDS);
            assertThat(seen.toString()).contains("event: start", "\"path\":\"/v1/messages\"", "event: summary",
                    "\"accountUsed\":\"work\"").doesNotContain(KEY_ONE);

            JsonNode history = getJson("/api/logs/history?limit=1000");
            assertThat(history.toString()).contains("listening on");
        }
    }
}

package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ccflare.testing.Behaviour;
import ccflare.testing.Exposition;
import ccflare.testing.FakeUpstream;
import ccflare.testing.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real daemon after real traffic through it to the fake upstream: the
 * exposition is parsed strictly, and what it counts is what the daemon recorded
 * ({@code GET /api/requests}). Over TCP it needs the admin token; on the admin socket it does not.
 */
class MetricsEndToEndTest {

    private static final String TOKEN = "metrics-admin-token-0123456";
    private static final String[] AUTH = {"authorization", "Bearer " + TOKEN};
    private static final String KEY_ONE = "sk-ant-metrics-one-11aa";
    private static final String KEY_TWO = "sk-ant-metrics-two-22bb";
    private static final String MODEL = "claude-sonnet-4-20250514";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;
    private Path shortDir;
    private Daemon daemon;

    @BeforeEach
    void shortDirectory() throws IOException {
        // A Unix socket path must fit in 108 bytes; @TempDir paths can be longer.
        shortDir = Files.createTempDirectory(Path.of("/tmp"), "ccm");
    }

    @AfterEach
    void stop() throws IOException {
        if (daemon != null) daemon.stop();
        try (Stream<Path> files = Files.walk(shortDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private Path socket() { return shortDir.resolve("run/ccflare.sock"); }

    private URI uri(String path) { return daemon.uri().resolve(path); }

    private void addAccount(String name, String key, FakeUpstream upstream, int priority) {
        TestHttp.Reply added = TestHttp.postJson(uri("/api/accounts"), "{\"name\":\"" + name + "\",\"provider\":\"anthropic\",\"apiKey\":\""
                + key + "\",\"baseUrl\":\"" + upstream.baseUri() + "\",\"priority\":" + priority + "}", AUTH);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
    }

    private int send(boolean stream) {
        String body = "{\"model\":\"" + MODEL + "\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        if (stream) {
            return TestHttp.streamLines(uri("/v1/messages"), body, "x-api-key", "sk-client-placeholder",
                    "anthropic-version", "2023-06-01").status();
        }
        return TestHttp.postJson(uri("/v1/messages"), body, "x-api-key", "sk-client-placeholder",
                "anthropic-version", "2023-06-01").status();
    }

    private JsonNode recorded(int expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            TestHttp.Reply reply = TestHttp.get(uri("/api/requests?limit=100"), AUTH);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            JsonNode rows = JSON.readTree(reply.body());
            if (rows.size() >= expected || System.nanoTime() > deadline) return rows;
            Thread.sleep(50);
        }
    }

    @Test
    void countsOfAScrapeAfterRealTrafficEqualTheRecordedRequests() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            long fiveHourReset = System.currentTimeMillis() / 1000 + 3 * 3600;
            long sevenDayReset = System.currentTimeMillis() / 1000 + 4 * 86_400;
            upstream.usage(1000, 500, 2000, 100).windows(0.25, fiveHourReset, 0.5, sevenDayReset);
            daemon = TestDaemons.start(home, TOKEN, Map.of("CCFLARE_SOCKET_PATH", socket().toString()));
            addAccount("work", KEY_ONE, upstream, 0);
            addAccount("spare", KEY_TWO, upstream, 1);

            assertThat(send(true)).isEqualTo(200);
            assertThat(send(false)).isEqualTo(200);
            assertThat(send(true)).isEqualTo(200);
            // The sticky account is limited: the next request fails over to the spare one.
            upstream.behave(KEY_ONE, Behaviour.rateLimited429(600, 0));
            assertThat(send(true)).isEqualTo(200);
            // The spare one rejects the next request: passed through as an upstream error.
            upstream.behave(KEY_TWO, Behaviour.clientError(400));
            assertThat(send(false)).isEqualTo(400);

            JsonNode rows = recorded(5);
            assertThat(rows).hasSize(5);
            TestHttp.Reply scrape = TestHttp.get(uri("/metrics"), AUTH);
            assertThat(scrape.status()).as(scrape.body()).isEqualTo(200);
            assertThat(scrape.headers().get("content-type").getFirst()).startsWith("text/plain; version=0.0.4");
            Exposition.Parsed m = Exposition.prometheusText(scrape.body());

            // Every recorded request is counted once, with the same account, model, status and outcome.
            Map<String, Integer> fromRows = new TreeMap<>();
            for (JsonNode r : rows) {
                fromRows.merge(r.get("accountUsed").asText() + "|" + r.get("model").asText() + "|" + r.get("statusCode").asInt()
                        + "|" + r.get("outcome").asText() + "|" + r.get("provider").asText(), 1, Integer::sum);
            }
            Map<String, Integer> fromMetrics = new TreeMap<>();
            for (Exposition.Sample s : m.find("ccflare_requests_total")) {
                fromMetrics.merge(s.label("account") + "|" + s.label("model") + "|" + s.label("status") + "|" + s.label("outcome")
                        + "|" + s.label("provider"), (int) s.value(), Integer::sum);
            }
            assertThat(fromMetrics).isEqualTo(fromRows);
            assertThat(m.types()).containsEntry("ccflare_requests_total", "counter");

            long input = 0, output = 0, cacheRead = 0, cacheCreation = 0;
            double cost = 0;
            int failovers = 0, attempts = 0;
            for (JsonNode r : rows) {
                input += r.path("inputTokens").asLong();
                output += r.path("outputTokens").asLong();
                cacheRead += r.path("cacheReadInputTokens").asLong();
                cacheCreation += r.path("cacheCreationInputTokens").asLong();
                cost += r.path("costUsd").asDouble();
                failovers += r.get("failoverAttempts").asInt();
                attempts += r.get("attempts").asInt();
            }
            assertThat(input).isEqualTo(4000);
            assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "input")).isEqualTo(input);
            assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "output")).isEqualTo(output);
            assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "cache_read")).isEqualTo(cacheRead);
            assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "cache_creation")).isEqualTo(cacheCreation);
            assertThat(m.sum("ccflare_cost_usd_total")).isCloseTo(cost, within(1e-9));
            assertThat(failovers).isEqualTo(1);
            assertThat(m.sum("ccflare_failovers_total")).isEqualTo(failovers);
            assertThat(m.sum("ccflare_upstream_attempts_total")).isEqualTo(attempts);
            assertThat(m.sum("gen_ai_client_operation_duration_seconds_count")).isEqualTo(5);
            assertThat(m.sum("gen_ai_client_operation_duration_seconds_count", "error_type", "upstream_error")).isEqualTo(1);
            assertThat(m.sum("ccflare_request_duration_seconds_count")).isEqualTo(5);
            assertThat(m.sum("ccflare_upstream_first_byte_seconds_count")).isEqualTo(5);
            assertThat(m.types()).containsEntry("ccflare_client_first_byte_seconds", "histogram")
                    .containsEntry("ccflare_proxy_overhead_seconds", "histogram");

            // Account state at scrape time: the limited account cools down, the other is active.
            assertThat(m.sum("ccflare_account_state", "account", "work", "state", "cooling")).isEqualTo(1);
            assertThat(m.sum("ccflare_account_state", "account", "work")).isEqualTo(1);
            assertThat(m.sum("ccflare_account_state", "account", "spare", "state", "active")).isEqualTo(1);
            assertThat(m.find("ccflare_account_cooling_until_timestamp_seconds", "account", "work")).hasSize(1);
            assertThat(m.sum("ccflare_account_rate_limit_utilisation_ratio", "account", "spare", "window", "5h")).isEqualTo(0.25);
            assertThat(m.sum("ccflare_account_rate_limit_utilisation_ratio", "account", "spare", "window", "7d")).isEqualTo(0.5);
            assertThat(m.sum("ccflare_account_rate_limit_reset_timestamp_seconds", "account", "spare", "window", "5h"))
                    .isEqualTo(fiveHourReset);

            assertThat(m.sum("ccflare_requests_in_flight")).isZero();
            assertThat(m.find("ccflare_db_writer_queue_depth")).hasSize(1);
            assertThat(m.sum("ccflare_db_writer_commit_duration_seconds_count")).isPositive();
            assertThat(m.find("ccflare_live_events_dropped_total", "topic", "logs")).hasSize(1);
            assertThat(m.find("jvm_memory_used_bytes")).isNotEmpty();
            assertThat(m.find("jvm_threads_current")).isNotEmpty();
            // No label is a request id.
            for (Exposition.Sample s : m.samples()) {
                for (JsonNode r : rows) assertThat(s.labels()).doesNotContainValue(r.get("id").asText());
            }

            // OpenMetrics when asked, same counts.
            TestHttp.Reply om = TestHttp.get(uri("/metrics"), "authorization", "Bearer " + TOKEN,
                    "accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(om.status()).isEqualTo(200);
            assertThat(om.headers().get("content-type").getFirst()).startsWith("application/openmetrics-text");
            Exposition.Parsed omParsed = Exposition.openMetrics(om.body());
            assertThat(omParsed.types()).containsEntry("ccflare_requests", "counter");
            assertThat(omParsed.sum("ccflare_requests_total")).isEqualTo(5);
        }
    }

    @Test
    void overTcpItNeedsTheAdminTokenAndOnTheAdminSocketItIsServedFreely() throws Exception {
        daemon = TestDaemons.start(home, TOKEN, Map.of("CCFLARE_SOCKET_PATH", socket().toString()));

        TestHttp.Reply none = TestHttp.get(uri("/metrics"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().get("www-authenticate")).containsExactly("Bearer");
        assertThat(none.body()).doesNotContain("ccflare_requests");
        TestHttp.Reply wrong = TestHttp.get(uri("/metrics"), "authorization", "Bearer not-the-token");
        assertThat(wrong.status()).isEqualTo(401);

        SocketHttp.Reply overSocket = SocketHttp.get(socket(), "/metrics");
        assertThat(overSocket.status()).as(overSocket.body()).isEqualTo(200);
        Exposition.Parsed m = Exposition.prometheusText(overSocket.body());
        assertThat(m.types()).containsEntry("ccflare_requests_in_flight", "gauge")
                .containsEntry("ccflare_db_writer_commit_duration_seconds", "summary")
                .containsEntry("jvm_memory_used_bytes", "gauge");
        // No traffic yet: a labelled family with no series is left out, not written as a zero.
        assertThat(m.types()).doesNotContainKey("ccflare_requests_total");
        assertThat(m.find("ccflare_requests_total")).isEmpty();

        assertThat(TestHttp.post(uri("/metrics"), "text/plain", "", AUTH).status()).isEqualTo(405);
    }
}

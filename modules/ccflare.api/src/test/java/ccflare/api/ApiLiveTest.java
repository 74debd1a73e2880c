package ccflare.api;

import static ccflare.api.LiveFeedTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Outcome;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import ccflare.protocol.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The live views over a real Jetty, where the API handler sits in a {@code Handler.Sequence} in
 * front of another handler, as the daemon mounts it: WebSockets and event streams over TCP and
 * over the Unix socket.
 */
@Timeout(30)
class ApiLiveTest extends AgainstApiFixture {

    List<String> tcpHeaders(String... more) {
        List<String> h = new ArrayList<>(List.of("Host: " + f.host(), "Authorization: Bearer " + ApiFixture.TOKEN));
        h.addAll(List.of(more));
        return h;
    }

    static JsonNode json(String text) { return Json.tree(text.getBytes(StandardCharsets.UTF_8)); }

    static RequestRecord record(String id, String accountId, String path) {
        return new RequestRecord(id, ApiFixture.T0, "POST", path, "anthropic", accountId, "claude-sonnet-4-5", 200,
                Outcome.OK, 1, 0, 300, 310, 1500, 4, new Usage(100, 50, 20, 10, 0), 0.0123, 42.5,
                "claude-cli/1.0", "sess-1", "", null);
    }

    void awaitSubscribers(LiveFeed.Topic topic, int n) throws InterruptedException {
        awaitTrue(() -> f.live.subscriberCount(topic) == n);
    }

    @Test
    void webSocketLogsSendTheLastLinesOnConnectThenEachNewLineWithin100Ms() throws Exception {
        for (int i = 0; i < 150; i++) f.live.publishLog(ApiFixture.T0 + i, "INFO", "ccflare.proxy", "line " + i);
        try (RawLive ws = RawLive.webSocket(f.port(), "/ws/logs", tcpHeaders(), 0)) {
            assertThat(ws.status).isEqualTo(101);
            assertThat(ws.headers.get("sec-websocket-accept")).isEqualTo(RawLive.expectedAccept());
            List<JsonNode> tail = new ArrayList<>();
            for (int i = 0; i < LiveEndpoints.DEFAULT_WS_TAIL; i++) tail.add(json(ws.text()));
            assertThat(tail.getFirst().path("msg").asText()).isEqualTo("line 50");
            assertThat(tail.getLast().path("msg").asText()).isEqualTo("line 149");
            JsonNode first = tail.getFirst();
            assertThat(first.path("type").asText()).isEqualTo("log");
            assertThat(first.path("ts").asLong()).isEqualTo(ApiFixture.T0 + 50);
            assertThat(first.path("level").asText()).isEqualTo("INFO");
            assertThat(first.path("logger").asText()).isEqualTo("ccflare.proxy");

            awaitSubscribers(LiveFeed.Topic.LOGS, 1);
            f.live.publishLog(ApiFixture.T0, "WARN", "x", "warm-up");
            assertThat(json(ws.text()).path("msg").asText()).isEqualTo("warm-up");
            long t0 = System.nanoTime();
            f.live.publishLog(ApiFixture.T0 + 1, "ERROR", "ccflare.proxy", "upstream 529 \"overloaded\"\nsecond line");
            JsonNode live = json(ws.text());
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(live.path("msg").asText()).isEqualTo("upstream 529 \"overloaded\"\nsecond line");
            assertThat(live.path("level").asText()).isEqualTo("ERROR");
            assertThat(tookMs).as("publish to receipt").isLessThan(100);
        }
        awaitSubscribers(LiveFeed.Topic.LOGS, 0);
    }

    @Test
    void webSocketLogsTailIsChosenByTheClient() throws Exception {
        for (int i = 0; i < 5; i++) f.live.publishLog(ApiFixture.T0 + i, "INFO", "x", "line " + i);
        try (RawLive ws = RawLive.webSocket(f.port(), "/ws/logs?tail=0", tcpHeaders(), 0)) {
            assertThat(ws.status).isEqualTo(101);
            awaitSubscribers(LiveFeed.Topic.LOGS, 1);
            f.live.publishLog(ApiFixture.T0 + 9, "INFO", "x", "new");
            assertThat(json(ws.text()).path("msg").asText()).isEqualTo("new");
        }
        try (RawLive ws = RawLive.webSocket(f.port(), "/ws/logs?tail=2", tcpHeaders(), 0)) {
            assertThat(json(ws.text()).path("msg").asText()).isEqualTo("line 4");
            assertThat(json(ws.text()).path("msg").asText()).isEqualTo("new");
        }
        for (String bad : List.of("1001", "-1", "x")) {
            try (RawLive ws = RawLive.webSocket(f.port(), "/ws/logs?tail=" + bad, tcpHeaders(), 0)) {
                assertThat(ws.status).as(bad).isEqualTo(400);
                assertThat(json(ws.body).path("error").asText()).isEqualTo("tail: '" + bad + "' (expected: an integer 0..1000)");
            }
        }
    }

    @Test
    void webSocketRequestsSendAStartThenTheSameSummaryAsTheRequestListWithin100Ms() throws Exception {
        String accountId = f.post("/api/accounts", "{\"name\":\"work\",\"provider\":\"anthropic\",\"apiKey\":\"k\"}")
                .json().path("id").asText();
        try (RawLive ws = RawLive.webSocket(f.port(), "/ws/requests", tcpHeaders(), 0)) {
            assertThat(ws.status).isEqualTo(101);
            awaitSubscribers(LiveFeed.Topic.REQUESTS, 1);
            f.live.onRecord(record("warm-up", accountId, "/v1/messages"));
            assertThat(json(ws.text()).path("id").asText()).isEqualTo("warm-up");

            long t0 = System.nanoTime();
            f.live.onStart("r-1", ApiFixture.T0, "POST", "/v1/messages");
            JsonNode start = json(ws.text());
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            RequestRecord r = record("r-1", accountId, "/v1/messages");
            t0 = System.nanoTime();
            f.live.onRecord(r);
            JsonNode summary = json(ws.text());
            long summaryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(start.toString()).isEqualTo(
                    "{\"type\":\"start\",\"id\":\"r-1\",\"ts\":" + ApiFixture.T0 + ",\"method\":\"POST\",\"path\":\"/v1/messages\"}");
            assertThat(summary.path("type").asText()).isEqualTo("summary");
            assertThat(summary.path("accountUsed").asText()).isEqualTo("work");
            f.queries.records.add(r);
            JsonNode listed = f.get("/api/requests?limit=1").json().get(0);
            ObjectNode withoutType = ((ObjectNode) summary).deepCopy();
            withoutType.remove("type");
            assertThat(withoutType).isEqualTo(listed);
            assertThat(startMs).as("start: publish to receipt").isLessThan(100);
            assertThat(summaryMs).as("summary: publish to receipt").isLessThan(100);
        }
    }

    @Test
    void aStalledWebSocketClientNeverSlowsThePublisherAndIsToldWhatItLostWhenItReadsAgain() throws Exception {
        String longPath = "/v1/messages?" + "q".repeat(4000);
        // One client that stops reading (tiny receive buffer), one that keeps reading.
        try (RawLive stalled = RawLive.webSocket(f.port(), "/ws/requests", tcpHeaders(), 2048)) {
            assertThat(stalled.status).isEqualTo(101);
            awaitSubscribers(LiveFeed.Topic.REQUESTS, 1);
            LiveSubscriber slow = f.live.subscribers(LiveFeed.Topic.REQUESTS).getFirst();
            stalledClient(stalled, slow, longPath);
        }
    }

    private void stalledClient(RawLive stalled, LiveSubscriber slow, String longPath) throws Exception {
        try (RawLive healthy = RawLive.webSocket(f.port(), "/ws/requests", tcpHeaders(), 0)) {
            assertThat(healthy.status).isEqualTo(101);
            awaitSubscribers(LiveFeed.Topic.REQUESTS, 2);
            List<String> healthyIds = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String t; (t = healthy.text()) != null; ) {
                        JsonNode n = json(t);
                        if (n.path("type").asText().equals("summary")) healthyIds.add(n.path("id").asText());
                        if (n.path("id").asText().equals("r-9999")) return;
                    }
                } catch (Exception e) {
                    // the assertion below reports what arrived
                }
            });

            int capacity = 64; // ApiFixture's queue size
            int maxQueued = 0;
            for (int i = 0; i < 10_000; i++) {
                f.live.onRecord(record("r-" + i, "", longPath));
                for (LiveSubscriber s : f.live.subscribers(LiveFeed.Topic.REQUESTS)) maxQueued = Math.max(maxQueued, s.queued());
            }
            assertThat(maxQueued).isLessThanOrEqualTo(capacity);
            reader.join(10_000);
            assertThat(healthyIds).as("the reading client stays current").contains("r-9999");

            // The stalled client's subscriber: its writes block on the full socket while everything else is counted.
            assertThat(slow.dropped()).as("the stalled client lost events instead of holding them").isPositive();
            long accounted = slow.sent() + slow.queued() + slow.dropped();
            assertThat(accounted).as("written + waiting + dropped (one may be in the write)").isBetween(9_999L, 10_000L);

            // Reading again: the client learns how many it lost (in one report, or several when
            // losses began while its buffers were still filling), then gets the newest events.
            long reported = 0;
            String lastId = null;
            for (String t; (t = stalled.text()) != null; ) {
                JsonNode n = json(t);
                if (n.path("type").asText().equals("dropped")) reported += n.path("count").asLong();
                lastId = n.path("id").asText(null);
                if ("r-9999".equals(lastId)) break;
            }
            assertThat(reported).isEqualTo(slow.dropped());
            assertThat(lastId).isEqualTo("r-9999");
        }
    }

    @Test
    void webSocketOverTcpNeedsTheTokenAndASameOriginPage() throws Exception {
        try (RawLive ws = RawLive.webSocket(f.port(), "/ws/logs", List.of("Host: " + f.host()), 0)) {
            assertThat(ws.status).isEqualTo(401);
            assertThat(ws.headers.get("www-authenticate")).isEqualTo("Bearer");
            assertThat(json(ws.body).path("error").asText()).isEqualTo(ApiHandler.UNAUTHORISED);
        }
        try (RawLive ws = RawLive.webSocket(f.port(), "/ws/requests", List.of("Host: " + f.host(), "Authorization: Bearer nope"), 0)) {
            assertThat(ws.status).isEqualTo(401);
        }
        try (RawLive ws = RawLive.webSocket(f.port(), "/ws/logs", tcpHeaders("Origin: https://evil.example"), 0)) {
            assertThat(ws.status).isEqualTo(403);
            assertThat(json(ws.body).path("error").asText()).contains("origin 'https://evil.example' may not use this daemon");
        }
        int otherPort = f.port() == 65535 ? 65534 : f.port() + 1;
        try (RawLive ws = RawLive.webSocket(f.port(), "/ws/logs", tcpHeaders("Origin: http://localhost:" + otherPort), 0)) {
            assertThat(ws.status).as("another local web server's page").isEqualTo(403);
            assertThat(json(ws.body).path("error").asText()).startsWith("origin 'http://localhost:" + otherPort
                    + "' may not use this daemon (expected: no Origin, as command-line clients and SDKs send, or a page"
                    + " served by this daemon itself, same scheme and port;");
        }
        try (RawLive ws = RawLive.webSocket(f.port(), "/ws/logs", List.of("Host: evil.example:" + f.port(),
                "Authorization: Bearer " + ApiFixture.TOKEN), 0)) {
            assertThat(ws.status).isEqualTo(421);
        }
        for (String origin : List.of("http://localhost:" + f.port(), "http://127.0.0.1:" + f.port())) {
            try (RawLive ws = RawLive.webSocket(f.port(), "/ws/logs?tail=0", tcpHeaders("Origin: " + origin), 0)) {
                assertThat(ws.status).as(origin).isEqualTo(101);
            }
        }
        assertThat(f.live.subscriberCount(LiveFeed.Topic.LOGS)).isLessThanOrEqualTo(2);
        awaitSubscribers(LiveFeed.Topic.LOGS, 0);
    }

    @Test
    void webSocketOverTheUnixSocketNeedsNoToken() throws Exception {
        f.live.publishLog(ApiFixture.T0, "INFO", "x", "before");
        try (RawLive ws = RawLive.webSocket(f.socket, "/ws/logs", List.of("Host: ccflare"))) {
            assertThat(ws.status).isEqualTo(101);
            assertThat(json(ws.text()).path("msg").asText()).isEqualTo("before");
            f.live.publishLog(ApiFixture.T0, "INFO", "x", "after");
            assertThat(json(ws.text()).path("msg").asText()).isEqualTo("after");
        }
        try (RawLive ws = RawLive.webSocket(f.socket, "/ws/requests", List.of("Host: ccflare"))) {
            assertThat(ws.status).isEqualTo(101);
            awaitSubscribers(LiveFeed.Topic.REQUESTS, 1);
            f.live.onStart("r-u", ApiFixture.T0, "GET", "/v1/models");
            assertThat(json(ws.text()).path("id").asText()).isEqualTo("r-u");
        }
    }

    @Test
    void aPlainGetOnAWebSocketPathAsksForTheUpgradeAndUnknownLivePathsAre404() throws Exception {
        var r = f.get("/ws/logs");
        assertThat(r.status()).isEqualTo(426);
        assertThat(r.header("upgrade")).isEqualTo("websocket");
        assertThat(r.error()).isEqualTo("/ws/logs is a WebSocket (expected: a WebSocket handshake with Upgrade: websocket;"
                + " without WebSocket, GET /api/logs/stream sends the same events)");
        assertThat(f.get("/ws/nothing").status()).isEqualTo(404);
        assertThat(f.tcp("GET", "/wsx", List.of("Host: " + f.host()), null).status()).as("left to the next handler").isEqualTo(418);
    }

    @Test
    void eventStreamsSendConnectedThenEventsThenKeepAlivesWhenIdle() throws Exception {
        try (RawLive sse = RawLive.get(f.port(), "/api/logs/stream", tcpHeaders("Accept: text/event-stream"))) {
            assertThat(sse.status).isEqualTo(200);
            assertThat(sse.headers.get("content-type")).isEqualTo("text/event-stream; charset=utf-8");
            assertThat(sse.headers.get("cache-control")).isEqualTo("no-store");
            assertThat(sse.event()).isEqualTo("connected\n{\"type\":\"connected\"}");
            awaitSubscribers(LiveFeed.Topic.LOGS, 1);
            f.live.publishLog(ApiFixture.T0, "WARN", "ccflare.proxy", "hello");
            assertThat(sse.event()).isEqualTo("log\n{\"type\":\"log\",\"ts\":" + ApiFixture.T0
                    + ",\"level\":\"WARN\",\"logger\":\"ccflare.proxy\",\"msg\":\"hello\"}");
            // The fixture's keep-alive is 300 ms (15 s in the daemon).
            assertThat(sse.event()).isEqualTo(": keepalive");
        }
        awaitSubscribers(LiveFeed.Topic.LOGS, 0);
    }

    @Test
    void theLogStreamSendsNoHistoryUnlessAskedSinceCtlReadsTheHistoryFirst() throws Exception {
        for (int i = 0; i < 3; i++) f.live.publishLog(ApiFixture.T0 + i, "INFO", "x", "old " + i);
        try (RawLive sse = RawLive.get(f.socket, "/api/logs/stream?tail=2", List.of("Host: ccflare"))) {
            assertThat(sse.event()).startsWith("connected\n");
            assertThat(json(sse.event().split("\n", 2)[1]).path("msg").asText()).isEqualTo("old 1");
            assertThat(json(sse.event().split("\n", 2)[1]).path("msg").asText()).isEqualTo("old 2");
        }
        try (RawLive sse = RawLive.get(f.socket, "/api/logs/stream", List.of("Host: ccflare"))) {
            assertThat(sse.event()).startsWith("connected\n");
            // The previous stream's subscriber leaves when its next write fails; wait only for this one.
            awaitTrue(() -> f.live.subscriberCount(LiveFeed.Topic.LOGS) >= 1);
            f.live.publishLog(ApiFixture.T0, "INFO", "x", "new");
            assertThat(json(dataOf(sse)).path("msg").asText()).isEqualTo("new");
        }
    }

    /** The data of the next event, past keep-alive comments. */
    static String dataOf(RawLive sse) throws Exception {
        for (String e; ; ) {
            e = sse.event();
            if (!e.startsWith(":")) return e.split("\n", 2)[1];
        }
    }

    @Test
    void theRequestStreamOverTheUnixSocketSendsStartsAndSummaries() throws Exception {
        try (RawLive sse = RawLive.get(f.socket, "/api/requests/stream", List.of("Host: ccflare"))) {
            assertThat(sse.status).isEqualTo(200);
            assertThat(sse.event()).isEqualTo("connected\n{\"type\":\"connected\"}");
            awaitSubscribers(LiveFeed.Topic.REQUESTS, 1);
            f.live.onStart("r-1", ApiFixture.T0, "POST", "/v1/messages");
            f.live.onRecord(record("r-1", "", "/v1/messages"));
            assertThat(sse.event()).startsWith("start\n{\"type\":\"start\",\"id\":\"r-1\"");
            String summary = sse.event();
            assertThat(summary).startsWith("summary\n");
            JsonNode s = json(summary.split("\n", 2)[1]);
            assertThat(s.path("statusCode").asInt()).isEqualTo(200);
            assertThat(s.path("accountUsed").isNull()).isTrue();
        }
    }

    @Test
    void eventStreamsOverTcpNeedTheToken() throws Exception {
        var r = f.tcp("GET", "/api/requests/stream", List.of("Host: " + f.host()), null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(f.tcp("GET", "/api/logs/stream", List.of("Host: " + f.host()), null).status()).isEqualTo(401);
        assertThat(f.live.subscriberCount(LiveFeed.Topic.LOGS) + f.live.subscriberCount(LiveFeed.Topic.REQUESTS)).isZero();
    }

    @Test
    void logHistoryGivesTheNewestLinesOldestFirstWithinLimits() throws Exception {
        for (int i = 0; i < 150; i++) f.live.publishLog(ApiFixture.T0 + i, i % 2 == 0 ? "INFO" : "DEBUG", "ccflare.x", "line " + i);
        var all = f.get("/api/logs/history");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json()).hasSize(100);
        assertThat(all.json().get(0).toString()).isEqualTo("{\"ts\":" + (ApiFixture.T0 + 50)
                + ",\"level\":\"INFO\",\"logger\":\"ccflare.x\",\"msg\":\"line 50\"}");
        assertThat(all.json().get(99).path("msg").asText()).isEqualTo("line 149");
        var five = f.get("/api/logs/history?limit=5");
        assertThat(five.json()).extracting(n -> n.path("msg").asText())
                .containsExactly("line 145", "line 146", "line 147", "line 148", "line 149");
        assertThat(f.get("/api/logs/history?limit=1000").json()).hasSize(150);
        for (String bad : List.of("0", "1001", "many")) {
            var r = f.get("/api/logs/history?limit=" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.error()).isEqualTo("limit: '" + bad + "' (expected: an integer 1..1000)");
        }
        assertThat(f.unix("GET", "/api/logs/history?limit=1", List.of("Host: ccflare"), null).json().get(0).path("msg").asText())
                .isEqualTo("line 149");
    }

    @Test
    void theAdminTokenIsHandedOutOnlyOverTheAdminSocket() throws Exception {
        var unix = f.unix("GET", "/api/admin/token", List.of("Host: ccflare"), null);
        assertThat(unix.status()).isEqualTo(200);
        assertThat(unix.json().path("token").asText()).isEqualTo(ApiFixture.TOKEN);
        var tcp = f.get("/api/admin/token");
        assertThat(tcp.status()).isEqualTo(403);
        assertThat(tcp.error()).isEqualTo("the admin token is handed out only over the admin socket (use ccflarectl dashboard)");
        assertThat(tcp.body()).doesNotContain(ApiFixture.TOKEN);
        assertThat(f.tcp("GET", "/api/admin/token", List.of("Host: " + f.host()), null).status()).isEqualTo(401);
    }

    @Test
    void deletingTheRequestsClearsTheHistoryAndKeepsTheStatisticsReset() throws Exception {
        f.queries.records.add(record("r-1", "", "/v1/messages"));
        f.queries.records.add(record("r-2", "", "/v1/messages"));
        var r = f.delete("/api/requests");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        assertThat(r.json().path("message").asText()).isEqualTo("Request history cleared (2 requests deleted)");
        assertThat(f.queries.historyClears).isEqualTo(1);
        assertThat(f.queries.resets).as("not a stats reset: account counters stay").isZero();
        assertThat(f.get("/api/requests").json()).isEmpty();
    }

    @Test
    void aStoreThatCannotClearTheHistoryAnswers501() throws Exception {
        f.queries.canClearHistory = false;
        var r = f.unix("DELETE", "/api/requests", List.of("Host: ccflare"), null);
        assertThat(r.status()).isEqualTo(501);
        assertThat(r.error()).isEqualTo("this daemon's store cannot clear the request history"
                + " (clearing the request history is not supported by this store)");
    }

    @Test
    void theOlderContextConstructorsGiveTheApiAFeedOfItsOwn() {
        var six = new ApiContext(f.accounts, f.queries, f.daemon, f.daemon, "t", f.clock);
        var seven = new ApiContext(f.accounts, f.queries, f.daemon, f.daemon, "t", f.clock, new UnconfiguredSignIn());
        assertThat(six.live()).isNotNull().isNotSameAs(seven.live());
        assertThat(new Api(six).live()).isSameAs(six.live());
    }
}

package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Account;
import ccflare.core.Credentials;
import ccflare.core.Outcome;
import ccflare.core.ProviderKind;
import ccflare.core.RequestQueries;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTrafficTest {

    @TempDir Path dir;
    ApiFixture f;
    Account work;

    @BeforeEach void start() throws Exception {
        f = new ApiFixture(dir);
        work = f.accounts.add("11111111-2222-3333-4444-555555555555", "work", ProviderKind.ANTHROPIC, 0, "",
                new Credentials.ApiKey("sk-ant-secret"));
    }

    @AfterEach void stop() throws Exception { f.close(); }

    static RequestRecord record(String id, long at, String accountId, RequestRecord.Payload payload) {
        return new RequestRecord(id, at, "POST", "/v1/messages", "anthropic", accountId, "claude-sonnet-4-5", 200,
                Outcome.OK, 2, 1, 300, 310, 1500, 4, new Usage(100, 50, 20, 10, 0), 0.0123, 42.5,
                "claude-cli/1.0", "sess-1", "", payload);
    }

    @Test
    void requestsAreListedNewestFirstWithTheOriginalFieldsAndOurTimings() throws Exception {
        f.queries.records.add(record("r-old", ApiFixture.T0 - 2000, work.id(), null));
        f.queries.records.add(record("r-new", ApiFixture.T0 - 1000, "", null));
        f.queries.records.add(new RequestRecord("r-gone", ApiFixture.T0 - 3000, "GET", "/v1/models", "", "deleted-id", "",
                499, Outcome.CLIENT_CANCELLED, 0, 0, -1, -1, 20, 1, Usage.NONE, 0, -1, "", "", "client went away", null));
        var r = f.get("/api/requests");
        assertThat(r.status()).isEqualTo(200);
        JsonNode list = r.json();
        assertThat(list).hasSize(3);
        assertThat(list.get(0).path("id").asText()).isEqualTo("r-new");
        assertThat(list.get(0).path("accountUsed").isNull()).isTrue();
        JsonNode old = list.get(1);
        assertThat(old.path("accountUsed").asText()).isEqualTo("work");
        assertThat(old.path("accountId").asText()).isEqualTo(work.id());
        assertThat(old.path("timestamp").asText()).isEqualTo("2026-03-01T11:59:58Z");
        assertThat(old.path("method").asText()).isEqualTo("POST");
        assertThat(old.path("path").asText()).isEqualTo("/v1/messages");
        assertThat(old.path("statusCode").asInt()).isEqualTo(200);
        assertThat(old.path("success").asBoolean()).isTrue();
        assertThat(old.path("responseTimeMs").asLong()).isEqualTo(1500);
        assertThat(old.path("failoverAttempts").asInt()).isEqualTo(1);
        assertThat(old.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(old.path("promptTokens").asLong()).isEqualTo(130);
        assertThat(old.path("completionTokens").asLong()).isEqualTo(50);
        assertThat(old.path("totalTokens").asLong()).isEqualTo(180);
        assertThat(old.path("inputTokens").asLong()).isEqualTo(100);
        assertThat(old.path("cacheReadInputTokens").asLong()).isEqualTo(20);
        assertThat(old.path("cacheCreationInputTokens").asLong()).isEqualTo(10);
        assertThat(old.path("outputTokens").asLong()).isEqualTo(50);
        assertThat(old.has("reasoningTokens")).isFalse();
        assertThat(old.path("costUsd").asDouble()).isEqualTo(0.0123);
        assertThat(old.path("tokensPerSecond").asDouble()).isEqualTo(42.5);
        assertThat(old.path("provider").asText()).isEqualTo("anthropic");
        assertThat(old.path("outcome").asText()).isEqualTo("ok");
        assertThat(old.path("attempts").asInt()).isEqualTo(2);
        assertThat(old.path("ttfbMs").asLong()).isEqualTo(310);
        assertThat(old.path("upstreamTtfbMs").asLong()).isEqualTo(300);
        assertThat(old.path("proxyOverheadMs").asLong()).isEqualTo(4);
        assertThat(old.path("userAgent").asText()).isEqualTo("claude-cli/1.0");
        assertThat(old.has("payload")).isFalse();
        JsonNode gone = list.get(2);
        assertThat(gone.path("accountUsed").asText()).isEqualTo("deleted-id");
        assertThat(gone.path("statusCode").asInt()).isEqualTo(499);
        assertThat(gone.path("outcome").asText()).isEqualTo("client_cancelled");
        assertThat(gone.path("errorMessage").asText()).isEqualTo("client went away");
        assertThat(gone.has("ttfbMs")).isFalse();
        assertThat(gone.has("model")).isFalse();
        assertThat(gone.has("totalTokens")).isFalse();
    }

    @Test
    void requestsLimitIsHonouredAndValidated() throws Exception {
        for (int i = 0; i < 5; i++) f.queries.records.add(record("r" + i, ApiFixture.T0 - i, "", null));
        assertThat(f.get("/api/requests?limit=2").json()).hasSize(2);
        assertThat(f.get("/api/requests?limit=1000").json()).hasSize(5);
        for (String bad : List.of("0", "1001", "abc", "-5", "")) {
            var r = f.get("/api/requests?limit=" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.error()).isEqualTo("limit: '" + bad + "' (expected: an integer 1..1000)");
        }
    }

    @Test
    void requestsTakeACursorAndFiltersAndNameABadOne() throws Exception {
        for (int i = 0; i < 5; i++) f.queries.records.add(record("r" + i, ApiFixture.T0 - i * 1000L, "", null));
        assertThat(f.get("/api/requests?limit=2&before=r1").json()).extracting(n -> n.path("id").asText())
                .containsExactly("r2", "r3");
        var r = f.get("/api/requests?account=work&model=opus&status=4xx&outcome=rate_limited&since=90s");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        RequestQueries.HistoryQuery q = f.queries.lastHistory;
        assertThat(q).isEqualTo(new RequestQueries.HistoryQuery(50, null, work.id(), "opus", null, 4,
                Outcome.RATE_LIMITED, ApiFixture.T0 - 90_000));
        f.get("/api/requests?account=no_account&status=429&since=2026-01-01T00:00:00Z");
        assertThat(f.queries.lastHistory).isEqualTo(new RequestQueries.HistoryQuery(50, null, "", null, 429, null, null,
                java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()));
        f.get("/api/requests?since=7d&model=%20&outcome=");
        assertThat(f.queries.lastHistory).isEqualTo(new RequestQueries.HistoryQuery(50, null, null, null, null, null, null,
                ApiFixture.T0 - 7 * 86_400_000L));

        Map<String, String> bad = Map.of(
                "account=ghost", "account: no account named 'ghost' (expected: account names or ids, or no_account)",
                "status=42", "status: '42' (expected: a status code such as 429, or a class such as 4xx)",
                "status=6xx", "status: '6xx' (expected: a status code such as 429, or a class such as 4xx)",
                "outcome=fine", "outcome: 'fine' (expected: one of ok, upstream_error, rate_limited, proxy_error,"
                        + " client_cancelled, mid_stream_reset, stream_idle_timeout, rejected)",
                "since=yesterday", "since: 'yesterday' (expected: an ISO-8601 time such as 2026-12-07T08:00:00Z, or an"
                        + " age such as 90s, 15m, 2h or 7d)");
        for (var e : bad.entrySet()) {
            var b = f.get("/api/requests?" + e.getKey());
            assertThat(b.status()).as(e.getKey()).isEqualTo(400);
            assertThat(b.error()).isEqualTo(e.getValue());
        }
    }

    @Test
    void requestDetailCarriesThePayloadAsTextOrBase64() throws Exception {
        byte[] binary = {(byte) 0xff, 0, 1, (byte) 0xfe};
        var payload = new RequestRecord.Payload(
                List.of(Map.entry("content-type", "application/json"), Map.entry("x-api-key", "[redacted]")),
                "{\"model\":\"claude\",\"text\":\"héllo\"}".getBytes(StandardCharsets.UTF_8),
                List.of(Map.entry("Set-Cookie", "a=1"), Map.entry("set-cookie", "b=2")), binary, true, false);
        f.queries.records.add(record("r-1", ApiFixture.T0, work.id(), payload));
        var r = f.get("/api/requests/r-1");
        assertThat(r.status()).isEqualTo(200);
        JsonNode d = r.json();
        assertThat(d.path("id").asText()).isEqualTo("r-1");
        assertThat(d.path("accountUsed").asText()).isEqualTo("work");
        assertThat(d.path("ttfbMs").asLong()).isEqualTo(310);
        JsonNode p = d.path("payload");
        assertThat(p.path("streamed").asBoolean()).isTrue();
        assertThat(p.path("truncated").asBoolean()).isFalse();
        assertThat(p.path("request").path("body").asText()).isEqualTo("{\"model\":\"claude\",\"text\":\"héllo\"}");
        assertThat(p.path("request").has("bodyEncoding")).isFalse();
        assertThat(p.path("request").path("headers").path("x-api-key").asText()).isEqualTo("[redacted]");
        assertThat(p.path("response").path("bodyEncoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(p.path("response").path("body").asText())).isEqualTo(binary);
        assertThat(p.path("response").path("headers").path("set-cookie").asText()).isEqualTo("a=1, b=2");

        var back = ccflare.protocol.Json.read(r.body().getBytes(StandardCharsets.UTF_8), ccflare.protocol.RequestDetail.class);
        assertThat(back.summary().id()).isEqualTo("r-1");
        assertThat(back.payload().response().bodyBytes()).isEqualTo(binary);
    }

    @Test
    void aBodyCutInsideACharacterByTheCapIsStillShownAsText() {
        byte[] cut = java.util.Arrays.copyOf("ok é".getBytes(StandardCharsets.UTF_8), 4);
        assertThat(Views.utf8(cut, true)).isEqualTo("ok ");
        assertThat(Views.utf8(cut, false)).isNull();
    }

    @Test
    void unknownRequestIs404AndDetailWithoutPayloadOmitsIt() throws Exception {
        var r = f.get("/api/requests/nope");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error()).isEqualTo("request 'nope' not found (it may be past retention)");
        f.queries.records.add(record("bare", ApiFixture.T0, "", null));
        assertThat(f.get("/api/requests/bare").json().has("payload")).isFalse();
    }

    @Test
    void statsHaveTheOriginalShape() throws Exception {
        f.accounts.changeState(work.id(), a -> a.usedAt(ApiFixture.T0, 1000));
        f.queries.stats = new RequestQueries.Stats(8, 6, 812.6, 5000, 1.2345678, 33.333, new Usage(1000, 2000, 1500, 500, 7),
                List.of(new RequestQueries.ModelCount("claude-sonnet-4-5", 5, 62.5), new RequestQueries.ModelCount("gpt-5", 3, 37.5)),
                List.of(new RequestQueries.AccountStats(work.id(), "", 6, 5, 4000, 1.0000004),
                        new RequestQueries.AccountStats("", "", 2, 1, 1000, 0.2345674),
                        new RequestQueries.AccountStats("dead-id", "old name", 1, 0, 0, 0)),
                List.of("upstream 529", "timeout"));
        var r = f.get("/api/stats");
        assertThat(r.status()).isEqualTo(200);
        JsonNode s = r.json();
        assertThat(s.path("totalRequests").asLong()).isEqualTo(8);
        assertThat(s.path("successRate").asInt()).isEqualTo(75);
        assertThat(s.path("activeAccounts").asInt()).isEqualTo(1);
        assertThat(s.path("avgResponseTime").asLong()).isEqualTo(813);
        assertThat(s.path("totalTokens").asLong()).isEqualTo(5000);
        assertThat(s.path("totalCostUsd").asDouble()).isEqualTo(1.234568);
        assertThat(s.path("avgTokensPerSecond").asDouble()).isEqualTo(33.33);
        assertThat(s.path("tokenDetails").path("inputTokens").asLong()).isEqualTo(1000);
        assertThat(s.path("tokenDetails").path("cacheReadInputTokens").asLong()).isEqualTo(1500);
        assertThat(s.path("tokenDetails").path("reasoningTokens").asLong()).isEqualTo(7);
        assertThat(s.path("topModels").get(0).path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(s.path("topModels").get(0).path("percentage").asDouble()).isEqualTo(62.5);
        assertThat(s.path("accounts").get(0).path("name").asText()).isEqualTo("work");
        assertThat(s.path("accounts").get(0).path("requestCount").asLong()).isEqualTo(6);
        assertThat(s.path("accounts").get(0).path("successRate").asInt()).isEqualTo(83);
        assertThat(s.path("accounts").get(0).path("totalTokens").asLong()).isEqualTo(4000);
        assertThat(s.path("accounts").get(0).path("costUsd").asDouble()).isEqualTo(1.0);
        assertThat(s.path("accounts").get(1).path("costUsd").asDouble()).isEqualTo(0.234567);
        assertThat(s.path("accounts").get(1).path("name").asText()).isEqualTo("no_account");
        assertThat(s.path("accounts").get(2).path("name").asText()).isEqualTo("old name");
        assertThat(s.path("recentErrors")).hasSize(2);
    }

    @Test
    void emptyStatsHaveZeroRatesAndNoTokensPerSecond() throws Exception {
        JsonNode s = f.get("/api/stats").json();
        assertThat(s.path("successRate").asInt()).isZero();
        assertThat(s.has("avgTokensPerSecond")).isFalse();
        assertThat(s.path("topModels")).isEmpty();
    }

    @Test
    void resetStatsClearsRequestsAndZeroesAccountCounters() throws Exception {
        f.accounts.changeState(work.id(), a -> a.usedAt(ApiFixture.T0, 1000));
        f.queries.records.add(record("r", ApiFixture.T0, work.id(), null));
        var r = f.post("/api/stats/reset", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        assertThat(r.json().path("message").asText()).isEqualTo("Statistics reset");
        assertThat(f.queries.resets).isEqualTo(1);
        assertThat(f.queries.records).isEmpty();
        Account after = f.accounts.byId(work.id()).orElseThrow();
        assertThat(after.requestCount()).isZero();
        assertThat(after.sessionRequestCount()).isZero();
        assertThat(after.totalRequests()).isEqualTo(1);
    }

    @Test
    void analyticsPassesRangeBucketAndFiltersToTheQueryAndMapsNames() throws Exception {
        f.queries.analytics = new RequestQueries.Analytics(10, 9, 2, 640.4, 500L, 1900L, 9000, 0.5, 0, new Usage(100, 200, 300, 400, 0),
                List.of(new RequestQueries.Bucket(ApiFixture.T0 - 120_000, "m", 4, 100, 0.1, 3, 500, 30, 90, 10),
                        new RequestQueries.Bucket(ApiFixture.T0 - 60_000, "m", 6, 200, 0.2, 6, 700, 0, 0, 0)),
                List.of(new RequestQueries.ModelCount("m", 10, 100)),
                List.of(new RequestQueries.AccountStats(work.id(), "", 7, 7, 8000, 0.4),
                        new RequestQueries.AccountStats("", "", 3, 2, 1000, 0.1)),
                List.of(new RequestQueries.ModelCost("m", 0.3, 10, 300)),
                List.of(new RequestQueries.ModelPerformance("m", 10, 600.4, 950.6, 1, 20.555, 10, 30)));
        var r = f.get("/api/analytics?range=1h&accounts=work,no_account&models=m,%20x&status=error&modelBreakdown=false");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        RequestQueries.AnalyticsQuery q = f.queries.lastQuery;
        assertThat(q.nowMs()).isEqualTo(ApiFixture.T0);
        assertThat(q.rangeMs()).isEqualTo(3_600_000);
        assertThat(q.bucketMs()).isEqualTo(60_000);
        assertThat(q.accountIds()).containsExactly(work.id(), "");
        assertThat(q.models()).containsExactly("m", "x");
        assertThat(q.status()).isEqualTo("error");
        assertThat(q.modelBreakdown()).isFalse();
        JsonNode a = r.json();
        assertThat(a.path("meta").path("range").asText()).isEqualTo("1h");
        assertThat(a.path("meta").path("bucket").asText()).isEqualTo("1m");
        assertThat(a.path("meta").path("cumulative").asBoolean()).isFalse();
        assertThat(a.path("totals").path("requests").asLong()).isEqualTo(10);
        assertThat(a.path("totals").path("successRate").asInt()).isEqualTo(90);
        assertThat(a.path("totals").path("avgResponseTime").asLong()).isEqualTo(640);
        assertThat(a.path("totals").path("p50ResponseTime").asLong()).isEqualTo(500);
        assertThat(a.path("totals").path("p95ResponseTime").asLong()).isEqualTo(1900);
        assertThat(a.path("totals").has("avgTokensPerSecond")).isFalse();
        JsonNode first = a.path("timeSeries").get(0);
        assertThat(first.path("ts").asLong()).isEqualTo(ApiFixture.T0 - 120_000);
        assertThat(first.has("model")).isFalse();
        assertThat(first.path("requests").asLong()).isEqualTo(4);
        assertThat(first.path("successRate").asDouble()).isEqualTo(75.0);
        assertThat(first.path("errorRate").asDouble()).isEqualTo(25.0);
        assertThat(first.path("cacheHitRate").asDouble()).isEqualTo(33.33);
        assertThat(a.path("tokenBreakdown").path("outputTokens").asLong()).isEqualTo(200);
        assertThat(a.path("modelDistribution").get(0).path("count").asLong()).isEqualTo(10);
        assertThat(a.path("accountPerformance").get(0).path("name").asText()).isEqualTo("work");
        assertThat(a.path("accountPerformance").get(1).path("name").asText()).isEqualTo("no_account");
        assertThat(a.path("accountPerformance").get(1).path("successRate").asInt()).isEqualTo(67);
        assertThat(a.path("accountPerformance").get(0).path("costUsd").asDouble()).isEqualTo(0.4);
        assertThat(a.path("accountPerformance").get(0).path("totalTokens").asLong()).isEqualTo(8000);
        assertThat(a.path("costByModel").get(0).path("costUsd").asDouble()).isEqualTo(0.3);
        JsonNode perf = a.path("modelPerformance").get(0);
        assertThat(perf.path("p95ResponseTime").asLong()).isEqualTo(951);
        assertThat(perf.path("errorRate").asDouble()).isEqualTo(10.0);
        assertThat(perf.path("avgTokensPerSecond").asDouble()).isEqualTo(20.56);
    }

    @Test
    void analyticsDefaultsTo24hHourlyAndEveryRangeHasItsBucket() throws Exception {
        f.get("/api/analytics");
        assertThat(f.queries.lastQuery.rangeMs()).isEqualTo(86_400_000);
        assertThat(f.queries.lastQuery.bucketMs()).isEqualTo(3_600_000);
        assertThat(f.queries.lastQuery.status()).isEqualTo("all");
        assertThat(f.queries.lastQuery.accountIds()).isEmpty();
        Map<String, String> buckets = Map.of("1h", "1m", "6h", "5m", "24h", "1h", "7d", "1h", "30d", "1d");
        for (var e : buckets.entrySet()) {
            assertThat(f.get("/api/analytics?range=" + e.getKey()).json().path("meta").path("bucket").asText())
                    .as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(f.queries.lastQuery.bucketMs()).isPositive();
    }

    @Test
    void cumulativeModeSumsRequestsTokensAndCostPerModel() throws Exception {
        f.queries.analytics = new RequestQueries.Analytics(0, 0, 0, 0, null, null, 0, 0, 0, Usage.NONE,
                List.of(new RequestQueries.Bucket(2000, "b", 1, 10, 0.5, 1, 0, 0, 0, 0),
                        new RequestQueries.Bucket(1000, "a", 2, 20, 1.0, 2, 0, 0, 0, 0),
                        new RequestQueries.Bucket(2000, "a", 3, 30, 1.5, 0, 0, 0, 0, 0)),
                List.of(), List.of(), List.of(), List.of());
        JsonNode series = f.get("/api/analytics?mode=cumulative&modelBreakdown=true").json().path("timeSeries");
        assertThat(series).hasSize(3);
        assertThat(series.get(0).path("model").asText()).isEqualTo("a");
        assertThat(series.get(1).path("model").asText()).isEqualTo("a");
        assertThat(series.get(1).path("requests").asLong()).isEqualTo(5);
        assertThat(series.get(1).path("tokens").asLong()).isEqualTo(50);
        assertThat(series.get(1).path("costUsd").asDouble()).isEqualTo(2.5);
        assertThat(series.get(1).path("successRate").asDouble()).isEqualTo(0.0);
        assertThat(series.get(1).path("errorRate").asDouble()).isEqualTo(100.0);
        assertThat(series.get(2).path("model").asText()).isEqualTo("b");
        assertThat(series.get(2).path("requests").asLong()).isEqualTo(1);
        assertThat(f.queries.lastQuery.modelBreakdown()).isTrue();
    }

    @Test
    void badAnalyticsParametersAre400NamingTheParameter() throws Exception {
        Map<String, String> cases = Map.of(
                "range=2h", "range: '2h' (expected: 1h, 6h, 24h, 7d or 30d)",
                "status=failed", "status: 'failed' (expected: all or success or error)",
                "mode=sum", "mode: 'sum' (expected: normal or cumulative)",
                "modelBreakdown=yes", "modelBreakdown: 'yes' (expected: true or false)",
                "accounts=work,ghost", "accounts: no account named 'ghost' (expected: account names or ids, or no_account)");
        for (var e : cases.entrySet()) {
            var r = f.get("/api/analytics?" + e.getKey());
            assertThat(r.status()).as(e.getKey()).isEqualTo(400);
            assertThat(r.error()).isEqualTo(e.getValue());
        }
        f.get("/api/analytics?accounts=99999999-8888-7777-6666-555555555555");
        assertThat(f.queries.lastQuery.accountIds()).containsExactly("99999999-8888-7777-6666-555555555555");
    }
}

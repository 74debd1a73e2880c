package ccflare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonShapesTest {

    static RequestSummary summary() {
        return new RequestSummary("r1", "2026-01-01T00:00:00Z", "POST", "/v1/messages", null, null, 200, true, null,
                120L, 0, "claude-x", 10L, 5L, 15L, 10L, null, null, 5L, null, 0.5, null, "anthropic", "ok", 1,
                20L, 15L, 2L, "ua", null);
    }

    @Test
    void requestDetailPutsTheSummaryFieldsAtTheTopLevelAndReadsThemBack() {
        var detail = new RequestDetail(summary(), new PayloadView(
                new PayloadView.Part(Map.of("a", "b"), "hi", null), new PayloadView.Part(Map.of(), "AAE=", "base64"), true, false));
        String json = Json.writeString(detail);
        assertThat(json).startsWith("{\"id\":\"r1\"").contains("\"accountUsed\":null").contains("\"payload\":{")
                .doesNotContain("summary");
        RequestDetail back = Json.read(json.getBytes(), RequestDetail.class);
        assertThat(back).isEqualTo(detail);
    }

    @Test
    void everyResponseShapeReadsBackAsWritten() {
        var account = new AccountView("id", "n", "anthropic", 0, false, "", "2026-01-01T00:00:00Z", null, 1, 2, null, 0,
                "OK", null, null, 0.5, "2026-01-01T05:00:00Z", null, null, false, null, true);
        var stats = new StatsView(3, 67, 1, 120, 900, 0.25, null, new StatsView.TokenDetails(1, 2, 3, 4, 0),
                List.of(new StatsView.ModelShare("m", 3, 100)), List.of(new StatsView.AccountShare("n", 3, 67, 30, 0.25)), List.of("e"));
        var analytics = new AnalyticsView(new AnalyticsView.Meta("24h", "1h", true),
                new AnalyticsView.Totals(1, 100, 1, 5, 5L, 5L, 10, 0.1, 3.5),
                List.of(new AnalyticsView.Point(0, "m", 1, 10, 0.1, 100, 0, 0, 5, null)),
                new AnalyticsView.TokenBreakdown(1, 2, 3, 4), List.of(new AnalyticsView.ModelCount("m", 1)),
                List.of(new AnalyticsView.AccountPerformance("no_account", 1, 100, 10, 0.1)),
                List.of(new AnalyticsView.ModelCost("m", 0.1, 1, 10)),
                List.of(new AnalyticsView.ModelPerformance("m", 5, 5, 0, null, null, null)));
        var health = new HealthView("degraded", "0.1.0", 5, 1, "ok", "2026-01-01T00:00:00Z", List.of("n"));
        for (Object dto : List.of(account, stats, analytics, health, ErrorBody.of("bad"), ActionResult.ok("done", account))) {
            assertThat(Json.read(Json.write(dto), dto.getClass())).as(dto.getClass().getSimpleName()).isEqualTo(dto);
        }
    }

    @Test
    void accountViewWritesUnknownTimesAsNullAndLeavesOutAbsentExtras() {
        var account = new AccountView("id", "n", "openai", 0, false, "", "2026-01-01T00:00:00Z", null, 0, 0, null, 0,
                "OK", null, null, null, null, null, null, false, null, true);
        String json = Json.writeString(account);
        assertThat(json).contains("\"lastUsed\":null", "\"sessionStart\":null", "\"rateLimitReset\":null",
                "\"rateLimitRemaining\":null").doesNotContain("baseUrl", "usage5h", "tokenExpiresAt");
    }

    @Test
    void newAccountOmitsAbsentFieldsAndNeverPrintsTheKey() {
        var n = new NewAccount("n", "anthropic", "sk-secret", null, null);
        assertThat(Json.writeString(n)).isEqualTo("{\"name\":\"n\",\"provider\":\"anthropic\",\"apiKey\":\"sk-secret\"}");
        assertThat(n.toString()).doesNotContain("sk-secret").contains("apiKey=redacted");
    }

    @Test
    void oauthSignInShapesReadBackAndTheCodeIsNeverPrinted() {
        var start = new AuthStart("f1", "codex", "https://auth.example/authorize?x=1", "2026-01-01T00:10:00Z", "Open it.");
        var pending = new FlowView("f1", "codex", "pending", "", "");
        var done = new FlowView("f1", "codex", "completed", "acct-1", null);
        for (Object dto : List.of(start, pending, done)) {
            assertThat(Json.read(Json.write(dto), dto.getClass())).as(dto.getClass().getSimpleName()).isEqualTo(dto);
        }
        assertThat(Json.writeString(pending)).isEqualTo("{\"flowId\":\"f1\",\"provider\":\"codex\",\"status\":\"pending\"}");
        var complete = Json.read("{\"flowId\":\"f1\",\"code\":\"secret-code#st\"}".getBytes(), AuthComplete.class);
        assertThat(complete.code()).isEqualTo("secret-code#st");
        assertThat(complete.toString()).doesNotContain("secret-code").contains("code=redacted");
    }

    @Test
    void malformedJsonNamesTheProblemAndWhere() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.tree("{\"a\":".getBytes()))
                .isInstanceOf(Json.BadJsonException.class).hasMessageStartingWith("malformed JSON: ").hasMessageContaining("line 1");
    }
}

package ccflare.db;

import static ccflare.db.Fixtures.count;
import static ccflare.db.Fixtures.failed;
import static ccflare.db.Fixtures.ok;
import static ccflare.db.Fixtures.payload;
import static ccflare.db.Fixtures.raw;
import static ccflare.db.Fixtures.withPayload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import ccflare.core.Account;
import ccflare.core.Credentials;
import ccflare.core.Outcome;
import ccflare.core.ProviderKind;
import ccflare.core.RequestQueries.AccountStats;
import ccflare.core.RequestQueries.Analytics;
import ccflare.core.RequestQueries.AnalyticsQuery;
import ccflare.core.RequestQueries.Bucket;
import ccflare.core.RequestQueries.HistoryQuery;
import ccflare.core.RequestQueries.ModelCost;
import ccflare.core.RequestQueries.ModelCount;
import ccflare.core.RequestQueries.ModelPerformance;
import ccflare.core.RequestQueries.Purge;
import ccflare.core.RequestQueries.Stats;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;

class SqliteRequestQueriesTest extends WithOpenDatabase {

    @Override
    Database.Tuning tuning() {
        return Database.Tuning.DEFAULT.withPurgeBatch(7);
    }

    /**
     * Six requests: alice (a1) 3, bob (a2) 2, pass-through 1.
     * Response times 100, 300, 50, 150, none, 200; three successes.
     */
    private void recordKnownSet() {
        db.accounts().insert(Account.create("a1", "alice", ProviderKind.ANTHROPIC, 0, "", 1), new Credentials.ApiKey("k1"));
        db.accounts().insert(Account.create("a2", "bob", ProviderKind.ANTHROPIC, 0, "", 2), new Credentials.ApiKey("k2"));
        append(ok("r1", 1000, "a1", "m-opus", 100, new Usage(10, 20, 5, 0, 0), 0.5, 40));
        append(ok("r2", 2000, "a1", "m-opus", 300, new Usage(1, 2, 0, 0, 0), 0.25, 20));
        append(failed("r3", 3000, "a2", "m-sonnet", 429, Outcome.RATE_LIMITED, 50, "rate limited"));
        append(ok("r4", 4000, "", "m-sonnet", 150, new Usage(100, 0, 0, 50, 7), 0.125, -1));
        append(failed("r5", 5000, "a2", "", 502, Outcome.PROXY_ERROR, -1, "upstream unreachable"));
        append(failed("r6", 6000, "a1", "m-opus", 500, Outcome.UPSTREAM_ERROR, 200, "rate limited"));
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
    }

    private void append(RequestRecord r) {
        assertThat(db.requestLog().append(r)).isTrue();
    }

    @Test
    void theTranslationARouteRanIsStoredAndReadBackAndAPassThroughStoresNull() throws Exception {
        RequestRecord plain = ok("plain", 1000, "", "m", 10, Usage.NONE, 0, -1);
        RequestRecord translated = new RequestRecord("tr", 2000, "POST", "/v1/ccflare/openai/chat/completions", "claude-code",
                "", "claude-sonnet-4-5", 200, Outcome.OK, 1, 0, 5, 6, 10, 1, Usage.NONE, 0, -1, "", "", "", null, "",
                "openai-chat→anthropic-messages");
        append(plain);
        append(translated);
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();

        assertThat(db.queries().recent(2)).extracting(RequestRecord::translation)
                .containsExactly("openai-chat→anthropic-messages", "");
        assertThat(count(file, "SELECT count(*) FROM requests WHERE id = 'plain' AND translation IS NULL")).isEqualTo(1);
    }

    @Test
    void recentListsNewestFirstUpToTheLimit() {
        recordKnownSet();
        assertThat(db.queries().recent(4)).extracting(RequestRecord::id).containsExactly("r6", "r5", "r4", "r3");
        assertThat(db.queries().recent(100)).hasSize(6);
        RequestRecord r5 = db.queries().recent(2).get(1);
        assertThat(r5).isEqualTo(failed("r5", 5000, "a2", "", 502, Outcome.PROXY_ERROR, -1, "upstream unreachable"));
        assertThatThrownBy(() -> db.queries().recent(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit: 0 (expected: >= 1)");
    }

    @Test
    void historyPagesThroughWithACursorAndFilters() {
        recordKnownSet();
        var q = db.queries();
        List<RequestRecord> first = q.history(HistoryQuery.latest(4));
        assertThat(first).extracting(RequestRecord::id).containsExactly("r6", "r5", "r4", "r3");
        assertThat(q.history(new HistoryQuery(4, "r3", null, null, null, null, null, null)))
                .extracting(RequestRecord::id).containsExactly("r2", "r1");
        assertThat(q.history(new HistoryQuery(4, "r1", null, null, null, null, null, null))).isEmpty();
        assertThat(q.history(new HistoryQuery(4, "no-such-id", null, null, null, null, null, null))).isEmpty();
        // the same timestamp: recording order breaks the tie, so no row is skipped or repeated
        append(ok("t1", 6000, "a1", "m-opus", 5, null, 0, -1));
        append(ok("t2", 6000, "a1", "m-opus", 5, null, 0, -1));
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
        assertThat(q.history(new HistoryQuery(2, null, null, null, null, null, null, null)))
                .extracting(RequestRecord::id).containsExactly("t2", "t1");
        assertThat(q.history(new HistoryQuery(2, "t1", null, null, null, null, null, null)))
                .extracting(RequestRecord::id).containsExactly("r6", "r5");

        assertThat(q.history(new HistoryQuery(10, null, "a2", null, null, null, null, null)))
                .extracting(RequestRecord::id).containsExactly("r5", "r3");
        assertThat(q.history(new HistoryQuery(10, null, "", null, null, null, null, null)))
                .extracting(RequestRecord::id).containsExactly("r4");
        assertThat(q.history(new HistoryQuery(10, null, null, "SONNET", null, null, null, null)))
                .extracting(RequestRecord::id).containsExactly("r4", "r3");
        assertThat(q.history(new HistoryQuery(10, null, null, null, 429, null, null, null)))
                .extracting(RequestRecord::id).containsExactly("r3");
        assertThat(q.history(new HistoryQuery(10, null, null, null, null, 5, null, null)))
                .extracting(RequestRecord::id).containsExactly("r6", "r5");
        assertThat(q.history(new HistoryQuery(10, null, "a1", null, null, null, Outcome.UPSTREAM_ERROR, null)))
                .extracting(RequestRecord::id).containsExactly("r6");
        assertThat(q.history(new HistoryQuery(10, "t1", "a1", "opus", null, 2, Outcome.OK, 1500L)))
                .extracting(RequestRecord::id).containsExactly("r2");
        assertThatThrownBy(() -> new HistoryQuery(0, null, null, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("limit: 0 (expected: >= 1)");
    }

    @Test
    void statsOnAKnownSet() {
        recordKnownSet();
        Stats s = db.queries().stats();
        assertThat(s.totalRequests()).isEqualTo(6);
        assertThat(s.successfulRequests()).isEqualTo(3);
        assertThat(s.avgResponseTimeMs()).isEqualTo(160.0);
        assertThat(s.totalTokens()).isEqualTo(188);
        assertThat(s.totalCostUsd()).isEqualTo(0.875);
        assertThat(s.avgTokensPerSecond()).isEqualTo(30.0);
        assertThat(s.usage()).isEqualTo(new Usage(111, 22, 5, 50, 7));
        assertThat(s.topModels()).containsExactly(new ModelCount("m-opus", 3, 60.0), new ModelCount("m-sonnet", 2, 40.0));
        assertThat(s.accounts()).containsExactly(new AccountStats("a1", "alice", 3, 2, 38, 0.75),
                new AccountStats("a2", "bob", 2, 0, 0, 0), new AccountStats("", "", 1, 1, 150, 0.125));
        assertThat(s.recentErrors()).containsExactly("rate limited", "upstream unreachable");
    }

    @Test
    void statsOfAnEmptyDatabaseAreZero() {
        Stats s = db.queries().stats();
        assertThat(s).isEqualTo(new Stats(0, 0, 0, 0, 0, 0, Usage.NONE, List.of(), List.of(), List.of()));
    }

    @Test
    void analyticsOnAKnownSet() {
        recordKnownSet();
        // now 10 000, range 8 500: r1 (t=1000) is out; buckets of 2 000 ms.
        Analytics a = db.queries().analytics(new AnalyticsQuery(10_000, 8_500, 2_000, List.of(), List.of(), "all", false));
        assertThat(a.totalRequests()).isEqualTo(5);
        assertThat(a.successfulRequests()).isEqualTo(2);
        assertThat(a.activeAccounts()).isEqualTo(3);
        assertThat(a.avgResponseTimeMs()).isEqualTo(175.0);
        // timed: 50, 150, 200, 300 (r5 measured none): nearest ranks 2 and 4
        assertThat(a.p50ResponseTimeMs()).isEqualTo(150L);
        assertThat(a.p95ResponseTimeMs()).isEqualTo(300L);
        assertThat(a.totalTokens()).isEqualTo(153);
        assertThat(a.totalCostUsd()).isEqualTo(0.375);
        assertThat(a.avgTokensPerSecond()).isEqualTo(20.0);
        assertThat(a.usage()).isEqualTo(new Usage(101, 2, 0, 50, 7));
        assertThat(a.timeSeries()).containsExactly(
                new Bucket(2000, "", 2, 3, 0.25, 1, 175.0, 0, 1, 20.0),
                new Bucket(4000, "", 2, 150, 0.125, 1, 150.0, 0, 150, 0),
                new Bucket(6000, "", 1, 0, 0, 0, 200.0, 0, 0, 0));
        assertThat(a.modelDistribution()).containsExactly(new ModelCount("m-opus", 2, 50.0), new ModelCount("m-sonnet", 2, 50.0));
        assertThat(a.accounts()).containsExactly(new AccountStats("a1", "alice", 2, 1, 3, 0.25),
                new AccountStats("a2", "bob", 2, 0, 0, 0), new AccountStats("", "", 1, 1, 150, 0.125));
        assertThat(a.costByModel()).containsExactly(new ModelCost("m-opus", 0.25, 2, 3), new ModelCost("m-sonnet", 0.125, 2, 150));
        assertThat(a.modelPerformance()).containsExactly(
                new ModelPerformance("m-opus", 2, 250.0, 300.0, 1, 20.0, 20.0, 20.0),
                new ModelPerformance("m-sonnet", 2, 100.0, 150.0, 1, 0, 0, 0));
    }

    @Test
    void analyticsFiltersByAccountIncludingPassThroughStatusAndModel() {
        recordKnownSet();
        Analytics a = db.queries().analytics(new AnalyticsQuery(10_000, 8_500, 2_000, List.of("a1", ""), List.of(),
                "success", true));
        assertThat(a.totalRequests()).isEqualTo(2);
        assertThat(a.activeAccounts()).isEqualTo(2);
        assertThat(a.timeSeries()).containsExactly(
                new Bucket(2000, "m-opus", 1, 3, 0.25, 1, 300.0, 0, 1, 20.0),
                new Bucket(4000, "m-sonnet", 1, 150, 0.125, 1, 150.0, 0, 150, 0));

        Analytics errors = db.queries().analytics(new AnalyticsQuery(10_000, 10_000, 60_000, List.of(),
                List.of("m-sonnet"), "error", false));
        assertThat(errors.totalRequests()).isEqualTo(1);
        assertThat(errors.p50ResponseTimeMs()).isEqualTo(50L);
        assertThat(errors.p95ResponseTimeMs()).isEqualTo(50L);
        assertThat(errors.timeSeries()).containsExactly(new Bucket(0, "", 1, 0, 0, 0, 50.0, 0, 0, 0));
        assertThat(errors.modelPerformance()).containsExactly(new ModelPerformance("m-sonnet", 1, 50.0, 50.0, 1, 0, 0, 0));
        assertThat(errors.costByModel()).isEmpty();

        Analytics passThroughOnly = db.queries().analytics(new AnalyticsQuery(10_000, 10_000, 1_000, List.of(""),
                List.of(), "all", false));
        assertThat(passThroughOnly.accounts()).containsExactly(new AccountStats("", "", 1, 1, 150, 0.125));
        assertThat(passThroughOnly.p50ResponseTimeMs()).isEqualTo(150L);

        assertThatThrownBy(() -> db.queries().analytics(new AnalyticsQuery(10_000, 1, 1, List.of(), List.of(), "bad", false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("status: 'bad' (expected: all, success or error)");
        assertThatThrownBy(() -> db.queries().analytics(new AnalyticsQuery(10_000, 1, 0, List.of(), List.of(), "all", false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bucketMs: 0 (expected: > 0)");
    }

    @Test
    void p95IsTheValueAtRowCeilNinetyFivePercent() {
        for (int i = 1; i <= 40; i++) append(ok("r" + i, 1000 + i, "", "m", i * 10L, null, 0, -1));
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
        ModelPerformance p = db.queries().analytics(new AnalyticsQuery(10_000, 10_000, 1_000, List.of(), List.of(),
                "all", false)).modelPerformance().getFirst();
        assertThat(p.p95ResponseTimeMs()).isEqualTo(380.0); // ceil(0.95 * 40) = 38th of 10..400
        assertThat(p.avgResponseTimeMs()).isEqualTo(205.0);
    }

    @Test
    void resetStatsDeletesRequestsAndPayloadsAndZeroesCounters() {
        recordKnownSet();
        append(withPayload(ok("p1", 7000, "a1", "m-opus", 5, null, 0, -1), payload("a", "b")));
        Account alice = db.accounts().loadAll().getFirst().account().usedAt(8000, 1000).usedAt(8001, 1000);
        db.accounts().saveStateLater(alice);
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();

        db.queries().resetStats();
        assertThat(db.queries().stats().totalRequests()).isZero();
        assertThat(db.analyze().rowCounts()).containsEntry("requests", 0L).containsEntry("request_payloads", 0L);
        Account reset = db.accounts().loadAll().stream().filter(s -> s.account().id().equals("a1")).findFirst()
                .orElseThrow().account();
        assertThat(reset.requestCount()).isZero();
        assertThat(reset.sessionRequestCount()).isZero();
        assertThat(reset.totalRequests()).isEqualTo(2);
        assertThat(reset.sessionStartMs()).isEqualTo(8000);
    }

    @Test
    void clearHistoryDeletesRequestsAndPayloadsButKeepsTheAccountCounters() {
        recordKnownSet();
        append(withPayload(ok("p1", 7000, "a1", "m-opus", 5, null, 0, -1), payload("a", "b")));
        Account alice = db.accounts().loadAll().getFirst().account().usedAt(8000, 1000).usedAt(8001, 1000);
        db.accounts().saveStateLater(alice);
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
        long before = db.analyze().rowCounts().get("requests");

        assertThat(db.queries().clearHistory()).isEqualTo(before);

        assertThat(db.analyze().rowCounts()).containsEntry("requests", 0L).containsEntry("request_payloads", 0L);
        Account kept = db.accounts().loadAll().stream().filter(s -> s.account().id().equals("a1")).findFirst()
                .orElseThrow().account();
        assertThat(kept.requestCount()).isEqualTo(2);
    }

    @Test
    void purgeRemovesOldPayloadsThenOldRequestsThenOrphansInBatches() throws Exception {
        for (int i = 0; i < 20; i++) append(withPayload(ok("old" + i, 10 + i, "", "m", 5, null, 0, -1), payload("q", "r")));
        for (int i = 0; i < 15; i++) append(withPayload(ok("mid" + i, 1000 + i, "", "m", 5, null, 0, -1), payload("q", "r")));
        for (int i = 0; i < 5; i++) append(withPayload(ok("new" + i, 10_000 + i, "", "m", 5, null, 0, -1), payload("q", "r")));
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
        try (Connection c = raw(file); var s = c.createStatement()) {
            // Orphans as an older version (foreign keys off) could leave them.
            s.execute("PRAGMA foreign_keys = OFF");
            for (int i = 0; i < 3; i++) {
                s.execute("INSERT INTO request_payloads (id, timestamp) VALUES ('orphan" + i + "', 20000)");
            }
        }

        Purge purge = db.queries().purge(5_000, 100);

        assertThat(purge).isEqualTo(new Purge(20, 20 + 15 + 3));
        assertThat(count(file, "SELECT count(*) FROM requests")).isEqualTo(20);
        assertThat(count(file, "SELECT count(*) FROM request_payloads")).isEqualTo(5);
        assertThat(db.queries().find("mid3").orElseThrow().payload()).isNull();
        assertThat(db.queries().find("new3").orElseThrow().payload()).isNotNull();
        assertThat(db.queries().find("old3")).isEmpty();
        assertThat(db.queries().purge(5_000, 100)).isEqualTo(new Purge(0, 0));
    }

    @Test
    void aLargePurgeReturnsTheFreedPagesToTheFileSystem() throws Exception {
        byte[] big = new byte[32 * 1024];
        Arrays.fill(big, (byte) 'x');
        String body = new String(big, java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < 60; i++) append(withPayload(ok("r" + i, 10 + i, "", "m", 5, null, 0, -1), payload(body, body)));
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
        db.checkpoint();
        long before = db.analyze().dbBytes();

        assertThat(db.queries().purge(1_000, 1_000)).isEqualTo(new Purge(60, 60));
        db.checkpoint();

        try (Connection c = raw(file)) {
            assertThat(Fixtures.queryLong(c, "PRAGMA freelist_count")).isZero();
        }
        long after = db.analyze().dbBytes();
        assertThat(after).isLessThan(before / 4);
        assertThat(db.analyze().integrity()).isEqualTo("ok");
    }
}

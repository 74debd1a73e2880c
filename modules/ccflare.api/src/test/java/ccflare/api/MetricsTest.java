package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.Credentials;
import ccflare.core.Outcome;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import ccflare.testing.Exposition;
import ccflare.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What one RequestRecord turns into, and what the scrape-time gauges read; no sockets. */
class MetricsTest {

    private static final long T0 = 1_780_000_000_000L;
    private static final String MODEL = "claude-sonnet-4-20250514";

    private final ManualClock clock = new ManualClock(T0);
    private final AccountRegistry accounts = new AccountRegistry(new FakeAccountStore(), clock);
    private final Metrics metrics = Metrics.builder(accounts, clock).build();

    private static RequestRecord record(String provider, String accountId, String model, int status, Outcome outcome,
                                        int attempts, int failovers, long upstreamMs, long clientMs, long totalMs,
                                        long overheadMs, Usage usage, double cost) {
        return new RequestRecord("req-" + System.nanoTime(), T0, "POST", "/v1/messages", provider, accountId, model, status,
                outcome, attempts, failovers, upstreamMs, clientMs, totalMs, overheadMs, usage, cost, -1, "ua",
                "session-1", "", null);
    }

    private Exposition.Parsed scrape() {
        Metrics.Exposition e = metrics.scrape("");
        assertThat(e.contentType()).startsWith("text/plain; version=0.0.4");
        return Exposition.prometheusText(new String(e.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aFinishedRequestIsOneCountWithItsLabelsTokensCostAndDurations() {
        Account work = accounts.add("acc-1", "work", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("sk-1"));
        metrics.onRecord(record("anthropic", work.id(), MODEL, 200, Outcome.OK, 2, 1, 300, 320, 1500, 4,
                new Usage(1000, 500, 2000, 100, 0), 0.011475));

        Exposition.Parsed m = scrape();
        assertThat(m.find("ccflare_requests_total")).singleElement().satisfies(s -> {
            assertThat(s.labels()).containsEntry("provider", "anthropic").containsEntry("account", "work")
                    .containsEntry("model", MODEL).containsEntry("status", "200").containsEntry("outcome", "ok");
            assertThat(s.value()).isEqualTo(1);
        });
        assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "input")).isEqualTo(1000);
        assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "output")).isEqualTo(500);
        assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "cache_read")).isEqualTo(2000);
        assertThat(m.sum("gen_ai_client_token_usage_sum", "gen_ai_token_type", "cache_creation")).isEqualTo(100);
        assertThat(m.sum("gen_ai_client_token_usage_count", "gen_ai_request_model", MODEL, "gen_ai_provider_name", "anthropic"))
                .isEqualTo(4);
        assertThat(m.sum("ccflare_cost_usd_total", "account", "work")).isCloseTo(0.011475, within(1e-12));
        assertThat(m.sum("ccflare_upstream_attempts_total")).isEqualTo(2);
        assertThat(m.sum("ccflare_failovers_total")).isEqualTo(1);
        assertThat(m.find("ccflare_retries_total")).isEmpty();
        assertThat(m.sum("gen_ai_client_operation_duration_seconds_sum", "gen_ai_operation_name", "chat")).isEqualTo(1.5);
        // Empty on success: PromQL treats an empty label as an absent one.
        assertThat(m.find("gen_ai_client_operation_duration_seconds_count").getFirst().labels()).containsEntry("error_type", "");
        assertThat(m.sum("ccflare_request_duration_seconds_sum", "outcome", "ok")).isEqualTo(1.5);
        assertThat(m.sum("ccflare_upstream_first_byte_seconds_sum")).isEqualTo(0.3);
        assertThat(m.sum("ccflare_client_first_byte_seconds_sum")).isEqualTo(0.32);
        assertThat(m.sum("ccflare_proxy_overhead_seconds_sum")).isEqualTo(0.004);
        // 1.5 s falls in the 2.5 s bucket, not the 1 s one.
        assertThat(m.sum("ccflare_request_duration_seconds_bucket", "le", "1.0")).isZero();
        assertThat(m.sum("ccflare_request_duration_seconds_bucket", "le", "2.5")).isEqualTo(1);
    }

    @Test
    void aSecondAttemptOnTheSameAccountIsARetryNotAFailover() {
        metrics.onRecord(record("claude-code", "acc-x", MODEL, 200, Outcome.OK, 2, 0, 10, 11, 20, 1, Usage.NONE, 0));
        Exposition.Parsed m = scrape();
        assertThat(m.sum("ccflare_retries_total", "provider", "claude-code")).isEqualTo(1);
        assertThat(m.find("ccflare_failovers_total")).isEmpty();
        // An account removed since: its id stands in for the name.
        assertThat(m.find("ccflare_requests_total").getFirst().label("account")).isEqualTo("acc-x");
    }

    @Test
    void momentsThatNeverHappenedAreNotObservedAndEmptyFieldsAreLabelledNone() {
        metrics.onRecord(record("", "", "", 503, Outcome.PROXY_ERROR, 0, 0, -1, 2, 2, -1, Usage.NONE, 0));
        Exposition.Parsed m = scrape();
        assertThat(m.find("ccflare_requests_total")).singleElement().satisfies(s -> assertThat(s.labels())
                .containsEntry("provider", "none").containsEntry("account", "none").containsEntry("model", "none")
                .containsEntry("status", "503").containsEntry("outcome", "proxy_error"));
        assertThat(m.find("ccflare_upstream_first_byte_seconds_count")).isEmpty();
        assertThat(m.find("ccflare_proxy_overhead_seconds_count")).isEmpty();
        assertThat(m.find("gen_ai_client_token_usage_count")).isEmpty();
        assertThat(m.find("ccflare_upstream_attempts_total")).isEmpty();
        assertThat(m.sum("ccflare_client_first_byte_seconds_count")).isEqualTo(1);
        assertThat(m.sum("gen_ai_client_operation_duration_seconds_count", "error_type", "proxy_error")).isEqualTo(1);
    }

    @Test
    void modelLabelsStopAtTheCapAndLaterModelsAreCountedAsOther() {
        for (int i = 0; i < Metrics.MAX_MODELS; i++) {
            metrics.onRecord(record("anthropic", "", "model-" + i, 200, Outcome.OK, 1, 0, 1, 1, 1, 0, Usage.NONE, 0));
        }
        metrics.onRecord(record("anthropic", "", "one-too-many", 200, Outcome.OK, 1, 0, 1, 1, 1, 0, Usage.NONE, 0));
        metrics.onRecord(record("anthropic", "", "model-0", 200, Outcome.OK, 1, 0, 1, 1, 1, 0, Usage.NONE, 0));
        Exposition.Parsed m = scrape();
        assertThat(m.find("ccflare_requests_total")).hasSize(Metrics.MAX_MODELS + 1);
        assertThat(m.sum("ccflare_requests_total", "model", "other")).isEqualTo(1);
        assertThat(m.sum("ccflare_requests_total", "model", "model-0")).isEqualTo(2);
        assertThat(m.find("ccflare_requests_total", "model", "one-too-many")).isEmpty();
    }

    @Test
    void accountStateAndRateLimitsAreReadFromTheRegistryAtScrapeTime() {
        accounts.add("a1", "active-one", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("sk-1"));
        accounts.add("a2", "paused-one", ProviderKind.ANTHROPIC, 1, "", new Credentials.ApiKey("sk-2"));
        accounts.add("a3", "cooling-one", ProviderKind.CLAUDE_CODE, 2, "", new Credentials.OAuthTokens("at", "rt", T0 + 3_600_000));
        accounts.add("a4", "reauth-one", ProviderKind.CODEX, 3, "", new Credentials.OAuthTokens("at", "rt", T0 + 3_600_000));
        accounts.changeSettings("a2", a -> a.withPaused(true));
        long fiveHourReset = T0 + 2 * 3_600_000;
        accounts.changeState("a3", a -> a.withRateLimit(new RateLimitState("rate_limited", T0 + 60_000, 0, T0 + 60_000,
                0.97, fiveHourReset, 0.4, T0 + 86_400_000)));
        accounts.changeState("a4", a -> a.withNeedsReauth(true));

        Exposition.Parsed m = scrape();
        assertThat(m.sum("ccflare_account_state", "account", "active-one", "state", "active")).isEqualTo(1);
        assertThat(m.sum("ccflare_account_state", "account", "paused-one", "state", "paused")).isEqualTo(1);
        assertThat(m.sum("ccflare_account_state", "account", "cooling-one", "state", "cooling")).isEqualTo(1);
        assertThat(m.sum("ccflare_account_state", "account", "reauth-one", "state", "needs_reauth")).isEqualTo(1);
        // One state per account is 1, the other three 0.
        assertThat(m.find("ccflare_account_state")).hasSize(16);
        assertThat(m.sum("ccflare_account_state")).isEqualTo(4);
        assertThat(m.find("ccflare_account_state", "account", "cooling-one").getFirst().label("provider")).isEqualTo("claude-code");
        assertThat(m.sum("ccflare_account_rate_limit_utilisation_ratio", "account", "cooling-one", "window", "5h")).isEqualTo(0.97);
        assertThat(m.sum("ccflare_account_rate_limit_utilisation_ratio", "account", "cooling-one", "window", "7d")).isEqualTo(0.4);
        assertThat(m.sum("ccflare_account_rate_limit_reset_timestamp_seconds", "account", "cooling-one", "window", "5h"))
                .isEqualTo(fiveHourReset / 1000.0);
        assertThat(m.sum("ccflare_account_cooling_until_timestamp_seconds", "account", "cooling-one")).isEqualTo((T0 + 60_000) / 1000.0);
        // Never reported: no utilisation series rather than a made-up value.
        assertThat(m.find("ccflare_account_rate_limit_utilisation_ratio", "account", "active-one")).isEmpty();

        clock.advance(Duration.ofMinutes(2));
        Exposition.Parsed later = scrape();
        assertThat(later.sum("ccflare_account_state", "account", "cooling-one", "state", "active")).isEqualTo(1);
        assertThat(later.find("ccflare_account_cooling_until_timestamp_seconds")).isEmpty();
    }

    @Test
    void sourcesGivenToTheBuilderAreReadAtEachScrape() {
        long[] inFlight = {3};
        LiveFeed live = new LiveFeed();
        Metrics withSources = Metrics.builder(accounts, clock).inFlight(() -> inFlight[0])
                .writer(() -> new Metrics.WriterFigures(7, 2, 5, 4, 8_000_000)).liveFeed(live).build();
        Exposition.Parsed m = Exposition.prometheusText(new String(withSources.scrape("").body(), StandardCharsets.UTF_8));
        assertThat(m.sum("ccflare_requests_in_flight")).isEqualTo(3);
        assertThat(m.sum("ccflare_db_writer_queue_depth")).isEqualTo(7);
        assertThat(m.sum("ccflare_db_records_dropped_total")).isEqualTo(2);
        assertThat(m.sum("ccflare_db_payloads_shed_total")).isEqualTo(5);
        assertThat(m.sum("ccflare_db_writer_commit_duration_seconds_count")).isEqualTo(4);
        assertThat(m.sum("ccflare_db_writer_commit_duration_seconds_sum")).isEqualTo(0.008);
        assertThat(m.sum("ccflare_live_events_dropped_total", "topic", "logs")).isZero();
        assertThat(m.sum("ccflare_live_subscribers", "topic", "requests")).isZero();
        LiveSubscriber following = live.subscribe(LiveFeed.Topic.REQUESTS, 0, new LiveSubscriber.Sink() {
            @Override public void send(String type, String json) {}
            @Override public void keepAlive() {}
            @Override public void close(Throwable failure) {}
        }, LiveFeedTest.NAME);
        m = Exposition.prometheusText(new String(withSources.scrape("").body(), StandardCharsets.UTF_8));
        assertThat(m.sum("ccflare_live_subscribers", "topic", "requests")).isEqualTo(1);
        assertThat(m.sum("ccflare_live_subscribers", "topic", "logs")).isZero();
        following.close();
        inFlight[0] = 0;
        m = Exposition.prometheusText(new String(withSources.scrape("").body(), StandardCharsets.UTF_8));
        assertThat(m.sum("ccflare_requests_in_flight")).isZero();
        // The default metrics were built without these sources: their series are absent, not zero.
        assertThat(scrape().types()).doesNotContainKeys("ccflare_requests_in_flight", "ccflare_db_writer_queue_depth",
                "ccflare_live_events_dropped_total");
    }

    @Test
    void anAcceptHeaderNamingOpenMetricsGetsOpenMetricsElseTheTextFormat() {
        metrics.onRecord(record("anthropic", "", MODEL, 200, Outcome.OK, 1, 0, 1, 1, 1, 0, Usage.NONE, 0));
        Metrics.Exposition om = metrics.scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om.contentType()).startsWith("application/openmetrics-text");
        Exposition.Parsed parsed = Exposition.openMetrics(new String(om.body(), StandardCharsets.UTF_8));
        assertThat(parsed.types()).containsEntry("ccflare_requests", "counter");
        assertThat(parsed.sum("ccflare_requests_total")).isEqualTo(1);
        assertThat(metrics.scrape("text/plain;version=0.0.4;q=0.5,*/*;q=0.1").contentType()).startsWith("text/plain; version=0.0.4");
    }

    @Test
    void theJvmSeriesAreRegisteredAtTheFirstScrapeAndOnlyWhenAskedFor() {
        Metrics withJvm = Metrics.builder(accounts, clock).jvm().build();
        String first = new String(withJvm.scrape("").body(), StandardCharsets.UTF_8);
        String second = new String(withJvm.scrape("").body(), StandardCharsets.UTF_8);
        assertThat(Exposition.prometheusText(first).types()).containsKeys("jvm_memory_used_bytes", "process_start_time_seconds");
        assertThat(Exposition.prometheusText(second).types()).containsKeys("jvm_memory_used_bytes", "jvm_threads_current");
        assertThat(scrape().types()).doesNotContainKey("jvm_memory_used_bytes");
    }
}

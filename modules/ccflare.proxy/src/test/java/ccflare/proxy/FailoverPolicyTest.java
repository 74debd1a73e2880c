package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Config;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import ccflare.providers.Providers;
import ccflare.providers.RateLimitReading;
import ccflare.proxy.FailoverDecision.BackOff;
import ccflare.proxy.FailoverDecision.Deliver;
import ccflare.proxy.FailoverDecision.FailOver;
import ccflare.proxy.FailoverDecision.GiveUp;
import ccflare.proxy.FailoverDecision.RefreshThenRetry;
import ccflare.proxy.FailoverDecision.RetrySame;
import ccflare.proxy.FailoverPolicy.Answer;
import ccflare.proxy.FailoverPolicy.History;
import ccflare.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every row of the failover decision table, on a manual clock, no sockets. Settings: 2 tries per
 * account, 6 attempts in all, retry delay 100 ms doubling. "another" means an available candidate
 * after the current one; "all limited" that every account of the route is rate limited now.
 *
 * <pre>
 * row  answer                                          history                           decision
 * L1   limited (429, or a 2xx the provider refused)    another, attempts left            FailOver(no back-off)
 * L2   limited                                         none left, not all limited        Deliver (the upstream's 429)
 * L3   limited                                         none left, all limited            GiveUp (our 429, earliest reset)
 * L4   2xx that exhausts the account (not refused)     any                               Deliver (the account rests after)
 * A1   401 on an OAuth token                           not refreshed yet, attempts left  RefreshThenRetry
 * A2   401 on an OAuth token                           refreshed already, another        FailOver(back-off 10 s)
 * A3   401 on an API key                               another                           FailOver(back-off 300 s)
 * A4   401                                             none left                         Deliver (not backed off)
 * T1   5xx / 529                                       tries left, retry-after <= 5 s    RetrySame(retry-after, else 100 ms x 2^(tries-1), <= 5 s)
 * T2   5xx / 529                                       tries used up or retry-after > 5 s, another  FailOver(back-off 10 s; 529: 30 s)
 * T3   5xx / 529                                       none left                         Deliver(the upstream's own status and body; back-off)
 * F1   no head (connect, reset, first-byte timeout)    tries left                        RetrySame(100 ms x 2^(tries-1))
 * F2   no head                                         tries used up, another            FailOver(back-off 10 s)
 * F3   no head                                         none left                         GiveUp(back-off 10 s): our 502 / 503
 * P1   pass-through (no account): 5xx                  tries left                        RetrySame
 * P2   pass-through: 5xx, 401, 429, anything else      tries used up                     Deliver, never a back-off
 * P3   pass-through: no head                           tries used up                     GiveUp, no back-off
 * O1   any other status (2xx, 3xx, 4xx)                any                               Deliver
 * M1   any failing row                                 attempts at the maximum           no retry, no failover
 * </pre>
 *
 * <p>A give-up's answer ({@link GiveUpAnswer}):
 *
 * <pre>
 * G1   a limit was seen, now no account available and some limited  the 429 that counts them (Refusals)
 * G2   no attempt failed, accounts skipped for want of credentials  503 "no account usable: …", retry-after their earliest retry
 * G3   every failed attempt was a refused connection                503 "no upstream reachable: …"
 * G4   otherwise                                                    502 "upstream failed: …" (skipped accounts appended)
 * </pre>
 */
class FailoverPolicyTest {

    static final long T0 = 1_800_000_000_000L;
    final ManualClock clock = new ManualClock(T0);
    final FailoverPolicy policy = new FailoverPolicy(new Config.Proxy(Map.of(), Duration.ofHours(5), 2,
            Duration.ofMillis(100), 2.0, 6, 1 << 20, 8192, 100, Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(3)));

    record Others(boolean another, boolean everyAccountLimited) implements FailoverPolicy.Alternatives {}

    static final Others ANOTHER = new Others(true, false);
    static final Others NONE_LEFT = new Others(false, false);
    static final Others ALL_LIMITED = new Others(false, true);

    static History history(int attempts, int tries, Others others) { return new History(attempts, tries, false, false, others); }

    static RateLimitReading limited(long until) {
        return new RateLimitReading(RateLimitState.NONE.withLimitedUntil(until), true, until);
    }

    static RateLimitReading transientAsking(long until) { return new RateLimitReading(RateLimitState.NONE, false, until); }

    static final RateLimitReading NOTHING = new RateLimitReading(RateLimitState.NONE, false, 0);

    FailoverDecision decide(Answer answer, History history) { return policy.decide(answer, history, clock.millis()); }

    static Answer.Head head(int status, RateLimitReading reading) { return new Answer.Head(status, reading, false, false); }

    // ---- Limits --------------------------------------------------------------------------------

    @Test void l1ALimitFailsOverWithoutABackOffItsCoolDownKeepsItOut() {
        assertThat(decide(head(429, limited(T0 + 2_000)), history(1, 1, ANOTHER))).isEqualTo(new FailOver(BackOff.NONE));
        assertThat(decide(new Answer.Head(200, limited(T0 + 60_000), true, false), history(1, 1, ANOTHER)))
                .as("a 2xx the provider refused").isEqualTo(new FailOver(BackOff.NONE));
        assertThat(decide(head(429, NOTHING), history(1, 1, ANOTHER))).as("a 429 is a limit even when the reading says not")
                .isEqualTo(new FailOver(BackOff.NONE));
    }

    @Test void l2ALimitWithNothingLeftPassesTheUpstreams429WhenSomeAccountIsNotLimited() {
        assertThat(decide(head(429, limited(T0 + 2_000)), history(1, 1, NONE_LEFT))).isEqualTo(new Deliver(BackOff.NONE));
    }

    @Test void l3ALimitWithEveryAccountLimitedGivesUpForOurOwn429() {
        assertThat(decide(head(429, limited(T0 + 2_000)), history(2, 1, ALL_LIMITED))).isEqualTo(new GiveUp(BackOff.NONE));
    }

    @Test void l4A2xxThatExhaustsTheAccountIsDelivered() {
        assertThat(decide(head(200, limited(T0 + 30_000)), history(1, 1, ANOTHER))).isEqualTo(new Deliver(BackOff.NONE));
    }

    // ---- 401 -----------------------------------------------------------------------------------

    @Test void a1ARefusedOAuthTokenIsRefreshedOnceThenTheSameAccount() {
        assertThat(decide(new Answer.Head(401, NOTHING, false, true), history(1, 1, ANOTHER))).isEqualTo(new RefreshThenRetry());
        assertThat(decide(new Answer.Head(401, NOTHING, false, true), history(1, 1, NONE_LEFT))).isEqualTo(new RefreshThenRetry());
    }

    @Test void a2AnOAuthTokenRefusedAgainFailsOverBackingOffBriefly() {
        History refreshed = new History(2, 2, false, true, ANOTHER);
        assertThat(decide(new Answer.Head(401, NOTHING, false, true), refreshed)).isEqualTo(new FailOver(
                new BackOff(FailoverPolicy.OAUTH_REFUSED_COOL_MS, "after its token was refused (401)")));
        assertThat(decide(new Answer.Head(401, NOTHING, false, true), history(6, 1, ANOTHER)))
                .as("no attempt left for the refresh").isEqualTo(new Deliver(BackOff.NONE));
    }

    @Test void a3ARefusedApiKeyFailsOverBackingOffForFiveMinutes() {
        assertThat(decide(head(401, NOTHING), history(1, 1, ANOTHER))).isEqualTo(new FailOver(
                new BackOff(FailoverPolicy.API_KEY_REFUSED_COOL_MS, "after its API key was refused (401)")));
    }

    @Test void a4A401WithNothingLeftIsDeliveredWithoutABackOff() {
        assertThat(decide(head(401, NOTHING), history(1, 1, NONE_LEFT))).isEqualTo(new Deliver(BackOff.NONE));
        assertThat(decide(new Answer.Head(401, NOTHING, false, true), new History(2, 2, false, true, NONE_LEFT)))
                .isEqualTo(new Deliver(BackOff.NONE));
    }

    // ---- 5xx and 529 ---------------------------------------------------------------------------

    @Test void t1A5xxRetriesTheSameAccountWithAnExponentialDelayOrTheAskedOne() {
        assertThat(decide(head(529, NOTHING), history(1, 1, ANOTHER))).isEqualTo(new RetrySame(100));
        assertThat(decide(head(503, NOTHING), history(1, 1, NONE_LEFT))).isEqualTo(new RetrySame(100));
        FailoverPolicy three = new FailoverPolicy(new Config.Proxy(Map.of(), Duration.ofHours(5), 3,
                Duration.ofMillis(100), 2.0, 6, 1 << 20, 8192, 100, Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(3)));
        assertThat(three.decide(head(500, NOTHING), history(2, 2, ANOTHER), T0)).as("doubling").isEqualTo(new RetrySame(200));
        assertThat(decide(head(529, transientAsking(T0 + 2_500)), history(1, 1, ANOTHER))).as("retry-after: 2.5")
                .isEqualTo(new RetrySame(2_500));
        assertThat(decide(head(529, transientAsking(T0 + 5_000)), history(1, 1, ANOTHER))).isEqualTo(new RetrySame(5_000));
        assertThat(decide(head(529, transientAsking(T0 - 1)), history(1, 1, ANOTHER))).as("a retry-after already past")
                .isEqualTo(new RetrySame(100));
    }

    @Test void t2A5xxWithTriesUsedUpOrALongRetryAfterFailsOverBackingOff() {
        BackOff overloaded = new BackOff(FailoverPolicy.OVERLOADED_COOL_MS, "after 529");
        assertThat(decide(head(529, NOTHING), history(2, 2, ANOTHER))).isEqualTo(new FailOver(overloaded));
        assertThat(decide(head(529, transientAsking(T0 + 5_001)), history(1, 1, ANOTHER))).as("retry-after over 5 s")
                .isEqualTo(new FailOver(overloaded));
        assertThat(decide(head(502, NOTHING), history(2, 2, ANOTHER)))
                .isEqualTo(new FailOver(new BackOff(FailoverPolicy.TRANSIENT_COOL_MS, "after 502")));
    }

    @Test void t3A5xxWithNothingLeftDeliversTheUpstreamsOwnAnswer() {
        assertThat(decide(head(529, NOTHING), history(3, 2, NONE_LEFT)))
                .isEqualTo(new Deliver(new BackOff(FailoverPolicy.OVERLOADED_COOL_MS, "after 529")));
        assertThat(decide(head(500, NOTHING), history(3, 2, ALL_LIMITED))).as("not our 429: this account is not limited")
                .isEqualTo(new Deliver(new BackOff(FailoverPolicy.TRANSIENT_COOL_MS, "after 500")));
    }

    // ---- No head -------------------------------------------------------------------------------

    @Test void f1AFailureWithoutAHeadRetriesTheSameAccount() {
        assertThat(decide(new Answer.Failed("connection refused"), history(1, 1, ANOTHER))).isEqualTo(new RetrySame(100));
    }

    @Test void f2AFailureWithTriesUsedUpFailsOverBackingOff() {
        assertThat(decide(new Answer.Failed("no response within 3000 ms"), history(2, 2, ANOTHER))).isEqualTo(
                new FailOver(new BackOff(FailoverPolicy.TRANSIENT_COOL_MS, "after no response within 3000 ms")));
    }

    @Test void f3AFailureWithNothingLeftGivesUp() {
        assertThat(decide(new Answer.Failed("connection refused"), history(2, 2, NONE_LEFT)))
                .isEqualTo(new GiveUp(new BackOff(FailoverPolicy.TRANSIENT_COOL_MS, "after connection refused")));
    }

    // ---- Pass-through --------------------------------------------------------------------------

    static History passThrough(int attempts, int tries) { return new History(attempts, tries, true, false, ANOTHER); }

    @Test void p1PassThroughRetriesA5xx() {
        assertThat(decide(head(503, NOTHING), passThrough(1, 1))).isEqualTo(new RetrySame(100));
    }

    @Test void p2PassThroughDeliversWhatTheUpstreamSaidNeverBackingOff() {
        assertThat(decide(head(503, NOTHING), passThrough(2, 2))).isEqualTo(new Deliver(BackOff.NONE));
        assertThat(decide(head(429, limited(T0 + 1_000)), passThrough(1, 1))).isEqualTo(new Deliver(BackOff.NONE));
        assertThat(decide(new Answer.Head(401, null, false, false), passThrough(1, 1))).isEqualTo(new Deliver(BackOff.NONE));
    }

    @Test void p3PassThroughGivesUpOnAFailureWithoutABackOff() {
        assertThat(decide(new Answer.Failed("connection refused"), passThrough(2, 2))).isEqualTo(new GiveUp(BackOff.NONE));
    }

    // ---- Others and the attempt budget ---------------------------------------------------------

    @Test void o1AnyOtherStatusIsDelivered() {
        for (int status : new int[] {200, 201, 204, 304, 400, 403, 404, 413, 422}) {
            assertThat(decide(head(status, NOTHING), history(1, 1, ANOTHER))).as("status %d", status).isEqualTo(new Deliver(BackOff.NONE));
        }
    }

    @Test void m1AtTheAttemptBudgetNothingIsRetriedNorFailedOver() {
        assertThat(decide(head(529, NOTHING), history(6, 1, ANOTHER)))
                .isEqualTo(new Deliver(new BackOff(FailoverPolicy.OVERLOADED_COOL_MS, "after 529")));
        assertThat(decide(head(429, limited(T0 + 1_000)), history(6, 1, ANOTHER))).isEqualTo(new Deliver(BackOff.NONE));
        assertThat(decide(new Answer.Failed("reset"), history(6, 1, ANOTHER))).isInstanceOf(GiveUp.class);
    }

    // ---- The one retry-after parser, through the real adapters ---------------------------------

    @Test void theRetryAfterOfA529IsReadByTheProvidersParserDecimalsDatesAndMilliseconds() {
        long now = clock.millis();
        RateLimitReading decimal = Providers.adapter(ProviderKind.ANTHROPIC).readRateLimit(529,
                Map.of("retry-after", "1.5")::get, now, RateLimitState.NONE);
        assertThat(decide(head(529, decimal), history(1, 1, ANOTHER))).isEqualTo(new RetrySame(1_500));

        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(now + 4_000).atOffset(ZoneOffset.UTC));
        RateLimitReading httpDate = Providers.adapter(ProviderKind.ANTHROPIC).readRateLimit(503,
                Map.of("retry-after", date)::get, now, RateLimitState.NONE);
        assertThat(decide(head(503, httpDate), history(1, 1, ANOTHER))).isEqualTo(new RetrySame(4_000));

        RateLimitReading millis = Providers.adapter(ProviderKind.OPENAI).readRateLimit(503,
                Map.of("retry-after-ms", "750", "retry-after", "9")::get, now, RateLimitState.NONE);
        assertThat(decide(head(503, millis), history(1, 1, ANOTHER))).as("retry-after-ms wins").isEqualTo(new RetrySame(750));

        clock.advance(Duration.ofSeconds(1));
        RateLimitReading whole = Providers.adapter(ProviderKind.ANTHROPIC).readRateLimit(529,
                Map.of("retry-after", "7")::get, clock.millis(), RateLimitState.NONE);
        assertThat(decide(head(529, whole), history(1, 1, ANOTHER))).as("7 s is longer than a retry waits")
                .isEqualTo(new FailOver(new BackOff(FailoverPolicy.OVERLOADED_COOL_MS, "after 529")));
    }

    // ---- The give-up's answer ------------------------------------------------------------------

    @Test void g1ALimitSeenWithEveryAccountUnavailableIsTheCountingRefusal() {
        assertThat(GiveUpAnswer.of(new GiveUpAnswer.Ended(true, true, false, "a: 429 rate limited", java.util.List.of(),
                Long.MAX_VALUE), T0)).isEqualTo(new GiveUpAnswer.AllLimited());
    }

    @Test void g2OnlySkippedAccountsIsA503NamingThemWithTheirEarliestRetry() {
        assertThat(GiveUpAnswer.of(new GiveUpAnswer.Ended(false, false, true, "", java.util.List.of("account 'a' needs re-authentication (sign in again)"),
                T0 + 1_500), T0)).isEqualTo(new GiveUpAnswer.Own(503, ErrorBodies.OVERLOADED,
                "no account usable: account 'a' needs re-authentication (sign in again)", 2));
        assertThat(GiveUpAnswer.of(new GiveUpAnswer.Ended(false, false, true, "", java.util.List.of("x"), Long.MAX_VALUE), T0))
                .isEqualTo(new GiveUpAnswer.Own(503, ErrorBodies.OVERLOADED, "no account usable: x", 0));
    }

    @Test void g3OnlyRefusedConnectionsIsA503NoUpstreamReachable() {
        assertThat(GiveUpAnswer.of(new GiveUpAnswer.Ended(false, true, true, "a: Connection refused", java.util.List.of(),
                Long.MAX_VALUE), T0)).isEqualTo(new GiveUpAnswer.Own(503, ErrorBodies.OVERLOADED, "no upstream reachable: a: Connection refused", 0));
    }

    @Test void g4OtherFailuresAreA502WithTheSkippedAppended() {
        assertThat(GiveUpAnswer.of(new GiveUpAnswer.Ended(false, true, false, "a: no response within 3000 ms",
                java.util.List.of("account 'b' holds no usable credentials (add it again)"), Long.MAX_VALUE), T0))
                .isEqualTo(new GiveUpAnswer.Own(502, ErrorBodies.API_ERROR,
                        "upstream failed: a: no response within 3000 ms; account 'b' holds no usable credentials (add it again)", 0));
    }
}

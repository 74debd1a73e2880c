package ccflare.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RateLimitReadingTest {
    private static final long NOW = Instant.parse("2026-11-26T12:00:00Z").toEpochMilli();
    private static final long S = 1_000;
    private static final long H = 3_600_000;
    private static final long DAY = 24 * H;

    private static String epochSeconds(long ms) { return Long.toString(ms / 1000); }

    private static String httpDate(long ms) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC));
    }

    private static RateLimitReading read(ProviderKind kind, int status, Map<String, String> headers, RateLimitState previous) {
        return Providers.adapter(kind).readRateLimit(status, headers::get, NOW, previous);
    }

    private static RateLimitReading read(ProviderKind kind, int status, Map<String, String> headers) {
        return read(kind, status, headers, RateLimitState.NONE);
    }

    /** kind, status, headers, limited, coolUntilMs. */
    static Stream<Arguments> coolDowns() {
        return Stream.of(
                // Anthropic unified headers
                Arguments.of("unified reset in epoch seconds", ProviderKind.CLAUDE_CODE, 429,
                        Map.of("anthropic-ratelimit-unified-status", "rejected",
                                "anthropic-ratelimit-unified-reset", epochSeconds(NOW + H)), true, NOW + H),
                Arguments.of("provider reset beats a retry-after", ProviderKind.CLAUDE_CODE, 429,
                        Map.of("anthropic-ratelimit-unified-status", "rejected", "retry-after", "2",
                                "anthropic-ratelimit-unified-reset", epochSeconds(NOW + 5 * H)), true, NOW + 5 * H),
                Arguments.of("explicit provider reset days away is not capped at 24 h", ProviderKind.CLAUDE_CODE, 429,
                        Map.of("anthropic-ratelimit-unified-status", "rejected",
                                "anthropic-ratelimit-unified-reset", epochSeconds(NOW + 5 * DAY)), true, NOW + 5 * DAY),
                Arguments.of("hard status rate_limited on a 200", ProviderKind.CLAUDE_CODE, 200,
                        Map.of("anthropic-ratelimit-unified-status", "rate_limited",
                                "anthropic-ratelimit-unified-reset", epochSeconds(NOW + H)), true, NOW + H),
                Arguments.of("hard status blocked", ProviderKind.CLAUDE_CODE, 200,
                        Map.of("anthropic-ratelimit-unified-status", "blocked"), true, NOW + 60 * S),
                Arguments.of("hard status queueing_hard", ProviderKind.CLAUDE_CODE, 200,
                        Map.of("anthropic-ratelimit-unified-status", "queueing_hard"), true, NOW + 60 * S),
                Arguments.of("hard status payment_required", ProviderKind.CLAUDE_CODE, 200,
                        Map.of("anthropic-ratelimit-unified-status", "payment_required"), true, NOW + 60 * S),
                Arguments.of("soft status allowed_warning is not a limit", ProviderKind.CLAUDE_CODE, 200,
                        Map.of("anthropic-ratelimit-unified-status", "allowed_warning",
                                "anthropic-ratelimit-unified-reset", epochSeconds(NOW + H)), false, 0L),
                Arguments.of("soft status queueing_soft is not a limit", ProviderKind.CLAUDE_CODE, 200,
                        Map.of("anthropic-ratelimit-unified-status", "queueing_soft"), false, 0L),
                Arguments.of("allowed is not a limit", ProviderKind.CLAUDE_CODE, 200,
                        Map.of("anthropic-ratelimit-unified-status", "allowed"), false, 0L),
                Arguments.of("no unified reset: the exhausted 5 h window's reset", ProviderKind.CLAUDE_CODE, 429,
                        Map.of("anthropic-ratelimit-unified-status", "rejected",
                                "anthropic-ratelimit-unified-5h-utilization", "1.0",
                                "anthropic-ratelimit-unified-5h-reset", epochSeconds(NOW + 2 * H),
                                "anthropic-ratelimit-unified-7d-utilization", "0.5",
                                "anthropic-ratelimit-unified-7d-reset", epochSeconds(NOW + 3 * DAY)), true, NOW + 2 * H),
                // retry-after
                Arguments.of("short retry-after means a short cool-down", ProviderKind.ANTHROPIC, 429,
                        Map.of("retry-after", "2"), true, NOW + 2 * S),
                Arguments.of("retry-after as an HTTP date", ProviderKind.ANTHROPIC, 429,
                        Map.of("retry-after", httpDate(NOW + 90 * S)), true, NOW + 90 * S),
                Arguments.of("retry-after of zero still rests one second", ProviderKind.ANTHROPIC, 429,
                        Map.of("retry-after", "0"), true, NOW + S),
                Arguments.of("huge retry-after is clamped to 24 h", ProviderKind.ANTHROPIC, 429,
                        Map.of("retry-after", "99999999"), true, NOW + DAY),
                Arguments.of("negative retry-after falls back to 60 s", ProviderKind.ANTHROPIC, 429,
                        Map.of("retry-after", "-5"), true, NOW + 60 * S),
                Arguments.of("garbage retry-after falls back to 60 s", ProviderKind.ANTHROPIC, 429,
                        Map.of("retry-after", "abc"), true, NOW + 60 * S),
                Arguments.of("bare 429 cools 60 s", ProviderKind.ANTHROPIC, 429, Map.of(), true, NOW + 60 * S),
                Arguments.of("bare 429 with an RFC 3339 x-ratelimit-reset", ProviderKind.ANTHROPIC, 429,
                        Map.of("x-ratelimit-reset", Instant.ofEpochMilli(NOW + 10 * 60 * S).toString()), true, NOW + 10 * 60 * S),
                Arguments.of("bare 429 with an epoch-seconds x-ratelimit-reset", ProviderKind.ANTHROPIC, 429,
                        Map.of("x-ratelimit-reset", epochSeconds(NOW + 5 * 60 * S)), true, NOW + 5 * 60 * S),
                Arguments.of("529 is transient, not a limit, but passes its retry-after on", ProviderKind.ANTHROPIC, 529,
                        Map.of("retry-after", "5"), false, NOW + 5 * S),
                Arguments.of("529 with a decimal retry-after: not floored at 1 s like a limit", ProviderKind.ANTHROPIC, 529,
                        Map.of("retry-after", "0.25"), false, NOW + 250),
                Arguments.of("529 with retry-after: 0 asks nothing", ProviderKind.ANTHROPIC, 529,
                        Map.of("retry-after", "0"), false, 0L),
                Arguments.of("OpenAI 503 with retry-after-ms, which wins", ProviderKind.OPENAI, 503,
                        Map.of("retry-after-ms", "750", "retry-after", "9"), false, NOW + 750),
                Arguments.of("503 without retry-after is not a limit", ProviderKind.ANTHROPIC, 503, Map.of(), false, 0L),
                Arguments.of("a client error is not a limit", ProviderKind.ANTHROPIC, 400, Map.of("retry-after", "5"), false, 0L),
                // OpenAI
                Arguments.of("OpenAI 429 with an empty request bucket: 1m30s", ProviderKind.OPENAI, 429,
                        Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1m30s"), true, NOW + 90 * S),
                Arguments.of("OpenAI empty token bucket on a 200: 6ms", ProviderKind.OPENAI, 200,
                        Map.of("x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "6ms"), true, NOW + 6),
                Arguments.of("OpenAI reset 0.5s", ProviderKind.OPENAI, 429,
                        Map.of("x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "0.5s"), true, NOW + 500),
                Arguments.of("OpenAI reset 2h", ProviderKind.OPENAI, 429,
                        Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "2h"), true, NOW + 2 * H),
                Arguments.of("OpenAI two empty buckets: the later refill", ProviderKind.OPENAI, 429,
                        Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "20ms",
                                "x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "1m"), true, NOW + 60 * S),
                Arguments.of("OpenAI 429 with buckets left uses retry-after-ms", ProviderKind.OPENAI, 429,
                        Map.of("x-ratelimit-remaining-requests", "12", "retry-after-ms", "1500"), true, NOW + 1500),
                Arguments.of("OpenAI buckets left on a 200 is no limit", ProviderKind.OPENAI, 200,
                        Map.of("x-ratelimit-remaining-requests", "12", "x-ratelimit-reset-requests", "1s"), false, 0L),
                // Codex
                Arguments.of("Codex primary at 100 %", ProviderKind.CODEX, 200,
                        Map.of("x-codex-primary-used-percent", "100", "x-codex-primary-reset-at", epochSeconds(NOW + H)), true, NOW + H),
                Arguments.of("Codex both at 100 %: the earliest reset", ProviderKind.CODEX, 429,
                        Map.of("x-codex-primary-used-percent", "100", "x-codex-primary-reset-at", epochSeconds(NOW + 3 * H),
                                "x-codex-secondary-used-percent", "100.0", "x-codex-secondary-reset-at", epochSeconds(NOW + 2 * H)),
                        true, NOW + 2 * H),
                Arguments.of("Codex only the secondary exhausted: its reset, not the primary's", ProviderKind.CODEX, 429,
                        Map.of("x-codex-primary-used-percent", "40", "x-codex-primary-reset-at", epochSeconds(NOW + H),
                                "x-codex-secondary-used-percent", "100", "x-codex-secondary-reset-at", epochSeconds(NOW + 3 * DAY)),
                        true, NOW + 3 * DAY),
                Arguments.of("Codex reset-after-seconds", ProviderKind.CODEX, 429,
                        Map.of("x-codex-primary-used-percent", "100", "x-codex-primary-reset-after-seconds", "600"), true, NOW + 600 * S),
                Arguments.of("Codex v2-named 5h reset", ProviderKind.CODEX, 429,
                        Map.of("x-codex-primary-used-percent", "100", "x-codex-5h-reset-at", epochSeconds(NOW + 4 * H)), true, NOW + 4 * H),
                Arguments.of("Codex 99.5 % is not yet a limit", ProviderKind.CODEX, 200,
                        Map.of("x-codex-primary-used-percent", "99.5", "x-codex-primary-reset-at", epochSeconds(NOW + H)), false, 0L),
                Arguments.of("Codex 429 without windows uses retry-after", ProviderKind.CODEX, 429,
                        Map.of("retry-after", "30"), true, NOW + 30 * S));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("coolDowns")
    void readsTheCoolDownFromEveryHeaderForm(String name, ProviderKind kind, int status, Map<String, String> headers,
                                             boolean limited, long coolUntilMs) {
        RateLimitReading r = read(kind, status, headers);
        assertThat(r.limited()).as("limited").isEqualTo(limited);
        assertThat(r.coolUntilMs()).as("coolUntilMs").isEqualTo(coolUntilMs);
        assertThat(r.state().limitedUntilMs()).as("state.limitedUntilMs").isEqualTo(limited ? coolUntilMs : 0);
    }

    @Test
    void recordsSoftStatusResetAndRemainingWithoutLimiting() {
        RateLimitReading r = read(ProviderKind.CLAUDE_CODE, 200, Map.of(
                "anthropic-ratelimit-unified-status", "allowed_warning",
                "anthropic-ratelimit-unified-reset", epochSeconds(NOW + H),
                "anthropic-ratelimit-unified-remaining", "17"));
        assertThat(r.limited()).isFalse();
        assertThat(r.state().status()).isEqualTo("allowed_warning");
        assertThat(r.state().resetAtMs()).isEqualTo(NOW + H);
        assertThat(r.state().remaining()).isEqualTo(17);
        assertThat(r.state().limitedAt(NOW)).isFalse();
    }

    @Test
    void recordsTheFiveHourAndSevenDayWindowsAsFractions() {
        RateLimitReading r = read(ProviderKind.CLAUDE_CODE, 200, Map.of(
                "anthropic-ratelimit-unified-status", "allowed",
                "anthropic-ratelimit-unified-5h-utilization", "0.42",
                "anthropic-ratelimit-unified-5h-reset", epochSeconds(NOW + 2 * H),
                "anthropic-ratelimit-unified-7d-utilization", "68",
                "anthropic-ratelimit-unified-7d-reset", epochSeconds(NOW + 3 * DAY)));
        RateLimitState s = r.state();
        assertThat(s.fiveHourUtilisation()).isCloseTo(0.42, within(1e-9));
        assertThat(s.fiveHourResetAtMs()).isEqualTo(NOW + 2 * H);
        assertThat(s.sevenDayUtilisation()).as("a percentage is read as one").isCloseTo(0.68, within(1e-9));
        assertThat(s.sevenDayResetAtMs()).isEqualTo(NOW + 3 * DAY);
    }

    @Test
    void keepsPreviousWindowsStatusAndCoolDownWhenAResponseLacksThem() {
        RateLimitState previous = new RateLimitState("allowed_warning", NOW + H, 5, NOW - 10 * S,
                0.42, NOW + 2 * H, 0.68, NOW + 3 * DAY);
        RateLimitReading r = read(ProviderKind.CLAUDE_CODE, 200, Map.of("content-type", "application/json"), previous);
        assertThat(r.limited()).isFalse();
        assertThat(r.coolUntilMs()).isZero();
        assertThat(r.state()).isEqualTo(previous);
    }

    @Test
    void updatesOnlyTheHeadersPresent() {
        RateLimitState previous = new RateLimitState("allowed", NOW + H, 5, 0, 0.42, NOW + 2 * H, 0.68, NOW + 3 * DAY);
        RateLimitReading r = read(ProviderKind.CLAUDE_CODE, 200,
                Map.of("anthropic-ratelimit-unified-5h-utilization", "0.5"), previous);
        assertThat(r.state()).isEqualTo(new RateLimitState("allowed", NOW + H, 5, 0, 0.5, NOW + 2 * H, 0.68, NOW + 3 * DAY));
    }

    @Test
    void ignoresGarbageHeaderValuesWithoutThrowing() {
        RateLimitState previous = new RateLimitState("allowed", NOW + H, 5, 0, 0.42, NOW + 2 * H, 0.68, NOW + 3 * DAY);
        Map<String, String> garbage = Map.ofEntries(
                Map.entry("anthropic-ratelimit-unified-status", "{\"no\": true}"),
                Map.entry("anthropic-ratelimit-unified-reset", "soon"),
                Map.entry("anthropic-ratelimit-unified-remaining", "NaN"),
                Map.entry("anthropic-ratelimit-unified-5h-utilization", "Infinity"),
                Map.entry("anthropic-ratelimit-unified-5h-reset", "in 7 days"),
                Map.entry("anthropic-ratelimit-unified-7d-utilization", "-0.3"),
                Map.entry("anthropic-ratelimit-unified-7d-reset", "1e10"),
                Map.entry("retry-after", "0x10"),
                Map.entry("x-ratelimit-remaining-requests", "lots"),
                Map.entry("x-ratelimit-reset-requests", "1m30"),
                Map.entry("x-codex-primary-used-percent", "full"),
                Map.entry("x-codex-primary-reset-at", "9999999999999999999999999"));
        for (ProviderKind kind : ProviderKind.values()) {
            RateLimitReading r = read(kind, 200, garbage, previous);
            assertThat(r.limited()).as(kind.id()).isFalse();
            assertThat(r.state()).as(kind.id()).isEqualTo(previous);
        }
    }

    @Test
    void treatsAHeaderLookupThatThrowsAsAbsent() {
        Function<String, String> broken = name -> { throw new IllegalStateException("headers already recycled"); };
        RateLimitReading r = Providers.adapter(ProviderKind.CLAUDE_CODE).readRateLimit(429, broken, NOW, RateLimitState.NONE);
        assertThat(r.limited()).isTrue();
        assertThat(r.coolUntilMs()).isEqualTo(NOW + 60 * S);
    }

    @Test
    void recordsApiKeyRequestBucketForAnthropicKeys() {
        RateLimitReading r = read(ProviderKind.ANTHROPIC, 200, Map.of(
                "anthropic-ratelimit-requests-remaining", "49",
                "anthropic-ratelimit-requests-reset", Instant.ofEpochMilli(NOW + 1200).toString()));
        assertThat(r.limited()).isFalse();
        assertThat(r.state().remaining()).isEqualTo(49);
        assertThat(r.state().resetAtMs()).isEqualTo(NOW + 1200);
    }

    @Test
    void recordsOpenAiRemainingRequestsAndReset() {
        RateLimitReading r = read(ProviderKind.OPENAI, 200, Map.of(
                "x-ratelimit-remaining-requests", "499", "x-ratelimit-reset-requests", "120ms",
                "x-ratelimit-remaining-tokens", "149984", "x-ratelimit-reset-tokens", "6ms"));
        assertThat(r.limited()).isFalse();
        assertThat(r.state().remaining()).isEqualTo(499);
        assertThat(r.state().resetAtMs()).isEqualTo(NOW + 120);
    }

    @Test
    void mapsCodexWindowsByTheirLength() {
        RateLimitReading r = read(ProviderKind.CODEX, 200, Map.of(
                "x-codex-primary-used-percent", "42", "x-codex-primary-window-minutes", "300",
                "x-codex-primary-reset-after-seconds", "18000",
                "x-codex-secondary-used-percent", "94", "x-codex-secondary-window-minutes", "10080",
                "x-codex-secondary-reset-at", epochSeconds(NOW + 5 * DAY)));
        assertThat(r.limited()).isFalse();
        assertThat(r.state().fiveHourUtilisation()).isCloseTo(0.42, within(1e-9));
        assertThat(r.state().fiveHourResetAtMs()).isEqualTo(NOW + 5 * H);
        assertThat(r.state().sevenDayUtilisation()).isCloseTo(0.94, within(1e-9));
        assertThat(r.state().sevenDayResetAtMs()).isEqualTo(NOW + 5 * DAY);
    }

    @Test
    void mapsAWeeklyCodexPrimaryWindowToSevenDays() {
        RateLimitState previous = new RateLimitState("", 0, -1, 0, 0.1, NOW + H, -1, 0);
        RateLimitReading r = read(ProviderKind.CODEX, 200, Map.of(
                "x-codex-primary-used-percent", "37", "x-codex-primary-window-minutes", "10080",
                "x-codex-primary-reset-at", epochSeconds(NOW + 2 * DAY)), previous);
        assertThat(r.state().sevenDayUtilisation()).isCloseTo(0.37, within(1e-9));
        assertThat(r.state().sevenDayResetAtMs()).isEqualTo(NOW + 2 * DAY);
        assertThat(r.state().fiveHourUtilisation()).isEqualTo(0.1);
    }

    static Stream<Arguments> durations() {
        return Stream.of(Arguments.of("1m30s", 90_000L), Arguments.of("6ms", 6L), Arguments.of("0.5s", 500L),
                Arguments.of("2h", 7_200_000L), Arguments.of("1h2m3.5s", 3_723_500L), Arguments.of("250us", 1L),
                Arguments.of("1d", 86_400_000L), Arguments.of("17.12s", 17_120L),
                Arguments.of("5", -1L), Arguments.of("m", -1L), Arguments.of("1x", -1L), Arguments.of("1..2s", -1L));
    }

    @ParameterizedTest(name = "{0} = {1} ms")
    @MethodSource("durations")
    void parsesOpenAiDurations(String text, long ms) {
        assertThat(HeaderValues.durationMs(text)).isEqualTo(ms);
    }

    static Stream<Arguments> resets() {
        return Stream.of(Arguments.of("epoch seconds", epochSeconds(NOW + H), NOW + H),
                Arguments.of("epoch ms", Long.toString(NOW + H), NOW + H),
                Arguments.of("delay seconds", "3600", NOW + H),
                Arguments.of("duration", "1h", NOW + H),
                Arguments.of("HTTP date", httpDate(NOW + H), NOW + H),
                Arguments.of("RFC 3339", "2026-11-26T13:00:00Z", NOW + H),
                Arguments.of("RFC 3339 with offset", "2026-11-26T14:00:00+01:00", NOW + H),
                Arguments.of("garbage", "tomorrow", -1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resets")
    void parsesResetInstantsInEveryForm(String name, String text, long expected) {
        assertThat(HeaderValues.resetAtMs(text, NOW)).isEqualTo(expected);
    }
}

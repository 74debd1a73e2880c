package ccflare.testing;

import org.eclipse.jetty.http.HttpFields;

/**
 * The rate-limit and request-id headers the fake upstream puts on an answer, as each real API
 * writes them: Anthropic's unified 5 h / 7 d windows, OpenAI's request and token buckets, Codex's
 * primary and secondary used-percent windows.
 */
final class LimitHeaders {

    private LimitHeaders() {}

    /** The headers of answer number {@code n} for {@code api}, with the windows of {@code s}; {@code hardStatus} non-null when limited. */
    static void write(HttpFields.Mutable h, FakeUpstream.Api api, Settings s, long nowSec, long n, String hardStatus) {
        long fiveReset = s.windows().fiveHourResetEpochSeconds() > 0 ? s.windows().fiveHourResetEpochSeconds() : nowSec + 5 * 3600;
        long sevenReset = s.windows().sevenDayResetEpochSeconds() > 0 ? s.windows().sevenDayResetEpochSeconds() : nowSec + 7 * 86400;
        switch (api) {
            case ANTHROPIC -> {
                h.put("request-id", "req_fake" + n);
                h.put("anthropic-ratelimit-unified-status", hardStatus != null ? hardStatus : "allowed");
                h.put("anthropic-ratelimit-unified-reset", Long.toString(fiveReset));
                h.put("anthropic-ratelimit-unified-representative-claim", "five_hour");
                h.put("anthropic-ratelimit-unified-5h-status", hardStatus != null ? hardStatus : "allowed");
                h.put("anthropic-ratelimit-unified-5h-reset", Long.toString(fiveReset));
                h.put("anthropic-ratelimit-unified-5h-utilization", Double.toString(s.windows().fiveHourUtilisation()));
                h.put("anthropic-ratelimit-unified-7d-status", "allowed");
                h.put("anthropic-ratelimit-unified-7d-reset", Long.toString(sevenReset));
                h.put("anthropic-ratelimit-unified-7d-utilization", Double.toString(s.windows().sevenDayUtilisation()));
            }
            case OPENAI -> {
                h.put("x-request-id", "req_fake" + n);
                h.put("x-ratelimit-limit-requests", "10000");
                h.put("x-ratelimit-remaining-requests", hardStatus != null ? "0" : "9999");
                h.put("x-ratelimit-reset-requests", "6ms");
                h.put("x-ratelimit-limit-tokens", "2000000");
                h.put("x-ratelimit-remaining-tokens", hardStatus != null ? "0" : "1999000");
                h.put("x-ratelimit-reset-tokens", "1m30s");
            }
            case OAUTH -> { }
            case CODEX -> {
                h.put("x-request-id", "req_fake" + n);
                h.put("x-codex-primary-used-percent", hardStatus != null ? "100" : percent(s.windows().fiveHourUtilisation()));
                h.put("x-codex-secondary-used-percent", percent(s.windows().sevenDayUtilisation()));
                h.put("x-codex-primary-window-minutes", "300");
                h.put("x-codex-secondary-window-minutes", "10080");
                h.put("x-codex-primary-reset-at", Long.toString(fiveReset));
                h.put("x-codex-secondary-reset-at", Long.toString(sevenReset));
                h.put("x-codex-primary-reset-after-seconds", Long.toString(Math.max(0, fiveReset - nowSec)));
                h.put("x-codex-secondary-reset-after-seconds", Long.toString(Math.max(0, sevenReset - nowSec)));
            }
        }
    }

    private static String percent(double fraction) {
        double p = Math.round(fraction * 1000) / 10.0;
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }
}

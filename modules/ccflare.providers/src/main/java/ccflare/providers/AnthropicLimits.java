package ccflare.providers;

import static ccflare.providers.HeaderValues.ABSENT;
import static ccflare.providers.HeaderValues.count;
import static ccflare.providers.HeaderValues.resetAtMs;
import static ccflare.providers.HeaderValues.retryAfterAtMs;
import static ccflare.providers.HeaderValues.status;
import static ccflare.providers.HeaderValues.text;
import static ccflare.providers.HeaderValues.utilisation;

import ccflare.core.RateLimitState;
import java.util.Set;
import java.util.function.Function;

/**
 * Anthropic's rate-limit headers: the unified subscription headers of Claude OAuth accounts
 * ({@code anthropic-ratelimit-unified-*}, with the 5 h and 7 d windows) and, for API keys, the
 * per-bucket {@code anthropic-ratelimit-requests-*} headers and {@code retry-after}.
 */
final class AnthropicLimits {
    /**
     * Unified statuses that mean "this account cannot serve now". {@code rejected} is what the API
     * sends today; the others are the original's set.
     */
    static final Set<String> HARD = Set.of("rate_limited", "blocked", "queueing_hard", "payment_required", "rejected");

    private static final String UNIFIED = "anthropic-ratelimit-unified-";

    private AnthropicLimits() {}

    static RateLimitReading read(int status, Function<String, String> header, long nowMs, RateLimitState previous) {
        String unifiedStatus = status(text(header, UNIFIED + "status"));
        long unifiedReset = resetAtMs(text(header, UNIFIED + "reset"), nowMs);
        long remaining = count(text(header, UNIFIED + "remaining"));
        double fiveHour = utilisation(text(header, UNIFIED + "5h-utilization"), false);
        long fiveHourReset = resetAtMs(text(header, UNIFIED + "5h-reset"), nowMs);
        String fiveHourStatus = status(text(header, UNIFIED + "5h-status"));
        double sevenDay = utilisation(text(header, UNIFIED + "7d-utilization"), false);
        long sevenDayReset = resetAtMs(text(header, UNIFIED + "7d-reset"), nowMs);
        String sevenDayStatus = status(text(header, UNIFIED + "7d-status"));

        // API keys carry no unified headers; their request bucket is the closest to "remaining/reset".
        long bucketReset = ABSENT;
        if (unifiedStatus == null && unifiedReset == ABSENT) {
            if (remaining == ABSENT) remaining = count(text(header, "anthropic-ratelimit-requests-remaining"));
            bucketReset = resetAtMs(text(header, "anthropic-ratelimit-requests-reset"), nowMs);
        }

        boolean limited = status == 429 || unifiedStatus != null && HARD.contains(unifiedStatus);
        long retryAfter = retryAfterAtMs(text(header, "retry-after"), null, nowMs);
        long coolUntil;
        if (limited) {
            long providerReset = unifiedReset;
            if (providerReset <= nowMs) {
                providerReset = CoolDown.earliestAfter(nowMs,
                        exhausted(fiveHourStatus, fiveHour) ? fiveHourReset : ABSENT,
                        exhausted(sevenDayStatus, sevenDay) ? sevenDayReset : ABSENT);
            }
            if (providerReset <= nowMs && unifiedStatus == null) {
                // The original's bare-429 header; read leniently (it is not always epoch seconds).
                providerReset = resetAtMs(text(header, "x-ratelimit-reset"), nowMs);
            }
            coolUntil = CoolDown.until(nowMs, providerReset, retryAfter);
        } else {
            coolUntil = CoolDown.isTransient(status) ? CoolDown.transientUntil(nowMs, retryAfter) : 0;
        }

        RateLimitState state = new RateLimitState(
                unifiedStatus != null ? unifiedStatus : previous.status(),
                unifiedReset != ABSENT ? unifiedReset : bucketReset != ABSENT ? bucketReset : previous.resetAtMs(),
                remaining != ABSENT ? remaining : previous.remaining(),
                limited ? coolUntil : previous.limitedUntilMs(),
                Double.isNaN(fiveHour) ? previous.fiveHourUtilisation() : fiveHour,
                fiveHourReset != ABSENT ? fiveHourReset : previous.fiveHourResetAtMs(),
                Double.isNaN(sevenDay) ? previous.sevenDayUtilisation() : sevenDay,
                sevenDayReset != ABSENT ? sevenDayReset : previous.sevenDayResetAtMs());
        return new RateLimitReading(state, limited, coolUntil);
    }

    private static boolean exhausted(String windowStatus, double utilisation) {
        return windowStatus != null && HARD.contains(windowStatus) || utilisation >= 1.0;
    }
}

package ccflare.providers;

import static ccflare.providers.HeaderValues.ABSENT;
import static ccflare.providers.HeaderValues.count;
import static ccflare.providers.HeaderValues.resetAtMs;
import static ccflare.providers.HeaderValues.retryAfterAtMs;
import static ccflare.providers.HeaderValues.text;

import ccflare.core.RateLimitState;
import java.util.function.Function;

/**
 * OpenAI's per-bucket headers: {@code x-ratelimit-remaining-requests|tokens} and
 * {@code x-ratelimit-reset-requests|tokens} (durations such as {@code 1m30s} or {@code 6ms}).
 * A bucket at 0 means the account is limited until that bucket refills, even on a 2xx: the
 * response itself is good, the next request would be refused.
 */
final class OpenAiLimits {
    private OpenAiLimits() {}

    static RateLimitReading read(int status, Function<String, String> header, long nowMs, RateLimitState previous) {
        long remainingRequests = count(text(header, "x-ratelimit-remaining-requests"));
        long remainingTokens = count(text(header, "x-ratelimit-remaining-tokens"));
        long resetRequests = resetAtMs(text(header, "x-ratelimit-reset-requests"), nowMs);
        long resetTokens = resetAtMs(text(header, "x-ratelimit-reset-tokens"), nowMs);

        boolean requestsOut = remainingRequests == 0;
        boolean tokensOut = remainingTokens == 0;
        boolean limited = status == 429 || requestsOut || tokensOut;
        long retryAfter = retryAfterAtMs(text(header, "retry-after"), text(header, "retry-after-ms"), nowMs);
        long coolUntil;
        long providerReset = ABSENT;
        if (limited) {
            // Every empty bucket has to refill before a request can pass, so the latest of them counts.
            if (requestsOut) providerReset = Math.max(providerReset, resetRequests);
            if (tokensOut) providerReset = Math.max(providerReset, resetTokens);
            coolUntil = CoolDown.until(nowMs, providerReset, retryAfter);
        } else {
            coolUntil = CoolDown.isTransient(status) ? CoolDown.transientUntil(nowMs, retryAfter) : 0;
        }

        long resetAt = providerReset > nowMs ? providerReset : resetRequests;
        RateLimitState state = new RateLimitState(
                previous.status(),
                resetAt != ABSENT ? resetAt : previous.resetAtMs(),
                remainingRequests != ABSENT ? remainingRequests : previous.remaining(),
                limited ? coolUntil : previous.limitedUntilMs(),
                previous.fiveHourUtilisation(), previous.fiveHourResetAtMs(),
                previous.sevenDayUtilisation(), previous.sevenDayResetAtMs());
        return new RateLimitReading(state, limited, coolUntil);
    }
}

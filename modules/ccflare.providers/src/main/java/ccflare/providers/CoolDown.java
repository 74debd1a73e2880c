package ccflare.providers;

/**
 * How long a limited account rests. The provider's own reset wins; then {@code retry-after}, so a
 * short retry-after means a short rest; with nothing known, a fixed default.
 */
final class CoolDown {
    /** A limit with no reset and no retry-after (the original's bare-429 default). */
    static final long DEFAULT_MS = RateLimitReading.DEFAULT_COOL_MS;
    /** A floor for retry-after, so {@code retry-after: 0} cannot send the next request straight back. */
    static final long MIN_RETRY_AFTER_MS = 1_000;
    /** A retry-after (or transient back-off) longer than this is clamped: a day is plenty to look again. */
    static final long MAX_RETRY_AFTER_MS = 24 * 3_600_000L;
    /**
     * Explicit provider resets are trusted up to just over the longest real window (7 days), so a
     * garbage far-future reset cannot park an account for good.
     */
    static final long MAX_PROVIDER_RESET_MS = 8 * 24 * 3_600_000L;

    private CoolDown() {}

    /**
     * The end of a limited account's cool-down.
     *
     * @param providerResetMs the reset the provider reported for the exhausted limit, or ≤ now when unknown
     * @param retryAfterAtMs  the instant {@code retry-after} asked for, or negative when absent
     */
    static long until(long nowMs, long providerResetMs, long retryAfterAtMs) {
        if (providerResetMs > nowMs) return Math.min(providerResetMs, nowMs + MAX_PROVIDER_RESET_MS);
        if (retryAfterAtMs >= 0) return clampRetryAfter(nowMs, retryAfterAtMs);
        return nowMs + DEFAULT_MS;
    }

    /**
     * The instant a transient failure (529, 503) asked to be retried at with {@code retry-after}
     * (or {@code retry-after-ms}), 0 when it asked none. Not floored like a limit's: a retry of the
     * same account after {@code retry-after-ms: 750} waits 750 ms, and an instant not after now
     * leaves the retry delay to the proxy's own back-off.
     */
    static long transientUntil(long nowMs, long retryAfterAtMs) {
        if (retryAfterAtMs <= nowMs) return 0;
        return Math.min(retryAfterAtMs, nowMs + MAX_RETRY_AFTER_MS);
    }

    /** 529 (overloaded) and 5xx: not limits, but a retry-after on them is worth passing on. */
    static boolean isTransient(int status) {
        return status == 529 || status >= 500 && status <= 599;
    }

    /** The earliest of the given instants that lies after now, or {@link HeaderValues#ABSENT}. */
    static long earliestAfter(long nowMs, long... instants) {
        long best = HeaderValues.ABSENT;
        for (long t : instants) {
            if (t > nowMs && (best == HeaderValues.ABSENT || t < best)) best = t;
        }
        return best;
    }

    private static long clampRetryAfter(long nowMs, long atMs) {
        return Math.min(Math.max(atMs, nowMs + MIN_RETRY_AFTER_MS), nowMs + MAX_RETRY_AFTER_MS);
    }
}

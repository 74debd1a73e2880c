package ccflare.core;

/**
 * What the provider last told us about an account's limits. Times are epoch milliseconds, 0 when
 * unknown; utilisations are fractions 0..1, negative when unknown.
 *
 * @param status        the provider's unified status ({@code allowed}, {@code rate_limited}, …), empty when none
 * @param resetAtMs     when the reported limit resets
 * @param remaining     remaining requests/tokens reported, negative when unknown
 * @param limitedUntilMs the account is not selectable before this instant (our cool-down)
 * @param fiveHourUtilisation  the 5 h window's utilisation
 * @param fiveHourResetAtMs    when the 5 h window resets
 * @param sevenDayUtilisation  the 7 d window's utilisation
 * @param sevenDayResetAtMs    when the 7 d window resets
 */
public record RateLimitState(String status, long resetAtMs, long remaining, long limitedUntilMs,
                             double fiveHourUtilisation, long fiveHourResetAtMs,
                             double sevenDayUtilisation, long sevenDayResetAtMs) {

    public static final RateLimitState NONE = new RateLimitState("", 0, -1, 0, -1, 0, -1, 0);

    public RateLimitState {
        status = status == null ? "" : status;
    }

    /** Whether the account is cooling down at {@code nowMs}. */
    public boolean limitedAt(long nowMs) { return limitedUntilMs > nowMs; }

    public RateLimitState withLimitedUntil(long untilMs) {
        return new RateLimitState(status, resetAtMs, remaining, untilMs, fiveHourUtilisation, fiveHourResetAtMs,
                sevenDayUtilisation, sevenDayResetAtMs);
    }
}

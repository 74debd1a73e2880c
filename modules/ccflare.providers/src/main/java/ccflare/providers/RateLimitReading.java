package ccflare.providers;

import ccflare.core.RateLimitState;

/**
 * What one upstream response says about its account's limits.
 *
 * @param state       the account's new rate-limit state (status, reset, remaining, windows, cool-down)
 * @param limited     the response means "this account cannot serve now": fail over to the next one
 * @param coolUntilMs when {@code limited}, the account is not tried again before this epoch ms
 */
public record RateLimitReading(RateLimitState state, boolean limited, long coolUntilMs) {}

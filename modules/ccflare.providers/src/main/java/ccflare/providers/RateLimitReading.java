package ccflare.providers;

import ccflare.core.RateLimitState;

/**
 * What one upstream response says about its account's limits.
 *
 * <p>{@code limited} can be true on a 2xx (an OpenAI bucket at 0, a Codex window at 100 %, a hard
 * unified status): that response is good to deliver; the account just rests afterwards. 529 and
 * 5xx are never {@code limited} (they are transient), but when they carry {@code retry-after},
 * {@code coolUntilMs} is the instant asked for (at most 24 h ahead; 0 when not after now) so a retry
 * of the same account can honour it.
 *
 * @param state       the account's new rate-limit state (status, reset, remaining, windows, cool-down);
 *                    values a response did not carry are kept from the previous state
 * @param limited     the response means "this account cannot serve now": fail over to the next one
 * @param coolUntilMs when {@code limited}, the account is not tried again before this epoch ms; otherwise
 *                    a transient failure's requested back-off, or 0
 */
public record RateLimitReading(RateLimitState state, boolean limited, long coolUntilMs) {

    /** The cool-down of a limit whose response named no reset and no {@code retry-after}. */
    public static final long DEFAULT_COOL_MS = 60_000;
}

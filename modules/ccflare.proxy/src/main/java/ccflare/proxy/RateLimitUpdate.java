package ccflare.proxy;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.RateLimitState;
import ccflare.providers.ProviderAdapter;
import ccflare.providers.RateLimitReading;
import java.util.function.Function;

/**
 * Applies what one response head says about its account's limits to the account, as one atomic
 * update of its current state: the reading is made from the state as it is when the update
 * runs, inside {@link AccountRegistry#changeState}, never from an earlier read. Two exchanges
 * answered at once on the same account (a 429 and a 200) therefore both count: the 200 cannot
 * write back a state read before the 429 set its cool-down.
 */
final class RateLimitUpdate {

    /**
     * @param reading      the adapter's reading of the head
     * @param state        the account's new rate-limit state
     * @param newlyLimited the head limits an account that was not limited just before
     */
    record Applied(RateLimitReading reading, RateLimitState state, boolean newlyLimited) {}

    private RateLimitUpdate() {}

    /** Reads {@code status} and {@code headers} against the account's current state and stores the result. */
    static Applied apply(AccountRegistry accounts, Account account, ProviderAdapter adapter, int status,
                         Function<String, String> headers, long nowMs) {
        Applied[] applied = new Applied[1];
        accounts.changeState(account.id(), current -> {
            applied[0] = read(adapter, status, headers, nowMs, current.rateLimit());
            return current.withRateLimit(applied[0].state());
        });
        // Removed meanwhile: nothing to store, but the decision still needs the reading.
        return applied[0] != null ? applied[0] : read(adapter, status, headers, nowMs, account.rateLimit());
    }

    private static Applied read(ProviderAdapter adapter, int status, Function<String, String> headers, long nowMs,
                                RateLimitState previous) {
        RateLimitReading reading = adapter.readRateLimit(status, headers, nowMs, previous);
        boolean exhausted = reading.limited() || status == 429;
        RateLimitState state = exhausted ? reading.state().withLimitedUntil(limitedUntil(reading, nowMs)) : reading.state();
        return new Applied(reading, state, exhausted && !previous.limitedAt(nowMs));
    }

    /** The provider's cool-down, else the state's, else {@link FailoverPolicy#DEFAULT_LIMIT_COOL_MS}. */
    private static long limitedUntil(RateLimitReading reading, long nowMs) {
        if (reading.coolUntilMs() > nowMs) return reading.coolUntilMs();
        if (reading.state().limitedUntilMs() > nowMs) return reading.state().limitedUntilMs();
        return nowMs + FailoverPolicy.DEFAULT_LIMIT_COOL_MS;
    }
}

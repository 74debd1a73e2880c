package ccflare.proxy;

import static java.util.Objects.requireNonNull;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The session strategy, the only account-selection strategy: stay on the account whose session
 * is live, because providers' anti-abuse systems dislike requests sprayed across accounts.
 *
 * <p>Pure function of its arguments: no I/O, no clock of its own.
 */
public final class SessionStrategy {

    private SessionStrategy() {}

    /**
     * The accounts to try for one request, in order.
     *
     * <p>Unavailable accounts (paused, needing re-authentication, or cooling down at {@code nowMs})
     * are left out. First comes the available account with the most recent live session (one
     * that started less than {@code sessionDuration} before {@code nowMs}); then every other
     * available account by {@link AccountRegistry#ORDER} (lower priority first, then older). When
     * no session is live, the first account by that order starts one.
     *
     * @param accounts        the accounts of one scope (a provider, or the Anthropic family)
     * @param nowMs           the current time, epoch ms
     * @param sessionDuration how long a session stays sticky from its start; positive
     * @return the candidates, possibly empty; never containing an unavailable account
     */
    public static List<Account> candidates(List<Account> accounts, long nowMs, Duration sessionDuration) {
        requireNonNull(accounts, "accounts");
        requireNonNull(sessionDuration, "sessionDuration");
        if (sessionDuration.isZero() || sessionDuration.isNegative()) {
            throw new IllegalArgumentException("sessionDuration: " + sessionDuration + " (expected: > 0)");
        }
        long sessionMs = sessionDuration.toMillis();
        List<Account> available = new ArrayList<>(accounts.size());
        Account sticky = null;
        for (Account a : accounts) {
            if (!a.availableAt(nowMs)) continue;
            available.add(a);
            boolean live = a.sessionStartMs() > 0 && nowMs - a.sessionStartMs() < sessionMs;
            if (live && (sticky == null || a.sessionStartMs() > sticky.sessionStartMs()
                    || (a.sessionStartMs() == sticky.sessionStartMs() && AccountRegistry.ORDER.compare(a, sticky) < 0))) {
                sticky = a;
            }
        }
        available.sort(AccountRegistry.ORDER);
        if (sticky != null && available.getFirst() != sticky) {
            available.remove(sticky);
            available.addFirst(sticky);
        }
        return available;
    }
}

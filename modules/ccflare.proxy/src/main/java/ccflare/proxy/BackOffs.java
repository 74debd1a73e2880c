package ccflare.proxy;

import ccflare.core.Account;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short per-account back-offs after errors that are not the account's limit — a 529 or 5xx, a
 * refused connection, a timeout, a refused key: the account is tried after the others until the
 * back-off ends, never skipped. So when the provider itself is overloaded, a later request still
 * reaches it and gets the provider's own answer, not a refusal made up here; only a real rate
 * limit ({@link ccflare.core.RateLimitState#limitedAt}) keeps an account out. In memory only: a
 * restart forgets them, which costs one more try.
 */
final class BackOffs {

    private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();

    /** Backs {@code accountId} off until {@code untilMs} (a longer back-off already running stays). */
    void backOff(String accountId, long untilMs) {
        until.merge(accountId, untilMs, Math::max);
    }

    /** Whether the account is backing off at {@code nowMs}. */
    boolean backingOff(String accountId, long nowMs) {
        Long u = until.get(accountId);
        if (u == null) return false;
        if (u > nowMs) return true;
        until.remove(accountId, u);
        return false;
    }

    /** When the account's back-off ends; 0 when none runs. */
    long untilMs(String accountId, long nowMs) {
        return backingOff(accountId, nowMs) ? until.getOrDefault(accountId, 0L) : 0;
    }

    /** The candidates in their order, those backing off moved behind the rest (in their order too). */
    List<Account> order(List<Account> candidates, long nowMs) {
        List<Account> ready = new ArrayList<>(candidates.size());
        List<Account> later = new ArrayList<>(0);
        for (Account a : candidates) (backingOff(a.id(), nowMs) ? later : ready).add(a);
        if (later.isEmpty()) return candidates;
        ready.addAll(later);
        return ready;
    }
}

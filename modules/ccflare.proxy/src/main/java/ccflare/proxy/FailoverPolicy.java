package ccflare.proxy;

import static java.util.Objects.requireNonNull;

import ccflare.core.Config;
import ccflare.providers.RateLimitReading;

/**
 * What an {@link Exchange} does after one attempt, before the first byte reached the client: a
 * pure function of the attempt's answer (its status and what its headers say about the account,
 * as a {@link RateLimitReading}, or the failure that left it without an answer), what the
 * request went through so far ({@link History}) and the clock, returning a
 * {@link FailoverDecision}. No I/O, no lock, no clock of its own; the exchange carries the
 * decision out. The table is in {@code docs/architecture.md} ("The failover decision") and row
 * by row in {@code FailoverPolicyTest}.
 *
 * <p>Every constant of the decision is here. The cool-down of a limited account is not: it is
 * the provider's own reset or {@code retry-after}, read by the adapter into the reading (one
 * {@code retry-after} parser, in {@code ccflare.providers}), with {@link #DEFAULT_LIMIT_COOL_MS}
 * when the answer named none.
 */
final class FailoverPolicy {

    /** Longest wait before retrying the same account; a longer {@code retry-after} moves on instead. */
    static final long MAX_RETRY_SLEEP_MS = 5_000;
    /** Cool-down of a limited account whose answer named no reset (the providers' own default). */
    static final long DEFAULT_LIMIT_COOL_MS = RateLimitReading.DEFAULT_COOL_MS;
    /** Back-off (tried after the others, not skipped) after an account exhausted its retries on 529 (overloaded). */
    static final long OVERLOADED_COOL_MS = 30_000;
    /** Back-off after an account exhausted its retries on 5xx, a connect failure or a timeout. */
    static final long TRANSIENT_COOL_MS = 10_000;
    /** Back-off of an API-key account whose key the upstream refused (401), when another account takes over. */
    static final long API_KEY_REFUSED_COOL_MS = 300_000;
    /**
     * Back-off of an OAuth account refused (401) again after a forced refresh, or whose forced
     * refresh failed. Short: a refused refresh token marks the account needs-reauth by itself, and a
     * transient refresh failure backs off inside the token source.
     */
    static final long OAUTH_REFUSED_COOL_MS = 10_000;

    /** The decision on nearly every answer, made once: a 200 allocates no decision. */
    private static final FailoverDecision.Deliver DELIVER = new FailoverDecision.Deliver(FailoverDecision.BackOff.NONE);

    /** What an attempt got. */
    sealed interface Answer {
        /**
         * A response head.
         *
         * @param status                the upstream's status
         * @param reading               what the head says about the account (for pass-through: read
         *                              against an empty state, only its {@code retry-after} counts);
         *                              null when nothing was read
         * @param refusedDespiteSuccess a 2xx whose headers say the provider refused the work anyway
         * @param oauth                 the attempt sent an OAuth token (a 401 may be cured by a refresh)
         */
        record Head(int status, RateLimitReading reading, boolean refusedDespiteSuccess, boolean oauth) implements Answer {}

        /** No head: a refused connection, a reset, a first-byte timeout; {@code what} in words. */
        record Failed(String what) implements Answer {
            public Failed { requireNonNull(what, "what"); }
        }
    }

    /** What the other accounts offer; asked only by the rows that need it (a 200 asks nothing). */
    interface Alternatives {
        /** Whether a candidate after the current one is available now. */
        boolean another();

        /** Whether every account of the route's scope is rate limited now (with this answer applied). */
        boolean everyAccountLimited();
    }

    /**
     * What the request went through so far, counted before this decision.
     *
     * @param attempts             upstream attempts made, this one included
     * @param triesOnAccount       attempts on the current account, this one included
     * @param passThrough          no account: the client's own credentials went through
     * @param refreshedThisAccount the current account's token was already force-refreshed in this request
     * @param alternatives         the other accounts
     */
    record History(int attempts, int triesOnAccount, boolean passThrough, boolean refreshedThisAccount,
                   Alternatives alternatives) {
        History {
            requireNonNull(alternatives, "alternatives");
        }
    }

    private final Config.Proxy settings;

    FailoverPolicy(Config.Proxy settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    /** The decision on one attempt's answer at {@code nowMs}. */
    FailoverDecision decide(Answer answer, History history, long nowMs) {
        return switch (answer) {
            case Answer.Head head -> onHead(head, history, nowMs);
            case Answer.Failed failed -> transientFailure(history, 0, history.passThrough() ? FailoverDecision.BackOff.NONE
                    : new FailoverDecision.BackOff(TRANSIENT_COOL_MS, "after " + failed.what()), false);
        };
    }

    private FailoverDecision onHead(Answer.Head head, History history, long nowMs) {
        int status = head.status();
        RateLimitReading reading = head.reading();
        boolean account = !history.passThrough();
        if (account && limits(head)) {
            if (canFailOver(history)) return new FailoverDecision.FailOver(FailoverDecision.BackOff.NONE);
            // Nothing left: the upstream's own 429 explains more than ours, unless every account is
            // limited, when ours names them all and the earliest reset.
            return history.alternatives().everyAccountLimited() ? new FailoverDecision.GiveUp(FailoverDecision.BackOff.NONE)
                    : DELIVER;
        }
        if (status == 401 && account) {
            if (head.oauth() && !history.refreshedThisAccount() && history.attempts() < settings.maxAttempts()) {
                return new FailoverDecision.RefreshThenRetry();
            }
            // Not backed off when nothing else is left: a made-up pause would hide the upstream's
            // own explanation from the next requests.
            if (!canFailOver(history)) return DELIVER;
            return new FailoverDecision.FailOver(head.oauth()
                    ? new FailoverDecision.BackOff(OAUTH_REFUSED_COOL_MS, "after its token was refused (401)")
                    : new FailoverDecision.BackOff(API_KEY_REFUSED_COOL_MS, "after its API key was refused (401)"));
        }
        if (status >= 500) {
            long retryAfter = reading == null || reading.coolUntilMs() <= nowMs ? 0 : reading.coolUntilMs() - nowMs;
            FailoverDecision.BackOff backOff = !account ? FailoverDecision.BackOff.NONE
                    : new FailoverDecision.BackOff(status == 529 ? OVERLOADED_COOL_MS : TRANSIENT_COOL_MS, "after " + status);
            return transientFailure(history, retryAfter, backOff, true);
        }
        // 1xx-4xx: 2xx (an exhausted account rests afterwards: its state says so), 3xx, other 4xx.
        return DELIVER;
    }

    /**
     * Whether the head is a limit that keeps this response from the client: a limited non-2xx
     * (any 429 among them), or a 2xx the provider refused. A 2xx that merely exhausts the account
     * is served work: it is delivered, and the account rests afterwards.
     */
    static boolean limits(Answer.Head head) {
        if (head.reading() == null) return false;
        int status = head.status();
        boolean exhausted = head.reading().limited() || status == 429;
        return exhausted && (status < 200 || status >= 300 || head.refusedDespiteSuccess());
    }

    /**
     * A 5xx, 529 or a failure without a head: the same account again while its retries last and the
     * asked wait is short, then the next account (this one backing off), then the end.
     *
     * @param retryAfterMs what the answer asked to wait, 0 for nothing
     * @param answered     a response exists to pass on when nothing is left (else the proxy answers)
     */
    private FailoverDecision transientFailure(History history, long retryAfterMs,
                                              FailoverDecision.BackOff backOff, boolean answered) {
        if (history.attempts() < settings.maxAttempts() && history.triesOnAccount() < settings.retryAttempts()
                && retryAfterMs <= MAX_RETRY_SLEEP_MS) {
            double exponential = settings.retryDelay().toMillis() * Math.pow(settings.retryBackoff(), history.triesOnAccount() - 1);
            long delay = retryAfterMs > 0 ? retryAfterMs : (long) Math.min(exponential, MAX_RETRY_SLEEP_MS);
            return new FailoverDecision.RetrySame(delay);
        }
        if (canFailOver(history)) return new FailoverDecision.FailOver(backOff);
        // The real upstream answer says more than one we would invent, and SDKs retry it.
        return answered ? new FailoverDecision.Deliver(backOff) : new FailoverDecision.GiveUp(backOff);
    }

    private boolean canFailOver(History history) {
        return !history.passThrough() && history.attempts() < settings.maxAttempts() && history.alternatives().another();
    }
}

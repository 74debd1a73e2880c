package ccflare.proxy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What the proxy answers itself when a {@link FailoverDecision.GiveUp} (or a request whose every
 * account was skipped) leaves nothing to try and no upstream answer to pass on: a pure function
 * of how the request ended. Only limits answer 429; accounts that failed or back off are a 502 or
 * 503 naming what happened.
 */
sealed interface GiveUpAnswer {

    /**
     * How the request ended.
     *
     * @param limitSeen          an attempt of this request was rate limited, and now no account of
     *                           the scope is available while some are limited
     * @param anyAttemptFailed   some attempt failed (answered an error or no head at all)
     * @param onlyConnectFailures every failed attempt was a refused connection
     * @param lastFailure        the last attempt's failure in words
     * @param unusable           why accounts were skipped for want of credentials, in order
     * @param unusableRetryAtMs  when the earliest skipped account's token source tries again, MAX_VALUE when none said
     */
    record Ended(boolean limitSeen, boolean anyAttemptFailed, boolean onlyConnectFailures, String lastFailure,
                 List<String> unusable, long unusableRetryAtMs) {
        public Ended {
            requireNonNull(lastFailure, "lastFailure");
            unusable = List.copyOf(unusable);
        }
    }

    /** Every account is unavailable and some are limited: the 429 that counts them ({@link Refusals}). */
    record AllLimited() implements GiveUpAnswer {}

    /** An answer of our own. */
    record Own(int status, String type, String message, long retryAfterSeconds) implements GiveUpAnswer {}

    static GiveUpAnswer of(Ended ended, long nowMs) {
        if (ended.limitSeen()) return new AllLimited();
        String skipped = String.join("; ", ended.unusable());
        if (!ended.anyAttemptFailed() && !skipped.isEmpty()) {
            // No upstream said anything: the accounts' credentials are the whole story.
            long seconds = ended.unusableRetryAtMs() == Long.MAX_VALUE ? 0
                    : Math.max(1, (ended.unusableRetryAtMs() - nowMs + 999) / 1000);
            return new Own(503, ErrorBodies.OVERLOADED, "no account usable: " + skipped, seconds);
        }
        String reason = skipped.isEmpty() ? ended.lastFailure() : ended.lastFailure() + "; " + skipped;
        return ended.onlyConnectFailures() ? new Own(503, ErrorBodies.OVERLOADED, "no upstream reachable: " + reason, 0)
                : new Own(502, ErrorBodies.API_ERROR, "upstream failed: " + reason, 0);
    }
}

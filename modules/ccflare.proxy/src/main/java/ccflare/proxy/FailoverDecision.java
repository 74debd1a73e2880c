package ccflare.proxy;

import static java.util.Objects.requireNonNull;

/** What {@link FailoverPolicy} decided about one attempt; {@link Exchange} carries it out. */
sealed interface FailoverDecision {

    /**
     * The account is tried after the others until {@code ms} from now: not a limit (it is never
     * skipped), a short penalty for an error that is not its limit ({@link BackOffs}).
     *
     * @param why the end of the log sentence, e.g. "after 529"
     */
    record BackOff(long ms, String why) {
        static final BackOff NONE = new BackOff(0, "");

        public BackOff {
            requireNonNull(why, "why");
            if (ms < 0) throw new IllegalArgumentException("back-off: " + ms + " ms (expected: >= 0)");
        }

        boolean any() { return ms > 0; }
    }

    /** This response goes to the client (commit); the account may back off all the same. */
    record Deliver(BackOff backOff) implements FailoverDecision {}

    /** The same account again after {@code delayMs}. */
    record RetrySame(long delayMs) implements FailoverDecision {}

    /** The OAuth token the attempt sent was refused: refresh it (once per request and account), then the same account. */
    record RefreshThenRetry() implements FailoverDecision {}

    /** The next candidate; this account backs off first ({@link BackOff#NONE} when its rate limit keeps it out anyway). */
    record FailOver(BackOff backOff) implements FailoverDecision {}

    /** Nothing left to try and no answer worth passing on: the proxy answers the client itself. */
    record GiveUp(BackOff backOff) implements FailoverDecision {}
}

package ccflare.core;

import static java.util.Objects.requireNonNull;

/**
 * An OAuth sign-in could not start or complete. The message says why in words a user can act on
 * and never carries a code, verifier, state or token.
 */
public final class OAuthFlowException extends CcflareException {
    private static final long serialVersionUID = 1L;

    /** Which failure, so callers can pick a status (for example 404 for an unknown flow). */
    public enum Reason {
        /** No flow has this id (never started, or forgotten long after it finished). */
        UNKNOWN_FLOW,
        /** The flow's 10 minutes are over. */
        EXPIRED,
        /** The flow already completed or failed; a flow completes at most once. */
        ALREADY_USED,
        /** The pasted state is missing or belongs to another sign-in. */
        STATE_MISMATCH,
        /** The provider's token endpoint refused the code. */
        REFUSED,
        /** The token endpoint could not be reached or answered garbage; the flow stays pending. */
        UNREACHABLE,
        /** The account name is taken. */
        DUPLICATE_NAME,
        /** A value the caller sent is not acceptable (provider, name, priority, pasted text). */
        INVALID_INPUT,
        /** This daemon has no OAuth sign-in. */
        NOT_CONFIGURED
    }

    private final Reason reason;

    public OAuthFlowException(Reason reason, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason");
    }

    public Reason reason() { return reason; }
}

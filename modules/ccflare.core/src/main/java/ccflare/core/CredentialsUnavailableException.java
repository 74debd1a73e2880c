package ccflare.core;

import static java.util.Objects.requireNonNull;

/**
 * An account cannot be used now because its credentials cannot be made usable. The proxy skips the
 * account for this request. The message names the account and the reason, never a secret.
 */
public final class CredentialsUnavailableException extends CcflareException {
    private static final long serialVersionUID = 1L;

    /** Why the account cannot be used. */
    public enum Reason {
        /** The account holds no credentials (for example they could not be decrypted). */
        MISSING,
        /** Its OAuth sign-in was refused; it must be signed in again. */
        NEEDS_REAUTH,
        /** A recent refresh failed; no new attempt before {@link #retryAtMs()}. */
        BACKOFF,
        /** The refresh attempted by this call failed; the account now backs off until {@link #retryAtMs()}. */
        REFRESH_FAILED,
        /** The credentials cannot be refreshed (an API key the upstream refused). */
        NOT_REFRESHABLE
    }

    private final Reason reason;
    private final long retryAtMs;

    /** @param retryAtMs epoch ms of the next refresh attempt, 0 when none will happen by itself */
    public CredentialsUnavailableException(Reason reason, long retryAtMs, String message) {
        super(message);
        this.reason = requireNonNull(reason, "reason");
        this.retryAtMs = retryAtMs;
    }

    public Reason reason() { return reason; }

    /** When a refresh may be tried again, epoch ms; 0 when it will not happen without a new sign-in. */
    public long retryAtMs() { return retryAtMs; }
}

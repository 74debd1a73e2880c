package ccflare.core;

/**
 * Credentials fresh enough to send upstream. For API-key accounts that is the key; for OAuth
 * accounts the access token, refreshed first when it expires within 30 seconds.
 *
 * <p>Contract of an implementation: at most one refresh per account is in flight (concurrent
 * callers wait for it and share its result); a rotated refresh token is committed through
 * {@link AccountRegistry#replaceCredentials} before the new access token is returned to anyone;
 * after a failed refresh the account backs off (calls fail fast, saying until when); a refresh
 * refused as {@code invalid_grant} twice in a row marks the account
 * {@link Account#needsReauth() needs-reauth}, after which calls fail fast until it is signed in
 * again. Thread-safe; calls may block on the token endpoint (bounded by a timeout).
 */
public interface TokenSource {

    /**
     * The account's credentials, refreshed first when the access token is missing, of unknown
     * expiry, or expires within 30 seconds.
     *
     * @throws CredentialsUnavailableException when the account cannot be used now
     */
    Credentials usable(Account account);

    /**
     * After the upstream refused {@code rejected} (401): new credentials. When another caller has
     * already replaced {@code rejected}, those are returned without a new refresh.
     *
     * @throws CredentialsUnavailableException when no better credentials can be had now (for an
     *         API key: never; it cannot be refreshed)
     */
    Credentials forceRefresh(Account account, Credentials rejected);
}

package ccflare.core;

import static java.util.Objects.requireNonNull;

/**
 * Signing an OAuth account in: {@link #start} makes an authorize URL, the user signs in with the
 * provider, and {@link #complete} exchanges what the provider handed back for tokens and adds
 * the account to the {@link AccountRegistry}.
 *
 * <p>A flow lives 10 minutes and completes at most once. For {@code claude-code} the provider's
 * page shows {@code CODE#STATE}, which the user pastes. For {@code codex} the browser is
 * redirected to a loopback listener that completes the flow by itself; pasting the redirected
 * URL (or {@code CODE#STATE}) works too, for when the listener could not bind its port or the
 * browser runs on another machine.
 *
 * <p>Implementations are thread-safe; {@link #complete} blocks on the provider's token endpoint.
 * Every failure is an {@link OAuthFlowException} whose {@link OAuthFlowException#reason()} says
 * which, and whose message a user can act on (it never carries a code, verifier or token).
 */
public interface OAuthFlows {

    /**
     * A flow that has started.
     *
     * @param authorizeUrl the provider's sign-in page for the user to open
     * @param expiresAtMs  epoch ms after which the flow can no longer complete
     * @param instructions one or two sentences telling the user what to do with the URL
     */
    record Started(String flowId, String authorizeUrl, long expiresAtMs, String instructions) {
        public Started {
            requireNonNull(flowId, "flowId");
            requireNonNull(authorizeUrl, "authorizeUrl");
            requireNonNull(instructions, "instructions");
        }
    }

    /**
     * Where a flow stands.
     *
     * @param provider  the wire name of the provider ({@code claude-code}, {@code codex})
     * @param status    {@code pending}, {@code completed}, {@code failed} or {@code expired}
     * @param accountId the account added; empty unless completed
     * @param error     why it failed; empty unless failed or expired
     */
    record FlowState(String flowId, String provider, String status, String accountId, String error) {
        public static final String PENDING = "pending";
        public static final String COMPLETED = "completed";
        public static final String FAILED = "failed";
        public static final String EXPIRED = "expired";

        public FlowState {
            requireNonNull(flowId, "flowId");
            requireNonNull(provider, "provider");
            requireNonNull(status, "status");
            accountId = accountId == null ? "" : accountId;
            error = error == null ? "" : error;
        }
    }

    /**
     * Starts signing in a new account.
     *
     * @param provider an OAuth kind ({@link ProviderKind#oauth()})
     * @param name     the account's name, already validated by the caller; must not be taken
     * @param baseUrl  the account's own upstream base URL, empty for the provider default
     * @param priority the account's priority, {@code >= 0}
     * @throws OAuthFlowException {@code INVALID_INPUT} for a non-OAuth provider or a bad value,
     *         {@code DUPLICATE_NAME} when the name is taken, {@code NOT_CONFIGURED} when sign-in is off
     */
    Started start(ProviderKind provider, String name, String baseUrl, int priority);

    /**
     * Starts signing an existing OAuth account in again (its refresh was refused, or its
     * subscription changed). Completing the flow replaces the account's tokens, durable before
     * it returns, and clears its needs-reauth mark; its name, priority, counters and history stay.
     *
     * @param accountId the account's id
     * @throws OAuthFlowException {@code INVALID_INPUT} when there is no such account or it uses an
     *         API key, {@code NOT_CONFIGURED} when sign-in is off
     */
    Started reauthorize(String accountId);

    /**
     * Completes a flow with what the user pasted: {@code CODE#STATE}, or for {@code codex} also the
     * redirected URL or its query string. Adds the account (or, for {@link #reauthorize}, replaces
     * its tokens), with its tokens durable, before it returns.
     *
     * @return the account added or signed in again
     * @throws OAuthFlowException {@code UNKNOWN_FLOW}, {@code EXPIRED}, {@code ALREADY_USED},
     *         {@code STATE_MISMATCH}, {@code REFUSED} (the token endpoint's reason),
     *         {@code UNREACHABLE} (the token endpoint could not be asked; the flow stays pending),
     *         {@code DUPLICATE_NAME}, {@code INVALID_INPUT}
     */
    Account complete(String flowId, String pastedCode);

    /**
     * Where a flow stands; a finished flow is remembered for at least an hour after it expired.
     *
     * @throws OAuthFlowException {@code UNKNOWN_FLOW} when there is no such flow
     */
    FlowState state(String flowId);
}

package ccflare.protocol;

import static java.util.Objects.requireNonNull;

/**
 * Answer of {@code GET /api/auth/flows/{flowId}}: where an OAuth sign-in stands.
 *
 * @param status    {@code pending}, {@code completed}, {@code failed} or {@code expired}
 * @param accountId the account added; absent unless completed
 * @param error     why it failed or expired; absent otherwise
 */
public record FlowView(String flowId, String provider, String status, String accountId, String error) {
    public FlowView {
        requireNonNull(flowId, "flowId");
        requireNonNull(provider, "provider");
        requireNonNull(status, "status");
        accountId = accountId == null || accountId.isEmpty() ? null : accountId;
        error = error == null || error.isEmpty() ? null : error;
    }
}

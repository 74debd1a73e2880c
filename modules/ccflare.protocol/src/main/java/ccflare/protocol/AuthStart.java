package ccflare.protocol;

import static java.util.Objects.requireNonNull;

/**
 * Answer of {@code POST /api/auth/{provider}/init}: an OAuth sign-in that has started.
 *
 * @param flowId       pass to {@code POST /api/auth/{provider}/complete} and {@code GET /api/auth/flows/{flowId}}
 * @param provider     {@code claude-code} or {@code codex}
 * @param authorizeUrl the provider's sign-in page for the user to open
 * @param expiresAt    ISO-8601; after it the sign-in cannot complete (10 minutes)
 * @param instructions what the user does with the URL, in one or two sentences
 */
public record AuthStart(String flowId, String provider, String authorizeUrl, String expiresAt, String instructions) {
    public AuthStart {
        requireNonNull(flowId, "flowId");
        requireNonNull(provider, "provider");
        requireNonNull(authorizeUrl, "authorizeUrl");
        requireNonNull(expiresAt, "expiresAt");
    }
}

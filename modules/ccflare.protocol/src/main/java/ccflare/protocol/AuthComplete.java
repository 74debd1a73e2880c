package ccflare.protocol;

/**
 * Body of {@code POST /api/auth/{provider}/complete}. {@link #toString()} never prints the code.
 *
 * @param flowId the {@link AuthStart#flowId()} of the sign-in
 * @param code   what the provider handed back: {@code CODE#STATE} (claude-code), or for codex the
 *               address the browser was sent to, its query string, or {@code CODE#STATE}
 */
public record AuthComplete(String flowId, String code) {
    @Override
    public String toString() {
        return "AuthComplete[flowId=" + flowId + ", code=" + (code == null ? "absent" : "redacted") + "]";
    }
}

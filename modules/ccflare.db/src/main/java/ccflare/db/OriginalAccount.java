package ccflare.db;

import static java.util.Objects.requireNonNull;

/**
 * One row of an original's {@code accounts} table, as read: absent columns and NULLs are
 * {@code ""}, 0 or false. Secrets are the source's plain text; {@link #toString()} never prints them.
 *
 * @param provider     the source's provider name, {@code anthropic} when NULL
 * @param expiresAtMs  token expiry, 0 when NULL (unknown)
 * @param tier         the original's {@code account_tier}, 0 when the column is absent
 * @param endpoint     {@code custom_endpoint} (better-ccflare) or {@code base_url} (ccflare v2), "" when none
 */
record OriginalAccount(String id, String name, String provider, String apiKey, String accessToken,
                       String refreshToken, long expiresAtMs, long createdAtMs, long lastUsedMs,
                       long requestCount, long totalRequests, int priority, boolean paused, int tier,
                       String endpoint) {

    OriginalAccount {
        id = id == null ? "" : id.trim();
        name = name == null ? "" : name;
        provider = provider == null || provider.isBlank() ? "anthropic" : provider.trim();
        apiKey = apiKey == null ? "" : apiKey.trim();
        accessToken = accessToken == null ? "" : accessToken.trim();
        refreshToken = refreshToken == null ? "" : refreshToken.trim();
        endpoint = endpoint == null ? "" : endpoint.trim();
        requireNonNull(id, "id");
    }

    boolean hasApiKey() { return !apiKey.isEmpty(); }

    boolean hasTokens() { return !accessToken.isEmpty() || !refreshToken.isEmpty(); }

    @Override
    public String toString() {
        return "OriginalAccount[id=" + id + ", name=" + name + ", provider=" + provider + ", secrets redacted]";
    }
}

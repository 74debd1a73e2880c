package ccflare.core;

import static java.util.Objects.requireNonNull;

/**
 * A client key of a shared proxy: who may send requests through {@code /v1/**}. The key itself
 * is never kept; {@code hash} is the hex SHA-256 of it (the key is 256 random bits, so a fast
 * hash is enough). Times are epoch ms; 0 means never.
 *
 * @param expiresAtMs   when it stops working; 0 never
 * @param revokedAtMs   when it was revoked; 0 not revoked
 * @param requestsPerMinute at most this many requests in any 60 s; 0 unlimited
 * @param dailyUsd      at most this much spend per UTC day; 0 unlimited
 */
public record ClientKey(String id, String name, String hash, long createdAtMs, long expiresAtMs, long revokedAtMs,
                        int requestsPerMinute, double dailyUsd) {

    public ClientKey {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(hash, "hash");
        if (requestsPerMinute < 0) throw new IllegalArgumentException("requestsPerMinute: " + requestsPerMinute + " (expected: >= 0)");
        if (!(dailyUsd >= 0)) throw new IllegalArgumentException("dailyUsd: " + dailyUsd + " (expected: >= 0)");
    }

    public boolean revoked() { return revokedAtMs > 0; }

    public boolean expiredAt(long nowMs) { return expiresAtMs > 0 && nowMs >= expiresAtMs; }

    @Override
    public String toString() {
        return "ClientKey[id=" + id + ", name=" + name + ", hash=redacted]";
    }
}

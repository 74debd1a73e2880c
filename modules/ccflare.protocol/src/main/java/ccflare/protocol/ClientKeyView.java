package ccflare.protocol;

/**
 * A client key as the API shows it ({@code /api/keys}). The key's text is in {@code key} only in
 * the answer to its creation; it is never stored and never shown again.
 *
 * @param status            active, expired or revoked
 * @param expires           ISO-8601, absent when it never expires
 * @param revoked           ISO-8601, absent when not revoked
 * @param requestsPerMinute absent when unlimited
 * @param dailyUsd          absent when unlimited
 * @param key               the key itself, only when just created
 */
public record ClientKeyView(String id, String name, String status, String created, String expires, String revoked,
                            Integer requestsPerMinute, Double dailyUsd, String key) {

    @Override
    public String toString() {
        return "ClientKeyView[id=" + id + ", name=" + name + ", status=" + status + (key == null ? "" : ", key=redacted") + "]";
    }
}

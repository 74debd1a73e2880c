package ccflare.protocol;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * {@code GET /health}: whether the daemon can do its job.
 *
 * @param status      {@code ok}, or {@code degraded} when the database is not ok or an account needs re-auth
 * @param uptimeMs    milliseconds since the daemon started
 * @param accounts    how many accounts exist
 * @param database    {@code ok} or the reason recording is degraded
 * @param timestamp   the daemon's clock, ISO-8601
 * @param needsReauth names of the accounts waiting for a new sign-in; absent when none
 */
public record HealthView(String status, String version, long uptimeMs, int accounts, String database,
                         String timestamp, List<String> needsReauth) {
    public HealthView {
        requireNonNull(status, "status");
        requireNonNull(database, "database");
        needsReauth = needsReauth == null || needsReauth.isEmpty() ? null : List.copyOf(needsReauth);
    }

    public boolean ok() { return "ok".equals(status); }
}

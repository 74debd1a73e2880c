package ccflare.api;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** What the daemon knows about itself, for {@code /health} and {@code /api/maintenance/*}. Implemented by the daemon. */
public interface DaemonStatus {

    /** The product version, for example {@code 0.1.0}. */
    String version();

    /** When the daemon started, epoch ms (of the same clock as {@link ApiContext#clock()}). */
    long startedAtMs();

    /** {@code ok}, or why recording is degraded (for example {@code "database is locked; payloads shed"}). */
    String databaseState();

    /** Client requests being proxied right now. */
    int inFlight();

    /**
     * Runs a maintenance action and returns its result as JSON-serialisable values.
     *
     * @param action {@code cleanup}, {@code compact} or {@code analyze}
     * @throws IllegalArgumentException for an unknown action
     */
    Map<String, Object> maintenance(String action);

    /**
     * The base URL a browser on this machine opens to reach the TCP listener, with the port actually
     * bound ({@code http://127.0.0.1:8080/}); empty before the listener is bound. The dashboard's
     * login links are built on it.
     */
    default Optional<URI> browserUri() { return Optional.empty(); }
}

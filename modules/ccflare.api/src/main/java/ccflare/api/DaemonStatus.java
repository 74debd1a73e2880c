package ccflare.api;

import ccflare.protocol.ImportReport;
import ccflare.protocol.ImportRequest;
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
     * Imports the accounts (and, when asked, the request history) of an original ccflare or
     * better-ccflare database: {@code POST /api/maintenance/import}.
     *
     * @throws IllegalArgumentException for a bad request or a missing, corrupt or foreign source (answered 400)
     * @throws IllegalStateException when this daemon cannot import (answered 409)
     */
    default ImportReport importOriginal(ImportRequest request) {
        throw new IllegalStateException("this daemon cannot import from an original ccflare");
    }

    /**
     * The base URL a browser on this machine opens to reach the TCP listener, with the port actually
     * bound ({@code http://127.0.0.1:8080/}); empty before the listener is bound. The dashboard's
     * login links are built on it.
     */
    default Optional<URI> browserUri() { return Optional.empty(); }
}

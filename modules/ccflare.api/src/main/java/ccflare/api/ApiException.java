package ccflare.api;

import ccflare.core.CcflareException;
import java.util.Map;

/**
 * A request to the API that must be answered with an error status and a message naming the
 * problem. The message goes to the client as {@code {"error":…}}, so it must never carry a secret.
 */
public final class ApiException extends CcflareException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Map<String, Object> details;

    public ApiException(int status, String message) {
        this(status, message, null);
    }

    /** @param details optional machine-readable extras sent as {@code "details"}; null for none */
    public ApiException(int status, String message, Map<String, Object> details) {
        super(message);
        if (status < 400 || status > 599) throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
        this.status = status;
        this.details = details == null ? null : Map.copyOf(details);
    }

    /** The HTTP status to answer with (400, 404, 409, …). */
    public int status() { return status; }

    /** Extras for the error body; null when none. */
    Map<String, Object> details() { return details; }

    static ApiException badRequest(String message) { return new ApiException(400, message); }

    static ApiException notFound(String message) { return new ApiException(404, message); }
}

package ccflare.api;

import ccflare.core.CcflareException;

/** A request to the API that must be answered with an error status and a message naming the problem. */
public final class ApiException extends CcflareException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status to answer with (400, 404, 409, …). */
    public int status() { return status; }
}

package ccflare.core;

/** How one client request ended. The wire name is the lower-case enum name. */
public enum Outcome {
    /** Upstream answered 2xx and the response reached the client whole. */
    OK,
    /** Upstream answered with an error status that was passed to the client. */
    UPSTREAM_ERROR,
    /** Every candidate account was rate limited; the proxy answered 429. */
    RATE_LIMITED,
    /** No upstream could be reached or every attempt failed; the proxy answered 502/503. */
    PROXY_ERROR,
    /** The client went away; the upstream request was aborted (status 499). */
    CLIENT_CANCELLED,
    /** Upstream failed after the response had started; the stream was ended with an error event. */
    MID_STREAM_RESET,
    /** The stream sent nothing for longer than the idle timeout. */
    STREAM_IDLE_TIMEOUT,
    /** The proxy refused the request itself (body too large, overloaded, unknown route). */
    REJECTED;

    public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
}

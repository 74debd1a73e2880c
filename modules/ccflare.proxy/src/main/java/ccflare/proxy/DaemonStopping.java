package ccflare.proxy;

/**
 * The cause an exchange's upstream is aborted with when the daemon stops and the drain deadline
 * has passed: the stream was cut by us, not by the upstream, and the client and the record say so.
 */
final class DaemonStopping extends Exception {
    private static final long serialVersionUID = 1L;

    /** The sentence the client (an SSE error event, or a 503) and the record get. */
    static final String MESSAGE = "the daemon is stopping: the request was cut at the end of its drain time";

    DaemonStopping() { super(MESSAGE, null, false, false); }
}

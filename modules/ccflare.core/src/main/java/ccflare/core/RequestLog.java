package ccflare.core;

/**
 * Where the proxy hands finished requests. Implementations must never block the caller: they
 * offer to a bounded queue and, when it is full, shed the payload first and count what they drop.
 */
public interface RequestLog {

    /** Records one finished request; returns false when it had to be dropped. */
    boolean append(RequestRecord record);

    /**
     * Announces a request the proxy has just accepted, before any upstream attempt, for live
     * views. Nothing is stored; the default does nothing. Must not block.
     */
    default void started(String requestId, long receivedAtMs, String method, String path) {}

    /** Live views see each request as it starts and as it is recorded; they must not block. */
    interface Listener {
        void onStart(String requestId, long receivedAtMs, String method, String path);

        void onRecord(RequestRecord record);
    }
}

package ccflare.core;

/**
 * Where the proxy hands finished requests. Implementations must never block the caller: they
 * offer to a bounded queue and, when it is full, shed the payload first and count what they drop.
 */
public interface RequestLog {

    /** Records one finished request; returns false when it had to be dropped. */
    boolean append(RequestRecord record);

    /** Listeners see each record as it is appended (live streams); they must not block. */
    interface Listener { void onRecord(RequestRecord record); }
}

package ccflare.proxy;

import java.io.EOFException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * How an upstream stream broke, in a few words for the request record. The failure's own text
 * (Jetty's connection dumps with socket addresses) belongs in the DEBUG log, not in a record a
 * user reads or an API answer.
 */
final class StreamFailure {

    private StreamFailure() {}

    /** The root cause by type: "the upstream closed the connection", "timed out", else its class name. */
    static String kind(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return switch (root) {
            case EOFException e -> "the upstream closed the connection";
            case ClosedChannelException e -> "the upstream closed the connection";
            case TimeoutException e -> "timed out";
            default -> root.getClass().getSimpleName();
        };
    }
}

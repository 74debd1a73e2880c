package ccflare.proxy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Whether a waiting HTTP/1 client is still connected. Jetty does not read an HTTP/1 connection
 * while its request is being handled and the body was consumed, so a client that closes while we
 * wait for the upstream would go unnoticed until our next write (and Jetty reports no failure). A
 * direct non-blocking one-byte read tells: -1 on FIN, an exception on RST. HTTP/2 clients reset
 * their stream in a frame Jetty does read, reported by the request's failure listener, so they
 * are never probed.
 *
 * <p>Not thread-safe: every call is made under its {@link Exchange}'s monitor, and only until the
 * exchange finishes, so a probe never competes with Jetty reading the next request.
 */
final class ClientProbe {

    /** How often a waiting HTTP/1 exchange checks that its client is still connected (to within a tick). */
    static final long INTERVAL_MS = 200;
    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);

    private final Request request;
    /** HTTP/1 only, and only until a pipelined byte shows up. */
    private boolean probing;
    /** {@link System#nanoTime} of the next probe. */
    private long nextNanos;

    ClientProbe(Request request, long nowNanos) {
        this.request = request;
        HttpVersion version = request.getConnectionMetaData().getHttpVersion();
        this.probing = version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0;
        this.nextNanos = nowNanos + INTERVAL_NANOS;
    }

    /** Whether a probe is due at {@code nowNanos}; if so, the next one is scheduled an interval later. */
    boolean due(long nowNanos) {
        if (!probing || nowNanos - nextNanos < 0) return false;
        nextNanos = nowNanos + INTERVAL_NANOS;
        return true;
    }

    /** Probes the connection once: the failure when the client has gone, else null. */
    Throwable probe() {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        try {
            int n = endPoint.isOpen() ? endPoint.fill(BufferUtil.allocate(1)) : -1;
            if (n < 0) return new EofException("client closed the connection");
            if (n > 0) {
                // A pipelined request: the byte cannot be put back, so this connection closes
                // after the response (RFC 9112 §9.3.2 lets the client resend it).
                probing = false;
                Request.addCompletionListener(request, failure -> endPoint.close());
            }
            return null;
        } catch (IOException e) {
            return e;
        }
    }
}

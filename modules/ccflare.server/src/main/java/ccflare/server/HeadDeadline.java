package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for a new connection's first request head, on both connectors: a connection that has
 * not delivered a complete request head {@link #DEFAULT} after it was accepted is closed.
 *
 * <p>Jetty's idle timeout restarts at every byte, so a client sending one header byte every few
 * seconds (slowloris), or connecting and saying nothing, kept its connection, and a selector
 * slot and buffers, for as long as it liked: the connectors' idle timeout must stay longer than
 * the proxy's own first-byte timeout (minutes) so as not to cut a client waiting for a slow upstream.
 * Envoy calls this {@code request_headers_timeout}, nginx {@code client_header_timeout}.
 *
 * <p>How it knows: this handler is the outermost one, so it sees every request whose head was
 * parsed, and remembers its connection until the connection closes; a connection not remembered
 * when its deadline fires is closed. Later requests on a kept-alive connection are left to the
 * idle timeout. Connections that are no longer the endpoint's (upgraded to HTTP/2 or WebSocket)
 * are left alone.
 */
final class HeadDeadline extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(HeadDeadline.class);

    /** Generous for a client on this machine; what a stalled or hostile one gets. */
    static final Duration DEFAULT = Duration.ofSeconds(10);

    private final Scheduler scheduler;
    private final long deadlineMs;
    private final Set<Connection> delivered = ConcurrentHashMap.newKeySet();

    HeadDeadline(Handler next, Scheduler scheduler, Duration deadline) {
        super(requireNonNull(next, "next"));
        this.scheduler = requireNonNull(scheduler, "scheduler");
        if (deadline.isNegative() || deadline.isZero()) throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
        this.deadlineMs = deadline.toMillis();
    }

    @Override
    public InvocationType getInvocationType() {
        Handler next = getHandler();
        return next == null ? InvocationType.NON_BLOCKING : next.getInvocationType();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connection connection = request.getConnectionMetaData().getConnection();
        if (connection != null) delivered.add(connection);
        return super.handle(request, response, callback);
    }

    /**
     * What to add to each connector ({@code addEventListener}): arms the deadline of every new
     * connection. A plain listener, not this handler, so that the connector does not also manage
     * the handler's lifecycle.
     */
    Connection.Listener connectionListener() {
        return new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                scheduler.schedule(() -> expire(connection), deadlineMs, TimeUnit.MILLISECONDS);
            }

            @Override
            public void onClosed(Connection connection) {
                delivered.remove(connection);
            }
        };
    }

    private void expire(Connection connection) {
        if (delivered.contains(connection)) return;
        var endPoint = connection.getEndPoint();
        if (!endPoint.isOpen() || endPoint.getConnection() != connection) return;
        LOG.debug("Closing a connection from {}: no complete request head within {} ms", endPoint.getRemoteSocketAddress(), deadlineMs);
        endPoint.close();
    }
}

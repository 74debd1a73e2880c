package ccflare.proxy;

import org.eclipse.jetty.client.Connection;
import org.eclipse.jetty.client.ConnectionPool;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.MultiplexConnectionPool;

/**
 * The upstream connection pool of one destination: Jetty's own (the one its dynamic transport
 * makes, so HTTP/2 connections still multiplex), keeping at most {@code maxIdle} idle HTTP/1.1
 * connections. A connection released while that many are idle already is closed instead of
 * pooled.
 *
 * <p>Over HTTP/1.1 every concurrent stream holds a connection of its own, so a burst of 2,000
 * streams opens 2,000 upstream connections; without a cap all of them stayed open, idle, until
 * the idle timeout (60 s): 2,000 sockets and their Jetty objects on both ends, which the next
 * burst found still open (the bench's 500-stream scenario saw 2,001 upstream connections). nginx
 * keeps its {@code keepalive} count of idle upstream connections the same way and closes the
 * rest. HTTP/2 connections are never closed here: one carries many streams, and releasing one
 * stream does not make it idle.
 */
final class IdleCappedPool extends MultiplexConnectionPool {

    private final int maxIdle;

    /**
     * @param maxConnections the most connections to the destination, in use and idle
     * @param maxIdle        the most idle HTTP/1.1 connections kept for reuse; at least 0
     */
    IdleCappedPool(Destination destination, int maxConnections, int maxIdle) {
        if (maxIdle < 0) throw new IllegalArgumentException("maxIdle must be >= 0, was " + maxIdle);
        super(destination, maxConnections, 1);
        this.maxIdle = maxIdle;
    }

    /** Jetty's pool factory for the client transport. */
    static ConnectionPool.Factory factory(int maxIdle) {
        return destination -> new IdleCappedPool(destination,
                destination.getHttpClient().getMaxConnectionsPerDestination(), maxIdle);
    }

    /**
     * Pools the connection for reuse, or (false) removes it so that the destination closes it:
     * when it is an HTTP/1.1 connection and {@code maxIdle} are idle already.
     */
    @Override
    public boolean release(Connection connection) {
        if (keepsIdle(connection instanceof ConnectionPool.MaxMultiplexable, getIdleConnectionCount(), maxIdle)) {
            return super.release(connection);
        }
        remove(connection);
        return false;
    }

    /** The decision: whether a released connection goes back to the pool. */
    static boolean keepsIdle(boolean multiplexed, int idleNow, int maxIdle) {
        return multiplexed || idleNow < maxIdle;
    }
}

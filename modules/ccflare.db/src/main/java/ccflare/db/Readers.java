package ccflare.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

/**
 * Read connections, separate from the writer's, kept in a tiny pool. Each read runs in one short
 * deferred transaction: a snapshot that is released at once, so readers never hold the WAL back
 * from a checkpoint for longer than a query.
 *
 * <p>Reads run on the caller's thread. SQLite is native code, so a virtual thread inside a query
 * pins its carrier; the number of concurrent reads is therefore capped at half the processors
 * (at least one), leaving carriers for the proxy while the dashboard runs long analytics.
 * Waiting for a permit does not pin.
 */
final class Readers implements AutoCloseable {
    private static final int CONCURRENT = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private final Path file;
    private final DataSource source;
    /** Fair: a checkpoint waiting for every permit ({@link #paused}) goes before reads that arrive after it. */
    private final Semaphore permits = new Semaphore(CONCURRENT, true);
    private final ArrayBlockingQueue<Connection> idle = new ArrayBlockingQueue<>(CONCURRENT);
    private volatile boolean closed;

    Readers(Path file, DataSource source) {
        this.file = file;
        this.source = source;
    }

    /** Runs {@code work} in a read transaction. @param what names the operation in an error message */
    <T> T read(String what, SqlWork<T> work) {
        if (closed) throw new StorageException(file + ": " + what + " failed: the database is closed", null);
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(file + ": " + what + " was interrupted", e);
        }
        try {
            return readWithPermit(what, work);
        } finally {
            permits.release();
        }
    }

    /**
     * Runs {@code work} while no read of this pool is running: waits up to {@code within} for the
     * reads in progress to end, and holds back those that arrive meanwhile (the permits are fair).
     * The writer's checkpoint uses it: SQLite cannot reset a WAL that overlapping readers keep using,
     * however briefly each one reads.
     *
     * @return false when the reads in progress did not end within {@code within}; {@code work} did not run
     */
    boolean paused(Duration within, SqlWork<?> work, Connection connection) throws SQLException {
        boolean got;
        try {
            got = permits.tryAcquire(CONCURRENT, within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!got) return false;
        try {
            work.run(connection);
            return true;
        } finally {
            permits.release(CONCURRENT);
        }
    }

    private <T> T readWithPermit(String what, SqlWork<T> work) {
        Connection c = null;
        boolean reusable = false;
        try {
            c = idle.poll();
            if (c == null) c = source.getConnection();
            T result = SqlWork.snapshot(c, work);
            reusable = true;
            return result;
        } catch (SQLException e) {
            throw new StorageException(file + ": " + what + " failed: " + e.getMessage(), e);
        } finally {
            if (c != null && !(reusable && !closed && idle.offer(c))) closeQuietly(c);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Connection c; (c = idle.poll()) != null; ) closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // Closing a read connection cannot lose data.
        }
    }
}

package ccflare.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;

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
    private final Semaphore permits = new Semaphore(CONCURRENT);
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

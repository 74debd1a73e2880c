package ccflare.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;

import javax.sql.DataSource;

/**
 * Read connections, separate from the writer's, kept in a tiny pool. Each read runs in one short
 * deferred transaction: a snapshot that is released at once, so readers never hold the WAL back
 * from a checkpoint for longer than a query.
 */
final class Readers implements AutoCloseable {
    private static final int IDLE = 2;

    private final Path file;
    private final DataSource source;
    private final ArrayBlockingQueue<Connection> idle = new ArrayBlockingQueue<>(IDLE);
    private volatile boolean closed;

    Readers(Path file, DataSource source) {
        this.file = file;
        this.source = source;
    }

    /** Runs {@code work} in a read transaction. @param what names the operation in an error message */
    <T> T read(String what, SqlWork<T> work) {
        if (closed) throw new StorageException(file + ": " + what + " failed: the database is closed", null);
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

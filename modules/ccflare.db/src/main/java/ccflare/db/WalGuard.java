package ccflare.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the WAL small under sustained writes with dashboard readers active (reliability plan E4).
 *
 * <p>SQLite's automatic checkpoint is PASSIVE: it copies what no reader still needs and never
 * resets the log while some reader uses it, so with analytics queries overlapping the WAL grew to
 * 89 MB in a few seconds of the test, 33 MB a minute in the probe of the image. So the writer
 * thread, after each batch, looks at the file's size and past {@link #CHECKPOINT_BYTES} runs a
 * {@code wal_checkpoint(TRUNCATE)} while the daemon's own reads are paused ({@link Readers#paused}):
 * it waits up to {@link #WAIT_MS} for the queries in progress (one each, short) and holds back new
 * ones for the few milliseconds of the checkpoint. Without that pause the checkpoint starves: a
 * new reader shares the read slot of the one before it, so the slot is never free (SQLite's own
 * {@code checkpoint_starvation} test). When the writer falls idle the rest is truncated too, so
 * nothing is left behind after a burst. A checkpoint still blocked (by a long query, or by a
 * reader outside the daemon such as a {@code sqlite3} shell holding a transaction) is retried
 * after {@link #RETRY_AFTER_MS}, not at every batch. The connection's {@code journal_size_limit}
 * caps what a reset WAL keeps on disk.
 *
 * <p>Writer thread only.
 */
final class WalGuard {
    private static final Logger LOG = LoggerFactory.getLogger(WalGuard.class);

    /** The bound the plan sets (E4 fast: 4 MiB), also the file size a reset WAL is cut back to. */
    static final long LIMIT_BYTES = 4L * 1024 * 1024;
    /** Half the bound: a checkpoint started here finishes before one more batch crosses the bound. */
    static final long CHECKPOINT_BYTES = LIMIT_BYTES / 2;
    /** When idle, a smaller WAL is worth truncating: nothing waits for the writer then. */
    static final long IDLE_CHECKPOINT_BYTES = 256 * 1024;
    static final int WAIT_MS = 1000;
    static final int OUTSIDE_WAIT_MS = 200;
    static final long RETRY_AFTER_MS = 2000;

    private final Path wal;
    private final int busyTimeoutMs;
    private final Readers readers;
    private long blockedAtNanos;
    private boolean blocked;
    private volatile long checkpoints;

    WalGuard(Path dbFile, int busyTimeoutMs, Readers readers) {
        this.wal = dbFile.resolveSibling(dbFile.getFileName() + "-wal");
        this.busyTimeoutMs = busyTimeoutMs;
        this.readers = readers;
    }

    /** Sets the connection's {@code journal_size_limit}; once, on the writer's connection. */
    static void limit(Connection connection) throws SQLException {
        SqlWork.execute(connection, "PRAGMA journal_size_limit = " + LIMIT_BYTES);
    }

    /**
     * Whether to checkpoint now: past the threshold (a lower one when idle), unless the last attempt
     * was blocked by a reader less than {@link #RETRY_AFTER_MS} ago.
     */
    static boolean due(long walBytes, boolean idle, boolean lastBlocked, long msSinceBlocked) {
        if (walBytes < (idle ? IDLE_CHECKPOINT_BYTES : CHECKPOINT_BYTES)) return false;
        return !lastBlocked || msSinceBlocked >= RETRY_AFTER_MS;
    }

    /** After a batch ({@code idle} false) or when the writer has nothing left to do ({@code idle} true). */
    void check(Connection connection, boolean idle) {
        long bytes = walBytes();
        long since = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - blockedAtNanos);
        if (!due(bytes, idle, blocked, since)) return;
        try {
            boolean[] truncated = {false};
            boolean ran = readers.paused(Duration.ofMillis(WAIT_MS), c -> {
                // Short: only readers outside the daemon can hold it now.
                SqlWork.execute(c, "PRAGMA busy_timeout = " + OUTSIDE_WAIT_MS);
                try {
                    truncated[0] = SqlWork.truncateWal(c);
                } finally {
                    SqlWork.execute(c, "PRAGMA busy_timeout = " + busyTimeoutMs);
                }
                return null;
            }, connection);
            blocked = !(ran && truncated[0]);
        } catch (SQLException e) {
            // SQLITE_BUSY from a reader holding its snapshot past the wait; anything else shows in the next write.
            blocked = true;
            LOG.debug("Checkpoint of {} ({} bytes) failed: {}", wal, bytes, e.getMessage());
        }
        if (blocked) {
            blockedAtNanos = System.nanoTime();
            LOG.debug("Checkpoint of {} ({} bytes) was blocked by a reader; retrying in {} ms", wal, bytes, RETRY_AFTER_MS);
        } else {
            checkpoints++;
        }
    }

    /** Checkpoints that truncated the WAL since open. */
    long checkpoints() { return checkpoints; }

    private long walBytes() {
        try {
            return Files.size(wal);
        } catch (IOException e) {
            return 0; // no WAL yet (NoSuchFileException): nothing to checkpoint
        }
    }
}

package ccflare.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A unit of JDBC work on a connection the caller provides. */
@FunctionalInterface
interface SqlWork<T> {

    T run(Connection connection) throws SQLException;

    /**
     * Runs {@code work} in a {@code BEGIN IMMEDIATE} transaction, rolled back when it throws.
     * IMMEDIATE takes the write lock up front, so the busy handler applies; a deferred transaction
     * upgrading from read to write can fail with SQLITE_BUSY at once, without waiting.
     * The connection stays in auto-commit mode: sqlite-jdbc's own transaction handling begins the
     * next transaction right after a commit and would hold the write lock while idle.
     */
    static <T> T immediate(Connection connection, SqlWork<T> work) throws SQLException {
        execute(connection, "BEGIN IMMEDIATE");
        boolean committed = false;
        try {
            T result = work.run(connection);
            execute(connection, "COMMIT");
            committed = true;
            return result;
        } finally {
            if (!committed) rollbackQuietly(connection);
        }
    }

    /** Runs {@code work} in a deferred (read) transaction, so several queries see one snapshot. */
    static <T> T snapshot(Connection connection, SqlWork<T> work) throws SQLException {
        execute(connection, "BEGIN DEFERRED");
        boolean ended = false;
        try {
            T result = work.run(connection);
            execute(connection, "COMMIT");
            ended = true;
            return result;
        } finally {
            if (!ended) rollbackQuietly(connection);
        }
    }

    /**
     * {@code PRAGMA wal_checkpoint(TRUNCATE)}: copies the WAL into the main file and truncates it to
     * zero bytes, so old page images (overwritten secrets among them) no longer sit in the {@code -wal}
     * file. Returns false when a reader kept it from finishing within the busy timeout.
     */
    static boolean truncateWal(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            return !rs.next() || rs.getInt(1) == 0;
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            execute(connection, "ROLLBACK");
        } catch (SQLException ignored) {
            // No transaction left to roll back: SQLite ends it by itself on some errors (e.g. SQLITE_FULL).
        }
    }
}

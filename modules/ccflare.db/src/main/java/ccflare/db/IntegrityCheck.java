package ccflare.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The check of an existing database file before anything else opens it: {@code PRAGMA
 * quick_check(1)} (every page and b-tree of the file, without the index-content cross-check of a
 * full {@code integrity_check}), bounded in time.
 *
 * <p>A damaged file is refused with one sentence naming the problem and the recovery command; the
 * file is not changed. A check that runs out of its budget (a file of several GB) is reported as
 * skipped, never as corruption: start-up must not wait minutes, and a timeout says nothing about
 * the file (reliability plan §2.1, E6).
 */
final class IntegrityCheck {
    private static final Logger LOG = LoggerFactory.getLogger(IntegrityCheck.class);

    /** About 300 MB of database on this machine's disk cache; past that the check is skipped. */
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(2);
    /** Virtual-machine steps between two looks at the clock. */
    private static final int STEPS_PER_LOOK = 10_000;

    private IntegrityCheck() {}

    /**
     * @return {@code "ok"}, or {@code "skipped: …"} when the budget ran out first
     * @throws StorageException with one sentence when the file is corrupt, not a database, or cannot be read
     */
    static String atOpen(Path file, int busyTimeoutMs, Duration budget) {
        SQLiteDataSource plain = new SQLiteDataSource();
        plain.setUrl("jdbc:sqlite:" + file);
        plain.setBusyTimeout(busyTimeoutMs);
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        try (Connection c = plain.getConnection()) {
            ProgressHandler.setHandler(c, STEPS_PER_LOOK, new ProgressHandler() {
                @Override
                protected int progress() {
                    return System.nanoTime() - deadline > 0 ? 1 : 0;
                }
            });
            String first;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check(1)")) {
                first = rs.next() ? rs.getString(1) : "ok";
            } finally {
                ProgressHandler.clearHandler(c);
            }
            if (!"ok".equals(first)) throw corrupt(file, "quick_check: " + flat(first), null);
            LOG.debug("quick_check of {}: ok in {} ms", file, (System.nanoTime() - started) / 1_000_000);
            return "ok";
        } catch (SQLiteException e) {
            SQLiteErrorCode code = e.getResultCode();
            if (code == SQLiteErrorCode.SQLITE_INTERRUPT) {
                String skipped = "skipped: quick_check did not finish within " + budget.toMillis() + " ms";
                LOG.warn("Integrity check of {} {} (a large file); run `ccflarectl analyze` for a full check",
                        file, skipped.substring("skipped: ".length()));
                return skipped;
            }
            if (code == SQLiteErrorCode.SQLITE_NOTADB) {
                throw new StorageException(file + ": is not a database file, or its header is damaged (" + sqliteReason(e)
                        + "); the file was left as it is", e);
            }
            if (code == SQLiteErrorCode.SQLITE_CORRUPT) throw corrupt(file, sqliteReason(e), e);
            throw new StorageException(file + ": cannot read the database to check it: " + sqliteReason(e), e);
        } catch (SQLException e) {
            throw new StorageException(file + ": cannot read the database to check it: " + flat(e.getMessage()), e);
        }
    }

    private static StorageException corrupt(Path file, String what, Throwable cause) {
        return new StorageException(file + ": the database is corrupt (" + what + "); the file was left as it is: restore a backup,"
                + " or copy what is readable with `sqlite3 " + file + " .recover | sqlite3 recovered.db`", cause);
    }

    /** sqlite-jdbc's message is "[CODE] generic text (specific text)": the specific part, one line. */
    private static String sqliteReason(SQLiteException e) {
        String m = flat(e.getMessage());
        int open = m.lastIndexOf('(');
        return open >= 0 && m.endsWith(")") ? m.substring(open + 1, m.length() - 1) + " (quick_check)" : m;
    }

    private static String flat(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}

package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * An original ccflare or better-ccflare database, opened to be read and never changed. The file
 * is opened read-only ({@code mode=ro}; {@code immutable=1} when it is in WAL mode with no WAL
 * beside it, so not even a {@code -shm} file is created); when the original holds a lock that
 * keeps readers out, the file (and its WAL) is copied to a private temporary directory and the
 * copy is read. The file is checked ({@code PRAGMA quick_check}) before anything is read from it.
 */
final class OriginalDatabase implements AutoCloseable {

    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final int BUSY_TIMEOUT_MS = 1000;

    private final Path file;
    private final Connection connection;
    private final Path copyDir;
    private final OriginalSchema schema;
    private final Set<String> tables;
    private final Set<String> accountColumns;
    private final Set<String> requestColumns;

    private OriginalDatabase(Path file, Connection connection, Path copyDir) throws SQLException {
        this.file = file;
        this.connection = connection;
        this.copyDir = copyDir;
        this.tables = names(connection, "SELECT name FROM sqlite_schema WHERE type = 'table'");
        this.accountColumns = tables.contains("accounts") ? columns(connection, "accounts") : Set.of();
        this.requestColumns = tables.contains("requests") ? columns(connection, "requests") : Set.of();
        this.schema = OriginalSchema.recognise(tables, accountColumns);
    }

    /**
     * Opens {@code file} for reading.
     *
     * @throws IllegalArgumentException naming the file and the problem: missing, not a file, not an
     *         SQLite database, corrupt, not a ccflare/better-ccflare database, unreadable
     */
    static OriginalDatabase open(Path file) {
        requireNonNull(file, "file");
        Path f = file.toAbsolutePath().normalize();
        if (Files.isDirectory(f)) throw bad(f, "is a directory, not a database file");
        if (!Files.exists(f)) throw bad(f, "no such file");
        byte[] header = header(f);
        if (header.length < SQLITE_HEADER.length || !Arrays.equals(header, 0, SQLITE_HEADER.length, SQLITE_HEADER, 0, SQLITE_HEADER.length)) {
            throw bad(f, "not an SQLite database (its first bytes are not the SQLite header)");
        }
        boolean walMode = header.length > 19 && header[18] == 2 && header[19] == 2;
        boolean walPresent = Files.exists(f.resolveSibling(f.getFileName() + "-wal"));
        try {
            return checked(f, connect(f, walMode && !walPresent), null);
        } catch (SQLException e) {
            if (!isLocked(e)) throw bad(f, describe(e));
        }
        // The original holds a lock that keeps readers out: read a copy instead.
        Path dir = null;
        try {
            dir = Files.createTempDirectory("ccflare-import-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Path copy = dir.resolve(f.getFileName());
            Files.copy(f, copy, StandardCopyOption.COPY_ATTRIBUTES);
            Path wal = f.resolveSibling(f.getFileName() + "-wal");
            if (Files.exists(wal)) Files.copy(wal, dir.resolve(copy.getFileName() + "-wal"));
            SQLiteDataSource source = new SQLiteDataSource(config(false));
            source.setUrl("jdbc:sqlite:" + copy);
            return checked(f, source.getConnection(), dir);
        } catch (IOException e) {
            deleteQuietly(dir);
            throw bad(f, "it is locked by another process and could not be copied: " + e.getMessage());
        } catch (SQLException e) {
            deleteQuietly(dir);
            throw bad(f, "it is locked by another process, and its copy cannot be read (" + describe(e)
                    + "); stop the original and try again");
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    private static OriginalDatabase checked(Path f, Connection c, Path copyDir) throws SQLException {
        try {
            List<String> problems = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check(5)")) {
                while (rs.next()) problems.add(rs.getString(1));
            }
            if (!problems.equals(List.of("ok"))) {
                throw bad(f, "the database is corrupt (integrity check: " + String.join("; ", problems) + ")");
            }
            return new OriginalDatabase(f, c, copyDir);
        } catch (SQLException | RuntimeException e) {
            try { c.close(); } catch (SQLException ignored) { /* already failing */ }
            throw e;
        }
    }

    private static Connection connect(Path f, boolean immutable) throws SQLException {
        SQLiteDataSource source = new SQLiteDataSource(config(true));
        source.setUrl("jdbc:sqlite:file:" + f.toUri().getRawPath() + "?mode=ro" + (immutable ? "&immutable=1" : ""));
        return source.getConnection();
    }

    private static SQLiteConfig config(boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(readOnly);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
        return config;
    }

    /** The file given to {@link #open}, absolute. */
    Path file() { return file; }

    OriginalSchema schema() { return schema; }

    /** Whether a copy was read because the file was locked. */
    boolean readFromCopy() { return copyDir != null; }

    Connection connection() { return connection; }

    boolean hasTable(String table) { return tables.contains(table); }

    Set<String> requestColumns() { return requestColumns; }

    /** Every account row, oldest first. */
    List<OriginalAccount> accounts() {
        String order = accountColumns.contains("created_at") ? " ORDER BY created_at, id" : "";
        List<OriginalAccount> out = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM accounts" + order)) {
            while (rs.next()) {
                String endpoint = text(rs, "custom_endpoint");
                if (endpoint == null || endpoint.isBlank()) endpoint = text(rs, "base_url");
                out.add(new OriginalAccount(text(rs, "id"), text(rs, "name"), text(rs, "provider"), text(rs, "api_key"),
                        text(rs, "access_token"), text(rs, "refresh_token"), number(rs, "expires_at"),
                        number(rs, "created_at"), number(rs, "last_used"), number(rs, "request_count"),
                        number(rs, "total_requests"), (int) number(rs, "priority"), number(rs, "paused") != 0,
                        (int) number(rs, "account_tier"), endpoint));
            }
        } catch (SQLException e) {
            throw bad(file, "its accounts cannot be read: " + describe(e));
        }
        return out;
    }

    /** Rows in {@code table}, 0 when it does not exist. */
    long count(String table) {
        if (!tables.contains(table)) return 0;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw bad(file, "its " + table + " cannot be read: " + describe(e));
        }
    }

    /** Closes the connection and removes the copy, if one was made. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // read-only: nothing to lose
        }
        deleteQuietly(copyDir);
    }

    static IllegalArgumentException bad(Path f, String problem) {
        return new IllegalArgumentException(f + ": " + problem);
    }

    private String text(ResultSet rs, String column) throws SQLException {
        return accountColumns.contains(column) ? rs.getString(column) : null;
    }

    private long number(ResultSet rs, String column) throws SQLException {
        if (!accountColumns.contains(column)) return 0;
        long v = rs.getLong(column);
        return rs.wasNull() ? 0 : v;
    }

    private static Set<String> names(Connection c, String sql) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static byte[] header(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            return in.readNBytes(100);
        } catch (IOException e) {
            throw bad(f, "cannot be read: " + e.getMessage());
        }
    }

    private static boolean isLocked(SQLException e) {
        if (!(e instanceof SQLiteException se)) return false;
        int code = se.getResultCode().code & 0xff;
        return code == SQLiteErrorCode.SQLITE_BUSY.code || code == SQLiteErrorCode.SQLITE_LOCKED.code;
    }

    private static String describe(SQLException e) {
        if (e instanceof SQLiteException se) {
            int code = se.getResultCode().code & 0xff;
            if (code == SQLiteErrorCode.SQLITE_NOTADB.code) return "not an SQLite database (file is not a database)";
            if (code == SQLiteErrorCode.SQLITE_CORRUPT.code) return "the database is corrupt (" + se.getMessage() + ")";
            if (code == SQLiteErrorCode.SQLITE_CANTOPEN.code) return "cannot be opened (" + se.getMessage() + ")";
        }
        return String.valueOf(e.getMessage());
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            });
        } catch (IOException ignored) {
            // nothing to remove
        }
    }
}

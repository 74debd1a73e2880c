package ccflare.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import javax.sql.DataSource;

/**
 * The copy of a database taken before a migration changes its schema: {@code VACUUM INTO} a new
 * file beside it, {@code <name>.v<schema version>.<UTC time>.bak}, readable by the owner only. It
 * runs while the database is being opened, before the writer thread starts, so nothing of this
 * daemon writes meanwhile; SQLite's read transaction makes it a consistent snapshot anyway.
 * Restoring is copying it back over the (stopped) daemon's file (docs/deployment.md).
 */
final class SchemaBackup {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private SchemaBackup() {}

    /** The backup's file name for a schema at {@code version}, taken at {@code clock}'s now. */
    static Path target(Path file, String version, InstantSource clock) {
        return file.resolveSibling(file.getFileName() + ".v" + version + "." + STAMP.format(clock.instant()) + ".bak");
    }

    /**
     * Writes the copy and returns its path.
     *
     * @throws StorageException naming the file when the copy cannot be written (the migration does not run then)
     */
    static Path take(Path file, DataSource source, String version, InstantSource clock) {
        Path copy = target(file, version, clock);
        if (Files.exists(copy)) {
            throw new StorageException(file + ": cannot back the database up before upgrading its schema: " + copy + " already exists", null);
        }
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("VACUUM INTO '" + copy.toString().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new StorageException(file + ": cannot back the database up before upgrading its schema to " + copy + ": " + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new StorageException(file + ": cannot make the backup " + copy + " readable by its owner only: " + e.getMessage(), e);
        }
        return copy;
    }
}

package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database's schema up to date with the bundled migrations.
 *
 * <p>Flyway is the authority, but starting it (its configuration, plugin registry, resolvers and
 * validation: several hundred classes) took about a third of the daemon's start-up, on every
 * start, to find nothing to do. So the history table is read first with plain JDBC: when it lists
 * exactly the bundled migrations, in order, all successful, with the descriptions, script names
 * and checksums Flyway would record for them, there is nothing to do and Flyway is not started.
 * Anything else (no history table, a failed or missing row, an unknown or newer version, another
 * checksum, an unreadable table) runs Flyway exactly as before, which migrates or refuses with
 * its own message.
 *
 * <p>Two cases are decided here rather than left to Flyway: a history that is an exact prefix of
 * the bundled migrations (an upgrade: the schema will change) gets a backup copy of the file
 * first ({@link SchemaBackup}), and a history that records a version newer than every bundled one
 * (a downgrade) is refused with one sentence instead of Flyway's multi-line validation report.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    /** What the history table says about the schema. */
    sealed interface Check {
        /** Every bundled migration is applied and nothing else: Flyway has nothing to do. */
        record Current() implements Check {}

        /** Flyway must look: {@code reason} says why (for the debug log and the tests). */
        record Stale(String reason) implements Check {}

        /**
         * The history is exactly the first bundled migrations, all successful: an older version's
         * schema, which the {@code pending} migrations change (a backup is taken first).
         *
         * @param applied the version the schema is at now
         */
        record Pending(String applied, List<String> pending) implements Check {
            public Pending {
                requireNonNull(applied, "applied");
                pending = List.copyOf(pending);
                if (pending.isEmpty()) throw new IllegalArgumentException("pending: empty (expected: at least one migration)");
            }
        }

        /** The history records {@code applied}, newer than {@code known}, the last bundled version: a downgrade. */
        record Newer(String applied, String known) implements Check {}
    }

    /**
     * One bundled migration as Flyway records it in its history table.
     *
     * @param checksum Flyway's checksum of a SQL script: CRC-32 over its lines in UTF-8, without line
     *                 terminators and without a leading byte-order mark
     */
    record Bundled(String version, String description, String script, int checksum) {}

    private static volatile List<Bundled> bundled;

    private Migrations() {}

    /**
     * Leaves a current schema alone, otherwise runs Flyway's migrate (which also refuses a file
     * migrated by a newer version).
     *
     * @throws StorageException when Flyway fails or refuses
     */
    static void bringUpToDate(Path file, DataSource source, InstantSource clock) {
        Check check;
        try (Connection c = source.getConnection()) {
            check = check(c);
        } catch (SQLException e) {
            check = new Check.Stale("cannot read the history: " + e.getMessage());
        }
        switch (check) {
            case Check.Current() -> LOG.debug("Schema of {} is current; Flyway not needed", file);
            case Check.Newer n -> throw new NewerSchemaException(refusal(file, n));
            case Check.Pending(String applied, List<String> pending) -> {
                Path copy = SchemaBackup.take(file, source, applied, clock);
                LOG.info("Upgrading the schema of {} from version {} (migrations {}); a copy of the database as it was is in {}",
                        file, applied, String.join(", ", pending), copy);
                migrate(file, source);
            }
            case Check.Stale(String reason) -> {
                LOG.debug("Running Flyway on {}: {}", file, reason);
                migrate(file, source);
            }
        }
    }

    /** The one sentence a downgrade gets. */
    static String refusal(Path file, Check.Newer n) {
        return file + ": the database schema is at version " + n.applied() + ", newer than this ccflare knows (" + n.known()
                + "), so a newer ccflare wrote it; run that version again, or restore the copy of the database taken before it upgraded the schema ("
                + file.getFileName() + ".v" + n.known() + ".*.bak beside it).";
    }

    /** Compares Flyway's history table on {@code c} with the bundled migrations; never writes. */
    static Check check(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'flyway_schema_history'")) {
            if (!rs.next() || rs.getInt(1) != 1) return new Check.Stale("no history table");
        }
        List<Bundled> expected = bundled();
        int i = 0;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description, type, script, checksum, success"
                     + " FROM flyway_schema_history ORDER BY installed_rank")) {
            while (rs.next()) {
                if (i >= expected.size()) {
                    String applied = rs.getString(1);
                    String known = expected.getLast().version();
                    if (applied != null && compareVersions(applied, known) > 0) {
                        String newest = applied;
                        while (rs.next()) {
                            String v = rs.getString(1);
                            if (v != null && compareVersions(v, newest) > 0) newest = v;
                        }
                        return new Check.Newer(newest, known);
                    }
                    return new Check.Stale("applied " + applied + " is not bundled");
                }
                Bundled b = expected.get(i++);
                int checksum = rs.getInt(5);
                boolean noChecksum = rs.wasNull();
                if (!b.version().equals(rs.getString(1))
                        || !b.description().equals(rs.getString(2))
                        || !"SQL".equals(rs.getString(3))
                        || !b.script().equals(rs.getString(4))) {
                    return new Check.Stale("row " + i + " is not " + b.script());
                }
                if (noChecksum || checksum != b.checksum()) return new Check.Stale("checksum of " + b.script() + " differs");
                if (!rs.getBoolean(6)) return new Check.Stale(b.script() + " failed");
            }
        }
        if (i == 0) return new Check.Stale("the history is empty");
        if (i < expected.size()) {
            List<String> pending = new ArrayList<>();
            for (Bundled b : expected.subList(i, expected.size())) pending.add(b.script());
            return new Check.Pending(expected.get(i - 1).version(), pending);
        }
        return new Check.Current();
    }

    /**
     * Flyway's version order: dot-separated numbers compared part by part, a missing part as 0.
     * Parts that are not numbers compare as text.
     */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int k = 0; k < Math.max(x.length, y.length); k++) {
            String p = k < x.length ? x[k] : "0";
            String q = k < y.length ? y[k] : "0";
            int c;
            try {
                c = new java.math.BigInteger(p).compareTo(new java.math.BigInteger(q));
            } catch (NumberFormatException e) {
                c = p.compareTo(q);
            }
            if (c != 0) return c;
        }
        return 0;
    }

    /** The bundled migrations, read and checksummed once per process. */
    static List<Bundled> bundled() {
        List<Bundled> list = bundled;
        if (list == null) {
            List<Bundled> made = new ArrayList<>(ModuleResourceProvider.MIGRATIONS.size());
            for (String name : ModuleResourceProvider.MIGRATIONS) made.add(describe(name));
            bundled = list = List.copyOf(made);
        }
        return list;
    }

    /** Flyway's naming: {@code V<version>__<description>.sql}, underscores in the description read as spaces. */
    private static Bundled describe(String script) {
        int sep = script.indexOf("__");
        if (!script.startsWith("V") || sep < 2 || !script.endsWith(".sql")) {
            throw new IllegalStateException("migration " + script + " is not named V<version>__<description>.sql");
        }
        String version = script.substring(1, sep).replace('_', '.');
        String description = script.substring(sep + 2, script.length() - ".sql".length()).replace('_', ' ');
        return new Bundled(version, description, script, checksum(script));
    }

    private static int checksum(String script) {
        CRC32 crc = new CRC32();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(ModuleResourceProvider.open(script), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            if (line != null && line.startsWith("\uFEFF")) line = line.substring(1);
            for (; line != null; line = r.readLine()) crc.update(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return (int) crc.getValue();
    }

    private static void migrate(Path file, DataSource source) {
        try {
            Flyway.configure(Flyway.class.getClassLoader())
                    .dataSource(source)
                    .loggers("slf4j")
                    .failOnMissingLocations(true)
                    // Refuse a file migrated by a newer version (Flyway ignores "future" migrations
                    // by default): older code writing into a newer schema can corrupt its meaning.
                    .ignoreMigrationPatterns(new String[0])
                    .resourceProvider(new ModuleResourceProvider(ModuleResourceProvider.MIGRATIONS))
                    .javaMigrationClassProvider(List::of)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StorageException(file + ": cannot bring the database schema up to date: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == t ? msg : t.getMessage() + " (" + msg + ")";
    }
}

package ccflare.db;

import static ccflare.db.Fixtures.count;
import static ccflare.db.Fixtures.open;
import static ccflare.db.Fixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {

    @TempDir Path dir;

    @Test
    void aFreshlyMigratedDatabaseIsCurrentSoFlywayIsNotStartedAgain() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        try (Connection c = raw(file)) {
            assertThat(Migrations.check(c)).isEqualTo(new Migrations.Check.Current());
        }
    }

    @Test
    void theBundledChecksumsAreTheOnesFlywayRecorded() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        try (Connection c = raw(file); var s = c.createStatement();
             var rs = s.executeQuery("SELECT version, description, script, checksum FROM flyway_schema_history ORDER BY installed_rank")) {
            for (Migrations.Bundled b : Migrations.bundled()) {
                assertThat(rs.next()).isTrue();
                assertThat(new Migrations.Bundled(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4))).isEqualTo(b);
            }
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void aDatabaseWithoutHistoryIsStale() throws Exception {
        try (Connection c = raw(dir.resolve("empty.db"))) {
            assertThat(Migrations.check(c)).isEqualTo(new Migrations.Check.Stale("no history table"));
        }
    }

    @Test
    void aTamperedChecksumIsLeftToFlywayWhichRefusesAsBefore() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        execute(file, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
        try (Connection c = raw(file)) {
            assertThat(Migrations.check(c)).isEqualTo(new Migrations.Check.Stale("checksum of V1__init.sql differs"));
        }
        assertThatThrownBy(() -> open(file))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith(file + ": cannot bring the database schema up to date")
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void aHistoryThatIsAPrefixOfTheBundledOnesIsAnUpgradeWhichIsBackedUpFirst() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        int last = ModuleResourceProvider.MIGRATIONS.size();
        execute(file, "DELETE FROM flyway_schema_history WHERE installed_rank = " + last);
        // As if the last migration (V4) had never run: its column goes too, so Flyway can apply it again.
        execute(file, "ALTER TABLE requests DROP COLUMN translation");
        execute(file, "INSERT INTO requests (id, timestamp, method, path, status_code, success, outcome)"
                + " VALUES ('before', 1, 'POST', '/v1/messages', 200, 1, 'ok')");
        execute(file, "CREATE TABLE marker (v TEXT)");
        execute(file, "INSERT INTO marker VALUES ('before the upgrade')");
        Migrations.Bundled lastBundled = Migrations.bundled().getLast();
        String applied = Migrations.bundled().get(last - 2).version();
        try (Connection c = raw(file)) {
            assertThat(Migrations.check(c)).isEqualTo(new Migrations.Check.Pending(applied, List.of(lastBundled.script())));
        }
        open(file).close();
        assertThat(count(file, "SELECT count(*) FROM flyway_schema_history WHERE success = 1")).isEqualTo(last);
        try (Connection c = raw(file)) {
            assertThat(Migrations.check(c)).isEqualTo(new Migrations.Check.Current());
        }
        // A row written before the upgrade ran no translation: the new column is NULL for it.
        assertThat(count(file, "SELECT count(*) FROM requests WHERE id = 'before' AND translation IS NULL")).isEqualTo(1);
        List<Path> backups;
        try (var files = Files.list(dir)) {
            backups = files.filter(p -> p.getFileName().toString().endsWith(".bak")).toList();
        }
        assertThat(backups).containsExactly(SchemaBackup.target(file, applied, Fixtures.CLOCK));
        Path backup = backups.getFirst();
        assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(count(backup, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(last - 1);
        assertThat(count(backup, "SELECT count(*) FROM marker WHERE v = 'before the upgrade'")).isEqualTo(1);
    }

    @Test
    void aSecondOpenOfACurrentDatabaseTakesNoBackup() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        open(file).close();
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".bak"))).isEmpty();
        }
    }

    @Test
    void anExistingBackupOfTheSameNameIsNotOverwrittenAndTheMigrationDoesNotRun() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        int last = ModuleResourceProvider.MIGRATIONS.size();
        execute(file, "DELETE FROM flyway_schema_history WHERE installed_rank = " + last);
        String applied = Migrations.bundled().get(last - 2).version();
        Path taken = SchemaBackup.target(file, applied, Fixtures.CLOCK);
        Files.writeString(taken, "an earlier backup");
        assertThatThrownBy(() -> open(file))
                .isInstanceOf(StorageException.class)
                .hasMessage(file + ": cannot back the database up before upgrading its schema: " + taken + " already exists");
        assertThat(Files.readString(taken)).isEqualTo("an earlier backup");
        assertThat(count(file, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(last - 1);
    }

    @Test
    void versionsCompareAsFlywayOrdersThem() {
        assertThat(Migrations.compareVersions("10", "9")).isPositive();
        assertThat(Migrations.compareVersions("2.1", "2")).isPositive();
        assertThat(Migrations.compareVersions("2.0", "2")).isZero();
        assertThat(Migrations.compareVersions("1", "2")).isNegative();
    }

    @Test
    void aFailedRowIsStale() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        execute(file, "UPDATE flyway_schema_history SET success = 0 WHERE version = '2'");
        try (Connection c = raw(file)) {
            assertThat(Migrations.check(c)).isEqualTo(new Migrations.Check.Stale("V2__fewer_request_indexes.sql failed"));
        }
    }

    @Test
    void aNewerVersionIsADowngradeRefusedInOneSentence() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        execute(file, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (99, '99', 'future', 'SQL', 'V99__future.sql', 0, 'x', 0, 1)");
        String known = Migrations.bundled().getLast().version();
        try (Connection c = raw(file)) {
            assertThat(Migrations.check(c)).isEqualTo(new Migrations.Check.Newer("99", known));
        }
        assertThatThrownBy(() -> open(file))
                .isInstanceOf(NewerSchemaException.class)
                .hasMessage(file + ": the database schema is at version 99, newer than this ccflare knows (" + known
                        + "), so a newer ccflare wrote it; run that version again, or restore the copy of the database taken"
                        + " before it upgraded the schema (ccflare.db.v" + known + ".*.bak beside it).")
                .message().doesNotContain("\n");
        assertThat(count(file, "SELECT count(*) FROM flyway_schema_history WHERE version = '99'")).isEqualTo(1);
    }

    private static void execute(Path file, String sql) throws SQLException {
        try (Connection c = raw(file); var s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

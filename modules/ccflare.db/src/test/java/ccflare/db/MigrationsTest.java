package ccflare.db;

import static ccflare.db.Fixtures.count;
import static ccflare.db.Fixtures.open;
import static ccflare.db.Fixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

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
    void aMissingRowIsLeftToFlywayWhichAppliesTheMigrationAgain() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        int last = ModuleResourceProvider.MIGRATIONS.size();
        execute(file, "DELETE FROM flyway_schema_history WHERE installed_rank = " + last);
        // As if the last migration (V3) had never run: its table and column go too, so Flyway can apply it again.
        execute(file, "DROP TABLE client_keys");
        execute(file, "ALTER TABLE requests DROP COLUMN client_key");
        try (Connection c = raw(file)) {
            assertThat(Migrations.check(c)).isInstanceOf(Migrations.Check.Stale.class);
        }
        open(file).close();
        assertThat(count(file, "SELECT count(*) FROM flyway_schema_history WHERE success = 1")).isEqualTo(last);
        try (Connection c = raw(file)) {
            assertThat(Migrations.check(c)).isEqualTo(new Migrations.Check.Current());
        }
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
    void aNewerVersionIsLeftToFlywayWhichRefusesTheFile() throws Exception {
        Path file = dir.resolve("ccflare.db");
        open(file).close();
        execute(file, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (99, '99', 'future', 'SQL', 'V99__future.sql', 0, 'x', 0, 1)");
        try (Connection c = raw(file)) {
            assertThat(Migrations.check(c)).isEqualTo(new Migrations.Check.Stale("applied 99 is not bundled"));
        }
        assertThatThrownBy(() -> open(file))
                .isInstanceOf(StorageException.class)
                .hasMessageStartingWith(file + ": cannot bring the database schema up to date")
                .hasMessageContaining("99");
    }

    private static void execute(Path file, String sql) throws SQLException {
        try (Connection c = raw(file); var s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

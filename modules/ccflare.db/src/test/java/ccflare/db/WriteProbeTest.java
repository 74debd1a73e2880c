package ccflare.db;

import static ccflare.db.Fixtures.open;
import static ccflare.db.Fixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write probe behind the daemon's health check (and so systemd's watchdog). */
class WriteProbeTest {

    @TempDir Path dir;

    @Test
    void aDatabaseAnotherProcessHoldsTheWriteLockOfIsNotWritableUntilItLetsGo() throws Exception {
        Database.Tuning quick = Database.Tuning.DEFAULT.withBusyTimeout(100, List.of(Duration.ofMillis(10)));
        Path file = dir.resolve("ccflare.db");
        try (Database db = open(file, quick); Connection other = raw(file)) {
            assertThat(db.writeProbe(Duration.ofSeconds(5))).isEmpty();

            try (var s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE"); // another process holds the write lock
            }
            assertThat(db.writeProbe(Duration.ofSeconds(5))).hasValueSatisfying(
                    why -> assertThat(why).startsWith("database not writable: ").containsIgnoringCase("locked"));

            try (var s = other.createStatement()) {
                s.execute("ROLLBACK");
            }
            assertThat(db.writeProbe(Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void aProbeTheWriterDoesNotAnswerInTimeIsReportedAndWaitedOnRatherThanQueuedAgain() throws Exception {
        Database.Tuning slow = Database.Tuning.DEFAULT.withBusyTimeout(1500, List.of(Duration.ofMillis(10)));
        Path file = dir.resolve("ccflare.db");
        try (Database db = open(file, slow); Connection other = raw(file)) {
            try (var s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
            // The writer waits out its busy timeout on the lock: the probe is late, not failed yet.
            assertThat(db.writeProbe(Duration.ofMillis(100))).hasValueSatisfying(
                    why -> assertThat(why).contains("did not take the write lock within 100 ms"));
            try (var s = other.createStatement()) {
                s.execute("ROLLBACK");
            }
            // The same probe, still waiting for the lock that is now free, answers.
            assertThat(db.writeProbe(Duration.ofSeconds(5))).isEmpty();
        }
    }

    @Test
    void aClosedDatabaseIsNotWritable() {
        Database db = open(dir.resolve("ccflare.db"), Database.Tuning.DEFAULT);
        db.close();

        assertThat(db.writeProbe(Duration.ofSeconds(1))).hasValueSatisfying(why -> assertThat(why).contains("closed"));
    }
}

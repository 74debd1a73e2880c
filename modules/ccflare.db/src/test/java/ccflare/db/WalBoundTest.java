package ccflare.db;

import static ccflare.db.Fixtures.open;
import static ccflare.db.Fixtures.raw;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ccflare.core.Usage;

/**
 * Reliability plan E4: the WAL stays under its bound while dashboard readers overlap without a
 * pause, because the writer checkpoints as soon as it passes its threshold instead of leaving it to
 * SQLite's passive automatic checkpoint (which never resets a WAL that some reader always uses).
 */
class WalBoundTest {
    /** The plan's bound for the fast variant. */
    private static final long BOUND = 4L * 1024 * 1024;

    @TempDir Path dir;

    @Test
    void walStaysUnderFourMebibytesWhileOverlappingReadersRunAndIsTruncatedAfterTheBurst() throws Exception {
        Path file = dir.resolve("ccflare.db");
        Path wal = dir.resolve("ccflare.db-wal");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong largest = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        try (Database db = open(file)) {
            List<Thread> readers = new ArrayList<>();
            // Two dashboard pollers running an aggregate over the payloads back to back through the
            // daemon's own read pool: at almost every moment some snapshot is open.
            for (int k = 0; k < 2; k++) {
                readers.add(Thread.ofPlatform().daemon().name("reader-" + k).start(() -> {
                    while (!stop.get()) {
                        db.queries().stats();
                        reads.incrementAndGet();
                    }
                }));
            }
            Thread sampler = Thread.ofPlatform().daemon().name("wal-sampler").start(() -> {
                while (!stop.get()) {
                    try {
                        if (Files.exists(wal)) largest.accumulateAndGet(Files.size(wal), Math::max);
                        Thread.sleep(5);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            String body = "p".repeat(1500);
            // ~70 MB of WAL traffic before the fix, at about the probe's 4,000 requests a second.
            long accepted = 0;
            for (int burst = 0; burst < 200; burst++) {
                for (int i = 0; i < 100; i++) {
                    var r = Fixtures.ok("r" + burst + "-" + i, 1000L + burst * 100 + i, "", "m", 10, Usage.NONE, 0, -1);
                    if (db.requestLog().append(Fixtures.withPayload(r, Fixtures.payload(body, body)))) accepted++;
                }
                Thread.sleep(25);
            }
            assertThat(db.flush(Duration.ofSeconds(60))).isTrue();
            stop.set(true);
            for (Thread t : readers) t.join();
            sampler.join();

            assertThat(reads.get()).as("the readers ran throughout").isGreaterThan(10);
            assertThat(Fixtures.count(file, "SELECT count(*) FROM requests")).isEqualTo(accepted);
            assertThat(largest.get()).as("largest WAL seen (bytes)").isLessThanOrEqualTo(BOUND);
            assertThat(Fixtures.writer(db).walCheckpoints()).as("checkpoints by the writer").isPositive();
        }
        // The final checkpoint at close empties it.
        assertThat(!Files.exists(wal) || Files.size(wal) == 0).isTrue();
    }

    @Test
    void theWriterConnectionLimitsTheWalFileItLeavesBehind() throws Exception {
        try (Database db = open(dir.resolve("ccflare.db"))) {
            SingleWriter writer = Fixtures.writer(db);
            assertThat(writer.<Long>call("pragma", c -> SqliteRequestQueries.singleLong(c, "PRAGMA journal_size_limit")))
                    .isEqualTo(BOUND);
        }
    }
}

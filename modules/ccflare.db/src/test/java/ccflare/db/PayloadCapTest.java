package ccflare.db;

import static ccflare.db.Fixtures.count;
import static ccflare.db.Fixtures.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ccflare.core.Usage;

/** Payload capture never fills the disk by itself: the stored bodies have a size cap, oldest dropped first. */
class PayloadCapTest {
    private static final String BODIES = "SELECT coalesce(sum(length(request_body) + length(response_body)), 0) FROM request_payloads";

    @TempDir Path dir;

    @Test
    void storedBodiesStayUnderTheCapWithTheNewestKeptAndEveryRequestRowKept() throws Exception {
        Path file = dir.resolve("ccflare.db");
        try (Database db = open(file)) {
            db.limitPayloads(100_000);
            append(db, 0, 300); // 300 x 2 KB = 600 KB of bodies
            assertThat(db.flush(Duration.ofSeconds(10))).isTrue();

            assertThat(count(file, BODIES)).isBetween(1L, 100_000L);
            assertThat(count(file, "SELECT count(*) FROM requests")).isEqualTo(300);
            assertThat(count(file, "SELECT count(*) FROM request_payloads WHERE id = 'r299'")).as("newest kept").isEqualTo(1);
            assertThat(count(file, "SELECT count(*) FROM request_payloads WHERE id = 'r0'")).as("oldest dropped").isZero();
            assertThat(count(file, "SELECT min(timestamp) FROM request_payloads"))
                    .as("what is left is the newest run")
                    .isEqualTo(1000L + 300 - count(file, "SELECT count(*) FROM request_payloads"));
        }
    }

    @Test
    void theCapCountsWhatWasStoredBeforeThisOpen() throws Exception {
        Path file = dir.resolve("ccflare.db");
        try (Database db = open(file)) {
            append(db, 0, 100); // 200 KB, no cap yet
            assertThat(db.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(count(file, BODIES)).isEqualTo(200_000);
        try (Database db = open(file)) {
            db.limitPayloads(100_000);
            append(db, 100, 1);
            assertThat(db.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(count(file, BODIES)).isLessThanOrEqualTo(100_000);
            assertThat(count(file, "SELECT count(*) FROM requests")).isEqualTo(101);
        }
    }

    @Test
    void aBurstOfDeletionIsSpreadOverTheWritersNextBatchesSoInsertsNeverWaitForAllOfIt() throws Exception {
        Path file = dir.resolve("ccflare.db");
        try (Database db = open(file)) {
            append(db, 0, 100); // 200 KB, no cap yet
            assertThat(db.flush(Duration.ofSeconds(10))).isTrue();
        }
        int purgeBatch = 5;
        try (Database db = open(file, Database.Tuning.DEFAULT.withPurgeBatch(purgeBatch))) {
            db.limitPayloads(100_000); // 90 KB low water: 55 of the 100 bodies must go
            append(db, 100, 1);
            assertThat(db.flush(Duration.ofSeconds(10))).isTrue();
            long left = count(file, "SELECT count(*) FROM request_payloads");
            // One call after the batch, and one before it when the cap was set before the writer's first look.
            assertThat(101 - left).as("deleted by at most two calls so far")
                    .isIn((long) PayloadCap.SLICES_PER_CALL * purgeBatch, 2L * PayloadCap.SLICES_PER_CALL * purgeBatch);
            assertThat(count(file, BODIES)).as("still over the low water: the rest waits for the next batches")
                    .isGreaterThan(90_000);
            int batches = 1;
            while (count(file, BODIES) > 90_000 && batches < 100) {
                append(db, 100 + batches, 1);
                assertThat(db.flush(Duration.ofSeconds(10))).isTrue();
                batches++;
            }
            assertThat(count(file, BODIES)).as("brought under the low water").isLessThanOrEqualTo(90_000);
            assertThat(batches).as("batches it took").isGreaterThan(1);
            long kept = count(file, "SELECT count(*) FROM request_payloads");
            append(db, 200, 1);
            assertThat(db.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(count(file, "SELECT count(*) FROM request_payloads")).as("under the cap again: nothing deleted")
                    .isEqualTo(kept + 1);
            assertThat(count(file, "SELECT count(*) FROM requests")).isEqualTo(100 + batches + 1);
        }
    }

    @Test
    void refusesACapThatIsNotPositive() throws Exception {
        try (Database db = open(dir.resolve("ccflare.db"))) {
            assertThatThrownBy(() -> db.limitPayloads(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("payload cap: 0 bytes (expected: > 0)");
        }
    }

    private static void append(Database db, int from, int n) {
        String body = "b".repeat(1000);
        for (int i = from; i < from + n; i++) {
            var r = Fixtures.ok("r" + i, 1000L + i, "", "m", 10, Usage.NONE, 0, -1);
            assertThat(db.requestLog().append(Fixtures.withPayload(r, Fixtures.payload(body, body)))).isTrue();
        }
    }
}

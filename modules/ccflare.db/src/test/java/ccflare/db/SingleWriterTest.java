package ccflare.db;

import static ccflare.db.Fixtures.count;
import static ccflare.db.Fixtures.ok;
import static ccflare.db.Fixtures.open;
import static ccflare.db.Fixtures.pauseWriter;
import static ccflare.db.Fixtures.payload;
import static ccflare.db.Fixtures.raw;
import static ccflare.db.Fixtures.withPayload;
import static ccflare.db.Fixtures.writer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ccflare.core.Outcome;
import ccflare.core.RequestQueries;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;

class SingleWriterTest {

    @TempDir Path dir;

    @Test
    void everyAppendedRecordBecomesExactlyOneRowWithItsUsageCostAndTimings() throws Exception {
        Path file = dir.resolve("ccflare.db");
        try (Database db = open(file)) {
            for (int i = 1; i <= 1000; i++) {
                Usage usage = new Usage(i, 2L * i, 3, 4, 1);
                assertThat(db.requestLog().append(ok("r" + i, 10_000L + i, "a1", "claude-x", i, usage, 0.5, 10.0))).isTrue();
            }
            assertThat(db.flush(Duration.ofSeconds(10))).isTrue();

            assertThat(count(file, "SELECT count(*) FROM requests")).isEqualTo(1000);
            assertThat(count(file, "SELECT sum(input_tokens) FROM requests")).isEqualTo(500_500);
            assertThat(count(file, "SELECT sum(output_tokens) FROM requests")).isEqualTo(1_001_000);
            assertThat(count(file, "SELECT sum(prompt_tokens) FROM requests")).isEqualTo(500_500 + 7000);
            assertThat(count(file, "SELECT sum(total_tokens) FROM requests")).isEqualTo(500_500 + 1_001_000 + 7000);
            assertThat(count(file, "SELECT sum(response_time_ms) FROM requests")).isEqualTo(500_500);
            assertThat(count(file, "SELECT sum(success) FROM requests")).isEqualTo(1000);

            RequestQueries.Stats stats = db.queries().stats();
            assertThat(stats.totalCostUsd()).isCloseTo(500.0, within(1e-9));
            assertThat(stats.avgResponseTimeMs()).isCloseTo(500.5, within(1e-9));

            RequestRecord expected = ok("r77", 10_077, "a1", "claude-x", 77, new Usage(77, 154, 3, 4, 1), 0.5, 10.0);
            assertThat(db.queries().find("r77")).contains(expected);
            Database.Health health = db.health();
            assertThat(health).isEqualTo(new Database.Health(true, "", 0, 1000, 0));
            // What /metrics reads: batches, not one commit per record, and the time inside them.
            Database.WriterStats writer = db.writerStats();
            assertThat(writer.queued()).isZero();
            assertThat(writer.written()).isEqualTo(1000);
            assertThat(writer.commits()).isBetween(1L, 999L);
            assertThat(writer.commitNanos()).isPositive();
        }
    }

    @Test
    void aPayloadIsStoredAndReturnedWithHeadersAndBodiesIntact() {
        try (Database db = open(dir.resolve("ccflare.db"))) {
            byte[] binary = new byte[4096];
            for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
            RequestRecord.Payload p = new RequestRecord.Payload(
                    List.of(Map.entry("content-type", "application/json"), Map.entry("x-dup", "one"),
                            Map.entry("x-dup", "two"), Map.entry(":authority", "api.example"),
                            Map.entry("x-spaced", " leading space: and colon")),
                    "{\"model\":\"claude\"}".getBytes(StandardCharsets.UTF_8),
                    List.of(Map.entry("content-type", "application/octet-stream")), binary, true, true);
            RequestRecord r = withPayload(ok("r1", 1000, "a1", "claude", 50, null, 0, -1), p);
            db.requestLog().append(r);
            db.requestLog().append(ok("r2", 2000, "a1", "claude", 50, null, 0, -1));
            assertThat(db.flush(Duration.ofSeconds(5))).isTrue();

            RequestRecord.Payload stored = db.queries().find("r1").orElseThrow().payload();
            assertThat(stored.requestHeaders()).isEqualTo(p.requestHeaders());
            assertThat(stored.responseHeaders()).isEqualTo(p.responseHeaders());
            assertThat(stored.requestBody()).isEqualTo(p.requestBody());
            assertThat(stored.responseBody()).isEqualTo(binary);
            assertThat(stored.streamed()).isTrue();
            assertThat(stored.truncated()).isTrue();

            assertThat(db.queries().find("r2").orElseThrow().payload()).isNull();
            assertThat(db.queries().find("nope")).isEmpty();
            assertThat(db.queries().recent(10)).extracting(RequestRecord::payload).containsOnlyNulls();
        }
    }

    @Test
    void aFullQueueDropsWithoutBlockingAndShedsPayloadsFirst() throws Exception {
        Database.Tuning tiny = Database.Tuning.DEFAULT.withQueueCapacity(4);
        try (Database db = open(dir.resolve("ccflare.db"), tiny)) {
            boolean[] accepted = new boolean[6];
            long started = System.nanoTime();
            try (AutoCloseable _ = pauseWriter(db)) {
                for (int i = 0; i < 6; i++) {
                    accepted[i] = db.requestLog().append(withPayload(ok("r" + i, 1000 + i, "", "m", 5, null, 0, -1),
                            payload("req" + i, "resp" + i)));
                }
                long tookMs = (System.nanoTime() - started) / 1_000_000;
                assertThat(tookMs).as("appends never wait for the writer").isLessThan(500);
                assertThat(accepted).containsExactly(true, true, true, true, false, false);
                assertThat(db.health().queued()).isEqualTo(4);
                assertThat(db.health().dropped()).isEqualTo(2);
                assertThat(db.writerStats().queued()).isEqualTo(4);
                assertThat(db.writerStats().dropped()).isEqualTo(2);
            }
            assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(db.queries().recent(10)).hasSize(4);
            // Capacity 4: from 2 queued (half full) on, records lose their payload and keep their row.
            assertThat(db.queries().find("r1").orElseThrow().payload()).isNotNull();
            assertThat(db.queries().find("r2").orElseThrow().payload()).isNull();
            assertThat(db.queries().find("r3").orElseThrow().payload()).isNull();
            assertThat(writer(db).shedPayloads()).isEqualTo(2);
        }
    }

    @Test
    void aLockedDatabaseMakesHealthNotOkWhileAppendStillReturnsAtOnceAndRecordingResumesAfterwards() throws Exception {
        Database.Tuning quick = Database.Tuning.DEFAULT.withBusyTimeout(50,
                List.of(Duration.ofMillis(10), Duration.ofMillis(10)));
        Path file = dir.resolve("ccflare.db");
        try (Database db = open(file, quick); Connection other = raw(file)) {
            Fixtures.queryLong(other, "SELECT 1");
            try (var s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE"); // another process holds the write lock
            }
            long started = System.nanoTime();
            assertThat(db.requestLog().append(ok("r1", 1000, "", "m", 5, null, 0, -1))).isTrue();
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(100);

            assertThat(db.flush(Duration.ofSeconds(5))).as("flush reports the failure").isFalse();
            Database.Health failing = db.health();
            assertThat(failing.ok()).isFalse();
            assertThat(failing.reason()).contains("recording failing since 2026-11-24T10:00:00Z").containsIgnoringCase("locked");
            assertThat(failing.dropped()).isEqualTo(1);

            started = System.nanoTime();
            assertThat(db.requestLog().append(ok("r2", 2000, "", "m", 5, null, 0, -1))).isTrue();
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(100);
            db.flush(Duration.ofSeconds(5));

            try (var s = other.createStatement()) {
                s.execute("ROLLBACK");
            }
            assertThat(db.requestLog().append(ok("r3", 3000, "", "m", 5, null, 0, -1))).isTrue();
            assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
            Database.Health recovered = db.health();
            assertThat(recovered.ok()).isTrue();
            assertThat(recovered.reason()).isEmpty();
            assertThat(recovered.written()).isEqualTo(1);
            assertThat(recovered.dropped()).isEqualTo(2);
            assertThat(db.queries().recent(10)).extracting(RequestRecord::id).containsExactly("r3");
        }
    }

    @Test
    void aBatchThatFailsOnceIsRetriedAndNothingIsLost() throws Exception {
        Database.Tuning retrying = Database.Tuning.DEFAULT.withBusyTimeout(50, List.of(Duration.ofMillis(300)));
        Path file = dir.resolve("ccflare.db");
        try (Database db = open(file, retrying); Connection other = raw(file)) {
            try (var s = other.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
            db.requestLog().append(ok("r1", 1000, "", "m", 5, null, 0, -1));
            Thread.sleep(150); // the first attempt has failed; the retry comes at about 350 ms
            try (var s = other.createStatement()) {
                s.execute("ROLLBACK");
            }
            assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(db.health()).isEqualTo(new Database.Health(true, "", 0, 1, 0));
            assertThat(count(file, "SELECT count(*) FROM requests")).isEqualTo(1);
        }
    }

    @Test
    void aDuplicateIdCostsOnlyThatRecordNotTheBatch() {
        try (Database db = open(dir.resolve("ccflare.db"))) {
            db.requestLog().append(ok("same", 1000, "", "m", 5, null, 0, -1));
            db.requestLog().append(Fixtures.failed("same", 2000, "", "m", 500, Outcome.UPSTREAM_ERROR, 5, "boom"));
            db.requestLog().append(ok("other", 3000, "", "m", 5, null, 0, -1));
            assertThat(db.flush(Duration.ofSeconds(5))).isTrue();
            assertThat(db.queries().recent(10)).extracting(RequestRecord::id).containsExactly("other", "same");
            assertThat(db.queries().find("same").orElseThrow().outcome()).isEqualTo(Outcome.OK);
            assertThat(db.health()).isEqualTo(new Database.Health(true, "", 0, 2, 1));
        }
    }

    @Test
    void closeWritesEverythingStillQueued() throws Exception {
        Path file = dir.resolve("ccflare.db");
        Database db = open(file);
        try (AutoCloseable _ = pauseWriter(db)) {
            for (int i = 0; i < 300; i++) {
                db.requestLog().append(withPayload(ok("r" + i, i, "", "m", 5, null, 0, -1), payload("a", "b")));
            }
        }
        db.close();
        assertThat(count(file, "SELECT count(*) FROM requests")).isEqualTo(300);
        assertThat(count(file, "SELECT count(*) FROM request_payloads")).isEqualTo(300);
        assertThat(db.health().dropped()).isZero();
    }
}

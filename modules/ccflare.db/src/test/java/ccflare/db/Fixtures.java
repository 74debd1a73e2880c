package ccflare.db;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.sqlite.SQLiteDataSource;

import ccflare.core.Outcome;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;

/** Shared helpers for the storage tests. */
final class Fixtures {
    private Fixtures() {}

    static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-24T10:00:00Z"));

    static final ThreadFactory THREADS = r -> {
        Thread t = new Thread(r, "db-writer-test");
        t.setDaemon(true);
        return t;
    };

    static Database open(Path file) {
        return Database.open(file, CLOCK, THREADS);
    }

    static Database open(Path file, Database.Tuning tuning) {
        return Database.open(file, CLOCK, THREADS, tuning);
    }

    static SingleWriter writer(Database db) {
        return (SingleWriter) db.requestLog();
    }

    /** A connection of the test's own, like another process would have. */
    static Connection raw(Path file) throws SQLException {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file);
        return ds.getConnection();
    }

    static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static long count(Path file, String sql) throws SQLException {
        try (Connection c = raw(file)) {
            return queryLong(c, sql);
        }
    }

    /**
     * Keeps the writer thread busy inside a task until closed, so that tests can pile work up in
     * front of it. Returns once the writer is inside the task.
     */
    static AutoCloseable pauseWriter(Database db) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> writer(db).call("pause", c -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        if (!inside.await(5, TimeUnit.SECONDS)) throw new AssertionError("writer did not pick up the pause task");
        return () -> {
            release.countDown();
            done.get(5, TimeUnit.SECONDS);
        };
    }

    /** A successful request of {@code totalMs} on {@code accountId}, without payload. */
    static RequestRecord ok(String id, long atMs, String accountId, String model, long totalMs, Usage usage,
                            double costUsd, double tokensPerSecond) {
        return new RequestRecord(id, atMs, "POST", "/v1/messages", "anthropic", accountId, model, 200, Outcome.OK, 1, 0,
                totalMs / 2, totalMs / 2 + 1, totalMs, 3, usage, costUsd, tokensPerSecond, "claude-cli/1.0",
                "session-1", "", null);
    }

    static RequestRecord failed(String id, long atMs, String accountId, String model, int status, Outcome outcome,
                                long totalMs, String error) {
        return new RequestRecord(id, atMs, "POST", "/v1/messages", "anthropic", accountId, model, status, outcome, 2, 1,
                -1, -1, totalMs, -1, Usage.NONE, 0, -1, "", "", error, null);
    }

    static RequestRecord withPayload(RequestRecord r, RequestRecord.Payload p) {
        return new RequestRecord(r.id(), r.receivedAtMs(), r.method(), r.path(), r.provider(), r.accountId(), r.model(),
                r.status(), r.outcome(), r.attempts(), r.failovers(), r.upstreamFirstByteMs(), r.clientFirstByteMs(),
                r.totalMs(), r.proxyOverheadMs(), r.usage(), r.costUsd(), r.tokensPerSecond(), r.userAgent(),
                r.clientSessionId(), r.errorMessage(), p);
    }

    static RequestRecord.Payload payload(String requestBody, String responseBody) {
        return new RequestRecord.Payload(
                List.of(Map.entry("content-type", "application/json"), Map.entry("x-api-key", "[redacted]")),
                requestBody.getBytes(StandardCharsets.UTF_8),
                List.of(Map.entry("content-type", "text/event-stream"), Map.entry("request-id", "req_1")),
                responseBody.getBytes(StandardCharsets.UTF_8), true, false);
    }
}

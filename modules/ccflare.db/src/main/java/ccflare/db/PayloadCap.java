package ccflare.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ccflare.core.RequestRecord;

/**
 * Keeps the stored payload bodies under a size cap, dropping the oldest first, so that recording
 * can never fill the disk by itself: at full load capture grew the file by 609 MB a minute, far
 * faster than the days-based retention removes. The request rows stay (tokens, cost, status);
 * only their bodies go, like after {@code DATA_RETENTION_DAYS}.
 *
 * <p>The total is read once (on the writer thread, before its first batch: {@code length()} of a
 * BLOB reads only the record header) and then kept up to date from what the writer inserts and
 * what this deletes. Past the cap it deletes the oldest payloads in transactions of
 * {@code batch} rows until the total is back under {@link #LOW_WATER} of the cap, so a busy
 * daemon deletes in bursts rather than a few rows after every batch. A burst is spread over the
 * writer's next batches, at most {@link #SLICES_PER_CALL} transactions after each: in one go it
 * was about 100 MiB of bodies at the default cap, and the writer inserted nothing meanwhile, so
 * under sustained load its queue filled and request rows were dropped (568 in one bench run).
 * Each call still deletes more rows than a batch can add, so the total goes down.
 *
 * <p>Writer thread only, except {@link #limit}.
 */
final class PayloadCap {
    private static final Logger LOG = LoggerFactory.getLogger(PayloadCap.class);
    /** Deletion stops at this share of the cap. */
    static final double LOW_WATER = 0.9;
    /** Delete transactions of {@code batch} rows after one writer batch, at most. */
    static final int SLICES_PER_CALL = 4;

    private static final String SIZE = "coalesce(length(request_body), 0) + coalesce(length(response_body), 0)";
    /** The oldest payloads, at most {@code ?1} of them, up to the first whose removal frees {@code ?2} bytes. */
    private static final String DELETE_OLDEST = "DELETE FROM request_payloads WHERE id IN (SELECT id FROM ("
            + "SELECT id, sum(size) OVER (ORDER BY timestamp ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - size AS before"
            + " FROM (SELECT id, timestamp, " + SIZE + " AS size FROM request_payloads ORDER BY timestamp LIMIT ?1))"
            + " WHERE before < ?2) RETURNING " + SIZE;

    private final Path file;
    private final int batch;
    /** Bytes; {@code Long.MAX_VALUE} until the daemon sets one. */
    private volatile long cap = Long.MAX_VALUE;
    private long total = -1;
    private long dropped;
    private boolean logged;
    /** Over the cap since the last time the total was brought under the low water. */
    private boolean pruning;

    PayloadCap(Path file, int batch) {
        this.file = file;
        this.batch = batch;
    }

    /** Sets the cap in bytes (> 0); applied after the writer's next batch. Any thread. */
    void limit(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("payload cap: " + bytes + " bytes (expected: > 0)");
        cap = bytes;
    }

    long cap() { return cap; }

    /** Counts a payload the writer has just committed. */
    void added(RequestRecord.Payload p) {
        if (total >= 0) total += p.requestBody().length + p.responseBody().length;
    }

    /** Payload bodies dropped for the cap since open. */
    long dropped() { return dropped; }

    /** The running total of stored body bytes; -1 before the first {@link #enforce}. */
    long total() { return total; }

    /** Reads the total when not known yet, then deletes the oldest payloads while over the cap. */
    void enforce(Connection connection) throws SQLException {
        long limit = cap;
        if (total < 0) {
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT coalesce(sum(" + SIZE + "), 0) FROM request_payloads")) {
                total = rs.next() ? rs.getLong(1) : 0;
            }
        }
        if (total > limit) pruning = true;
        long target = (long) (limit * LOW_WATER);
        if (!pruning || total <= target) {
            pruning = false;
            return;
        }
        long removedRows = 0;
        int slices = 0;
        try (PreparedStatement delete = connection.prepareStatement(DELETE_OLDEST)) {
            while (total > target && slices++ < SLICES_PER_CALL) {
                long[] freed = SqlWork.immediate(connection, c -> {
                    delete.setInt(1, batch);
                    delete.setLong(2, total - target);
                    long bytes = 0;
                    long rows = 0;
                    try (ResultSet rs = delete.executeQuery()) {
                        while (rs.next()) { bytes += rs.getLong(1); rows++; }
                    }
                    return new long[] {bytes, rows};
                });
                if (freed[1] == 0) { total = 0; break; }
                total -= freed[0];
                removedRows += freed[1];
            }
        }
        if (total <= target) pruning = false;
        dropped += removedRows;
        if (!logged) {
            logged = true;
            LOG.info("Stored payloads of {} reached their cap of {} MiB; dropping the oldest bodies first ({} now;"
                    + " request rows stay). Set CCFLARE_PAYLOAD_STORE_MAX_MB to keep more", file, limit >> 20, removedRows);
        }
    }
}

package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import ccflare.core.Account;
import ccflare.core.AccountStore;
import ccflare.core.Outcome;
import ccflare.core.RequestRecord;

/**
 * Importing the accounts (and optionally the request history) of an original ccflare or
 * better-ccflare database: see {@link Database#importOriginal}. The types here are its request
 * and its report.
 */
public final class OriginalImport {
    private OriginalImport() {}

    /**
     * What to import.
     *
     * @param source      the original's database file; opened read-only, never changed
     * @param withHistory also the request rows (ids kept, so a second import skips them)
     * @param dryRun      decide and count, write nothing
     * @param rename      add accounts whose name is taken under a free name instead of skipping them
     * @param history     how the history is kept: retention cut-offs and the payload reader
     */
    public record Request(Path source, boolean withHistory, boolean dryRun, boolean rename, History history) {
        public Request {
            requireNonNull(source, "source");
            requireNonNull(history, "history");
        }

        /** Everything kept: no retention cut-off, no payloads. */
        public Request(Path source, boolean withHistory, boolean dryRun, boolean rename) {
            this(source, withHistory, dryRun, rename, History.ALL_ROWS);
        }
    }

    /**
     * How request history is imported. Rows older than the daemon's retention would be purged at
     * its next run, so they are left out and counted instead.
     *
     * @param requestCutoffMs requests older than this are not imported (0: none)
     * @param payloadCutoffMs payloads of requests older than this are not imported
     * @param payloads        reads one source {@code request_payloads.json} value; null: no payloads
     */
    public record History(long requestCutoffMs, long payloadCutoffMs, PayloadReader payloads) {
        public static final History ALL_ROWS = new History(0, 0, null);
    }

    /**
     * Turns the original's payload JSON ({@code {"request":{"headers","body"},"response":{…},"meta":{…}}},
     * bodies base64) into a payload as this daemon stores it, credentials redacted; empty when the
     * value is not in that shape.
     */
    @FunctionalInterface
    public interface PayloadReader {
        Optional<RequestRecord.Payload> read(String json);
    }

    /** An account that was (or, in a dry run, would be) added. */
    public record Added(String name, String originalName, String provider, String originalProvider, List<String> notes) {
        public Added { notes = List.copyOf(notes); }
    }

    /** A source account left out, and why. */
    public record Skipped(String name, String reason) {}

    /**
     * What an import did (or would do).
     *
     * @param schema          the layout recognised, e.g. {@code ccflare}, {@code better-ccflare}
     * @param family          {@code ccflare} or {@code better-ccflare}
     * @param readFromCopy    the source was locked, so a private copy of it was read
     * @param requests        request rows imported (would be, in a dry run); 0 without history
     * @param requestsPresent request rows skipped because they were imported before
     * @param sourceRequests  request rows in the source
     * @param sourcePayloads  payload rows in the source
     * @param payloads        payloads imported (would be)
     * @param tooOld          request rows older than the request retention, not imported
     */
    public record Report(Path source, String schema, String family, boolean readFromCopy, boolean dryRun,
                         boolean withHistory, List<Added> added, List<Skipped> skipped, long requests,
                         long requestsPresent, long sourceRequests, long sourcePayloads, long payloads, long tooOld) {
        public Report {
            added = List.copyOf(added);
            skipped = List.copyOf(skipped);
        }
    }

    /** The report and the accounts now stored, with their credentials, for the in-memory registry. */
    public record Result(Report report, List<AccountStore.Stored> stored) {
        public Result { stored = List.copyOf(stored); }

        @Override public String toString() { return "Result[" + report + ", " + stored.size() + " accounts stored]"; }
    }

    // ---------------------------------------------------------------- the history

    private static final List<String> REQUIRED_REQUEST_COLUMNS = List.of("id", "timestamp", "method", "path");
    private static final String INSERT_REQUEST = """
            INSERT OR IGNORE INTO requests (id, timestamp, method, path, account_used, status_code, success,
                error_message, response_time_ms, failover_attempts, model, prompt_tokens, completion_tokens,
                total_tokens, cost_usd, output_tokens_per_second, input_tokens, cache_read_input_tokens,
                cache_creation_input_tokens, output_tokens, agent_used, provider, outcome, attempts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /** Whether the source has a request table this import can read. */
    static boolean historyReadable(OriginalDatabase src) {
        return src.hasTable("requests") && src.requestColumns().containsAll(REQUIRED_REQUEST_COLUMNS);
    }

    /** What copying (or counting) the history found. */
    record HistoryCounts(long imported, long present, long payloads, long tooOld) {
        static final HistoryCounts NONE = new HistoryCounts(0, 0, 0, 0);
    }

    private static final String INSERT_PAYLOAD = """
            INSERT OR IGNORE INTO request_payloads (id, timestamp, request_headers, request_body, response_headers,
                response_body, streamed, truncated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

    /**
     * Copies every source request row whose id is not stored yet into {@code target} (inside the
     * caller's transaction), with its payload when {@code history} reads them and it is recent enough.
     */
    static HistoryCounts copyRequests(OriginalDatabase src, Connection target, List<Account> accounts, History history)
            throws SQLException {
        if (!historyReadable(src)) return HistoryCounts.NONE;
        java.util.Map<String, String> providerOf = new java.util.HashMap<>();
        for (Account a : accounts) providerOf.put(a.id(), a.provider().id());
        Set<String> cols = src.requestColumns();
        boolean payloads = history.payloads() != null && src.hasTable("request_payloads");
        long imported = 0;
        long present = 0;
        long copiedPayloads = 0;
        long tooOld = 0;
        try (Statement s = src.connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM requests ORDER BY timestamp, id");
             PreparedStatement ps = target.prepareStatement(INSERT_REQUEST);
             PreparedStatement readPayload = payloads ? src.connection().prepareStatement(
                     "SELECT json FROM request_payloads WHERE id = ?") : null;
             PreparedStatement writePayload = payloads ? target.prepareStatement(INSERT_PAYLOAD) : null) {
            while (rs.next()) {
                String id = rs.getString("id");
                if (id == null || id.isBlank()) continue;
                long timestamp = rs.getLong("timestamp");
                if (timestamp < history.requestCutoffMs()) {
                    tooOld++;
                    continue;
                }
                long status = longOr(rs, cols, "status_code", -1);
                boolean success = longOr(rs, cols, "success", 0) != 0;
                String error = textOr(rs, cols, "error_message");
                String account = textOr(rs, cols, "account_used");
                long failovers = Math.max(0, longOr(rs, cols, "failover_attempts", 0));
                ps.setString(1, id);
                ps.setLong(2, timestamp);
                ps.setString(3, String.valueOf(rs.getString("method")));
                ps.setString(4, String.valueOf(rs.getString("path")));
                nullableText(ps, 5, account);
                nullableLong(ps, 6, status, 0);
                ps.setInt(7, success ? 1 : 0);
                nullableText(ps, 8, error);
                nullableLong(ps, 9, longOr(rs, cols, "response_time_ms", -1), 0);
                ps.setLong(10, failovers);
                nullableText(ps, 11, textOr(rs, cols, "model"));
                ps.setLong(12, Math.max(0, longOr(rs, cols, "prompt_tokens", 0)));
                ps.setLong(13, Math.max(0, longOr(rs, cols, "completion_tokens", 0)));
                ps.setLong(14, Math.max(0, longOr(rs, cols, "total_tokens", 0)));
                ps.setDouble(15, Math.max(0, doubleOr(rs, cols, "cost_usd", 0)));
                double tps = doubleOr(rs, cols, "output_tokens_per_second", -1);
                if (tps < 0) ps.setNull(16, Types.DOUBLE); else ps.setDouble(16, tps);
                ps.setLong(17, Math.max(0, longOr(rs, cols, "input_tokens", 0)));
                ps.setLong(18, Math.max(0, longOr(rs, cols, "cache_read_input_tokens", 0)));
                ps.setLong(19, Math.max(0, longOr(rs, cols, "cache_creation_input_tokens", 0)));
                ps.setLong(20, Math.max(0, longOr(rs, cols, "output_tokens", 0)));
                nullableText(ps, 21, textOr(rs, cols, "agent_used"));
                String provider = textOr(rs, cols, "provider");
                if (provider == null && account != null) provider = providerOf.get(account);
                nullableText(ps, 22, provider);
                ps.setString(23, outcome(success, status, error).wireName());
                ps.setLong(24, failovers + 1);
                if (ps.executeUpdate() == 0) {
                    present++;
                    continue;
                }
                imported++;
                if (payloads && timestamp >= history.payloadCutoffMs()) {
                    Optional<RequestRecord.Payload> payload = payload(readPayload, id, history.payloads());
                    if (payload.isPresent()) {
                        RequestRecord.Payload p = payload.get();
                        writePayload.setString(1, id);
                        writePayload.setLong(2, timestamp);
                        writePayload.setString(3, HeaderLines.encode(p.requestHeaders()));
                        writePayload.setBytes(4, p.requestBody());
                        writePayload.setString(5, HeaderLines.encode(p.responseHeaders()));
                        writePayload.setBytes(6, p.responseBody());
                        writePayload.setInt(7, p.streamed() ? 1 : 0);
                        writePayload.setInt(8, p.truncated() ? 1 : 0);
                        copiedPayloads += writePayload.executeUpdate();
                    }
                }
            }
        }
        return new HistoryCounts(imported, present, copiedPayloads, tooOld);
    }

    private static Optional<RequestRecord.Payload> payload(PreparedStatement read, String id, PayloadReader reader)
            throws SQLException {
        read.setString(1, id);
        try (ResultSet rs = read.executeQuery()) {
            if (!rs.next()) return Optional.empty();
            String json = rs.getString(1);
            return json == null ? Optional.empty() : reader.read(json);
        }
    }

    /** What {@link #copyRequests} would do, read against {@code target} without writing. */
    static HistoryCounts countNewRequests(OriginalDatabase src, Connection target, History history) throws SQLException {
        if (!historyReadable(src)) return HistoryCounts.NONE;
        boolean payloads = history.payloads() != null && src.hasTable("request_payloads");
        long fresh = 0;
        long present = 0;
        long withPayload = 0;
        long tooOld = 0;
        String sql = payloads
                ? "SELECT r.id, r.timestamp, p.id IS NOT NULL FROM requests r LEFT JOIN request_payloads p ON p.id = r.id"
                : "SELECT id, timestamp, 0 FROM requests";
        try (Statement s = src.connection().createStatement();
             ResultSet rs = s.executeQuery(sql);
             PreparedStatement ps = target.prepareStatement("SELECT 1 FROM requests WHERE id = ?")) {
            while (rs.next()) {
                String id = rs.getString(1);
                if (id == null || id.isBlank()) continue;
                long timestamp = rs.getLong(2);
                if (timestamp < history.requestCutoffMs()) {
                    tooOld++;
                    continue;
                }
                ps.setString(1, id);
                try (ResultSet hit = ps.executeQuery()) {
                    if (hit.next()) {
                        present++;
                        continue;
                    }
                }
                fresh++;
                if (rs.getInt(3) != 0 && timestamp >= history.payloadCutoffMs()) withPayload++;
            }
        }
        return new HistoryCounts(fresh, present, withPayload, tooOld);
    }

    /** The original records only success and status; this is the closest outcome. */
    static Outcome outcome(boolean success, long status, String error) {
        if (success) return Outcome.OK;
        if (status == 429) return Outcome.RATE_LIMITED;
        if (status >= 400) return Outcome.UPSTREAM_ERROR;
        if (status >= 200 && status < 300 && error != null) return Outcome.MID_STREAM_RESET;
        return Outcome.PROXY_ERROR;
    }

    static List<Added> added(ImportPlan plan) {
        List<Added> out = new ArrayList<>();
        for (ImportPlan.Step.Add a : plan.additions()) {
            out.add(new Added(a.account().name(), a.from().name(), a.account().provider().id(), a.from().provider(), a.notes()));
        }
        return out;
    }

    static List<Skipped> skipped(ImportPlan plan) {
        return plan.skips().stream().map(s -> new Skipped(s.name(), s.reason())).toList();
    }

    private static String textOr(ResultSet rs, Set<String> cols, String column) throws SQLException {
        if (!cols.contains(column)) return null;
        String v = rs.getString(column);
        return v == null || v.isEmpty() ? null : v;
    }

    private static long longOr(ResultSet rs, Set<String> cols, String column, long ifNull) throws SQLException {
        if (!cols.contains(column)) return ifNull;
        long v = rs.getLong(column);
        return rs.wasNull() ? ifNull : v;
    }

    private static double doubleOr(ResultSet rs, Set<String> cols, String column, double ifNull) throws SQLException {
        if (!cols.contains(column)) return ifNull;
        double v = rs.getDouble(column);
        return rs.wasNull() ? ifNull : v;
    }

    private static void nullableText(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) ps.setNull(i, Types.VARCHAR); else ps.setString(i, v);
    }

    private static void nullableLong(PreparedStatement ps, int i, long v, long min) throws SQLException {
        if (v < min) ps.setNull(i, Types.BIGINT); else ps.setLong(i, v);
    }
}

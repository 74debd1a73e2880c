package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ccflare.core.RequestQueries;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;

/**
 * The read side of the {@code requests} table for the API, plus the two maintenance writes
 * (reset, retention purge), which run on the writer thread in short transactions.
 */
final class SqliteRequestQueries implements RequestQueries {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteRequestQueries.class);

    /** Pages freed per {@code incremental_vacuum} step: about 8 MiB at the default page size. */
    private static final int VACUUM_PAGES_PER_STEP = 2000;
    /** Bounds the vacuum after one purge; the next purge continues where this one stopped. */
    private static final int MAX_VACUUM_STEPS = 64;

    private static final String TPS = "CASE WHEN output_tokens_per_second > 0 THEN output_tokens_per_second END";

    private final SingleWriter writer;
    private final Readers readers;
    private final int purgeBatch;

    SqliteRequestQueries(SingleWriter writer, Readers readers, int purgeBatch) {
        this.writer = writer;
        this.readers = readers;
        this.purgeBatch = purgeBatch;
    }

    @Override
    public List<RequestRecord> history(HistoryQuery q) {
        requireNonNull(q, "query");
        StringBuilder where = new StringBuilder("1 = 1");
        List<Object> params = new ArrayList<>();
        if (q.beforeId() != null) {
            // (timestamp, rowid) below the cursor's; no row when the cursor is unknown
            where.append(" AND (r.timestamp, r.rowid) < (SELECT timestamp, rowid FROM requests WHERE id = ?)");
            params.add(q.beforeId());
        }
        if (q.accountId() != null) {
            if (q.accountId().isEmpty()) where.append(" AND r.account_used IS NULL");
            else {
                where.append(" AND r.account_used = ?");
                params.add(q.accountId());
            }
        }
        if (q.model() != null) {
            where.append(" AND instr(lower(r.model), lower(?)) > 0");
            params.add(q.model());
        }
        if (q.statusCode() != null) {
            where.append(" AND r.status_code = ?");
            params.add(q.statusCode());
        }
        if (q.statusClass() != null) {
            where.append(" AND r.status_code BETWEEN ? AND ?");
            params.add(q.statusClass() * 100);
            params.add(q.statusClass() * 100 + 99);
        }
        if (q.outcome() != null) {
            where.append(" AND r.outcome = ?");
            params.add(q.outcome().wireName());
        }
        if (q.sinceMs() != null) {
            where.append(" AND r.timestamp >= ?");
            params.add(q.sinceMs());
        }
        if (q.clientKeyId() != null) {
            if (q.clientKeyId().isEmpty()) where.append(" AND r.client_key IS NULL");
            else {
                where.append(" AND r.client_key = ?");
                params.add(q.clientKeyId());
            }
        }
        String sql = "SELECT " + RequestRows.COLUMNS + " FROM requests r WHERE " + where
                + " ORDER BY r.timestamp DESC, r.rowid DESC LIMIT ?";
        return readers.read("listing requests", c -> {
            List<RequestRecord> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                for (Object p : params) ps.setObject(i++, p);
                ps.setInt(i, q.limit());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) list.add(RequestRows.read(rs, null));
                }
            }
            return list;
        });
    }

    @Override
    public Optional<RequestRecord> find(String id) {
        requireNonNull(id, "id");
        return readers.read("reading request " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + RequestRows.COLUMNS + ", "
                    + RequestRows.PAYLOAD_COLUMNS + " FROM requests r LEFT JOIN request_payloads p ON p.id = r.id"
                    + " WHERE r.id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(RequestRows.read(rs, RequestRows.readPayload(rs)));
                }
            }
        });
    }

    @Override
    public Stats stats() {
        return readers.read("computing statistics", c -> {
            Filter all = Filter.ALL;
            Totals t = totals(c, all);
            return new Stats(t.requests, t.successful, t.avgResponseTimeMs, t.totalTokens, t.costUsd,
                    t.avgTokensPerSecond, t.usage, modelCounts(c, all, 5), accountStats(c, all), recentErrors(c));
        });
    }

    @Override
    public Analytics analytics(AnalyticsQuery query) {
        requireNonNull(query, "query");
        if (query.rangeMs() <= 0) throw new IllegalArgumentException("rangeMs: " + query.rangeMs() + " (expected: > 0)");
        if (query.bucketMs() <= 0) throw new IllegalArgumentException("bucketMs: " + query.bucketMs() + " (expected: > 0)");
        Filter filter = Filter.of(query);
        return readers.read("computing analytics", c -> {
            Totals t = totals(c, filter);
            return new Analytics(t.requests, t.successful, t.activeAccounts, t.avgResponseTimeMs,
                    percentile(c, filter, t.timed, 0.50), percentile(c, filter, t.timed, 0.95), t.totalTokens,
                    t.costUsd, t.avgTokensPerSecond, t.usage,
                    timeSeries(c, filter, query.bucketMs(), query.modelBreakdown()), modelCounts(c, filter, 10),
                    accountStats(c, filter), costByModel(c, filter), modelPerformance(c, filter));
        });
    }

    @Override
    public void resetStats() {
        writer.call("resetting statistics", c -> SqlWork.immediate(c, tx -> {
            SqlWork.execute(tx, "DELETE FROM request_payloads");
            SqlWork.execute(tx, "DELETE FROM requests");
            SqlWork.execute(tx, "UPDATE accounts SET request_count = 0, session_request_count = 0");
            return null;
        }));
    }

    /** Deletes every request row and payload in small batches; the accounts' counters stay. */
    @Override
    public long clearHistory() {
        return purge(Long.MAX_VALUE, Long.MAX_VALUE).removedRequests();
    }

    /**
     * Deletes payloads older than {@code payloadCutoffMs} (and of every request about to go), then
     * requests older than {@code requestCutoffMs}, then payloads without a request, each in
     * transactions of at most a few hundred rows so request recording goes on in between. Freed
     * pages are returned to the file system with bounded {@code incremental_vacuum} steps; never a full VACUUM.
     */
    @Override
    public Purge purge(long payloadCutoffMs, long requestCutoffMs) {
        long payloadCut = Math.max(payloadCutoffMs, requestCutoffMs);
        long payloads = deleteInBatches("purging old payloads",
                "DELETE FROM request_payloads WHERE id IN (SELECT id FROM request_payloads WHERE timestamp < ? LIMIT ?)",
                payloadCut);
        long requests = deleteInBatches("purging old requests",
                "DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE timestamp < ? LIMIT ?)",
                requestCutoffMs);
        payloads += deleteInBatches("purging orphan payloads",
                "DELETE FROM request_payloads WHERE id IN (SELECT p.id FROM request_payloads p"
                        + " WHERE NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = p.id) LIMIT ?)",
                null);
        if (requests + payloads > 0) {
            LOG.info("Retention removed {} requests and {} payloads", requests, payloads);
            vacuumIncrementally();
        }
        return new Purge(requests, payloads);
    }

    /** Repeats {@code sql} (parameters: the optional cutoff, then the batch size) until a batch comes back short. */
    private long deleteInBatches(String what, String sql, Long cutoff) {
        long total = 0;
        while (true) {
            int removed = writer.call(what, c -> SqlWork.immediate(c, tx -> {
                try (PreparedStatement ps = tx.prepareStatement(sql)) {
                    int i = 1;
                    if (cutoff != null) ps.setLong(i++, cutoff);
                    ps.setInt(i, purgeBatch);
                    return ps.executeUpdate();
                }
            }));
            total += removed;
            if (removed < purgeBatch) return total;
        }
    }

    private void vacuumIncrementally() {
        for (int step = 0; step < MAX_VACUUM_STEPS; step++) {
            long freeBefore = writer.call("incremental vacuum", c -> {
                long free = singleLong(c, "PRAGMA freelist_count");
                if (free > 0) {
                    // The pragma frees one page per step, yielding a row each. sqlite-jdbc's
                    // executeUpdate(String) runs through sqlite3_exec, which steps to the end;
                    // execute() would step once and free a single page.
                    try (var s = c.createStatement()) {
                        s.executeUpdate("PRAGMA incremental_vacuum(" + VACUUM_PAGES_PER_STEP + ")");
                    }
                }
                return free;
            });
            if (freeBefore <= VACUUM_PAGES_PER_STEP) return;
        }
    }

    static long singleLong(Connection c, String pragma) throws SQLException {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery(pragma)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    // ---------------------------------------------------------------- query pieces

    /** @param timed how many of the requests measured a response time */
    private record Totals(long requests, long successful, long activeAccounts, double avgResponseTimeMs, long timed,
                          long totalTokens, double costUsd, double avgTokensPerSecond, Usage usage) {}

    private static Totals totals(Connection c, Filter f) throws SQLException {
        String sql = "SELECT COUNT(*), COALESCE(SUM(success), 0), COUNT(DISTINCT COALESCE(account_used, '')),"
                + " AVG(response_time_ms), COALESCE(SUM(total_tokens), 0), COALESCE(SUM(cost_usd), 0), AVG(" + TPS + "),"
                + " COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),"
                + " COALESCE(SUM(cache_read_input_tokens), 0), COALESCE(SUM(cache_creation_input_tokens), 0),"
                + " COALESCE(SUM(reasoning_tokens), 0), COUNT(response_time_ms) FROM requests WHERE " + f.where;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            f.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long count = rs.getLong(1);
                return new Totals(count, rs.getLong(2), count == 0 ? 0 : rs.getLong(3), Columns.doubleOr(rs, 4, 0),
                        rs.getLong(13), rs.getLong(5), rs.getDouble(6), Columns.doubleOr(rs, 7, 0),
                        new Usage(rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)));
            }
        }
    }

    /**
     * The response time at nearest rank {@code ceil(q n)} of the {@code timed} requests the filter
     * selects; null when none measured one.
     */
    private static Long percentile(Connection c, Filter f, long timed, double q) throws SQLException {
        if (timed == 0) return null;
        String sql = "SELECT response_time_ms FROM requests WHERE response_time_ms IS NOT NULL AND " + f.where
                + " ORDER BY response_time_ms LIMIT 1 OFFSET ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = f.bind(ps, 1);
            ps.setLong(i, Math.max(0, (long) Math.ceil(q * timed) - 1));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** The {@code limit} most used models, with their share of the requests that name a model (2 decimals). */
    private static List<ModelCount> modelCounts(Connection c, Filter f, int limit) throws SQLException {
        String sql = "SELECT model, COUNT(*), (SELECT COUNT(*) FROM requests WHERE model IS NOT NULL AND " + f.where + ")"
                + " FROM requests WHERE model IS NOT NULL AND " + f.where
                + " GROUP BY model ORDER BY COUNT(*) DESC, model LIMIT ?";
        List<ModelCount> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = f.bind(ps, 1);
            i = f.bind(ps, i);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long count = rs.getLong(2);
                    long withModel = rs.getLong(3);
                    list.add(new ModelCount(rs.getString(1), count, round2(100.0 * count / withModel)));
                }
            }
        }
        return list;
    }

    /** Requests per account id ("" = pass-through), busiest first; the name is "" when the account is gone. */
    private static List<AccountStats> accountStats(Connection c, Filter f) throws SQLException {
        String sql = "SELECT r.account_used, a.name, COUNT(*), COALESCE(SUM(r.success), 0),"
                + " COALESCE(SUM(r.total_tokens), 0), COALESCE(SUM(r.cost_usd), 0) FROM requests r"
                + " LEFT JOIN accounts a ON a.id = r.account_used WHERE " + f.where("r.")
                + " GROUP BY r.account_used ORDER BY COUNT(*) DESC, r.account_used";
        List<AccountStats> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            f.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    String name = rs.getString(2);
                    list.add(new AccountStats(id == null ? "" : id, name == null ? "" : name, rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getDouble(6)));
                }
            }
        }
        return list;
    }

    private static List<String> recentErrors(Connection c) throws SQLException {
        List<String> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT error_message FROM requests WHERE error_message IS NOT NULL"
                + " GROUP BY error_message ORDER BY MAX(timestamp) DESC LIMIT 10");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) list.add(rs.getString(1));
        }
        return list;
    }

    private static List<Bucket> timeSeries(Connection c, Filter f, long bucketMs, boolean byModel) throws SQLException {
        String sql = "SELECT (timestamp / ?) * ? AS ts, " + (byModel ? "model" : "NULL") + ", COUNT(*),"
                + " COALESCE(SUM(total_tokens), 0), COALESCE(SUM(cost_usd), 0), COALESCE(SUM(success), 0),"
                + " AVG(response_time_ms), COALESCE(SUM(cache_read_input_tokens), 0), COALESCE(SUM(prompt_tokens), 0),"
                + " AVG(" + TPS + ") FROM requests WHERE " + f.where + (byModel ? " AND model IS NOT NULL" : "")
                + " GROUP BY ts" + (byModel ? ", model" : "") + " ORDER BY ts" + (byModel ? ", model" : "");
        List<Bucket> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, bucketMs);
            ps.setLong(2, bucketMs);
            f.bind(ps, 3);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String model = rs.getString(2);
                    list.add(new Bucket(rs.getLong(1), model == null ? "" : model, rs.getLong(3), rs.getLong(4),
                            rs.getDouble(5), rs.getLong(6), Columns.doubleOr(rs, 7, 0), rs.getLong(8), rs.getLong(9),
                            Columns.doubleOr(rs, 10, 0)));
                }
            }
        }
        return list;
    }

    /** Models whose requests cost something, most expensive first, top 10. */
    private static List<ModelCost> costByModel(Connection c, Filter f) throws SQLException {
        String sql = "SELECT model, SUM(cost_usd), COUNT(*), COALESCE(SUM(total_tokens), 0) FROM requests"
                + " WHERE model IS NOT NULL AND " + f.where
                + " GROUP BY model HAVING SUM(cost_usd) > 0 ORDER BY SUM(cost_usd) DESC, model LIMIT 10";
        List<ModelCost> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            f.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) list.add(new ModelCost(rs.getString(1), rs.getDouble(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return list;
    }

    /**
     * The 10 most used models with latency and throughput. p95 is the value at row
     * {@code ceil(0.95 n)} of the model's ordered response times (the average when it has none);
     * tokens-per-second figures ignore requests that did not measure it.
     */
    private static List<ModelPerformance> modelPerformance(Connection c, Filter f) throws SQLException {
        String sql = "SELECT model, COUNT(*), AVG(response_time_ms), COUNT(response_time_ms),"
                + " COALESCE(SUM(CASE WHEN success = 0 THEN 1 ELSE 0 END), 0), AVG(" + TPS + "), MIN(" + TPS + "),"
                + " MAX(" + TPS + ") FROM requests WHERE model IS NOT NULL AND " + f.where
                + " GROUP BY model ORDER BY COUNT(*) DESC, model LIMIT 10";
        record Row(String model, long requests, double avg, long timed, long errors, double avgTps, double minTps,
                   double maxTps) {}
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            f.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getString(1), rs.getLong(2), Columns.doubleOr(rs, 3, 0), rs.getLong(4),
                            rs.getLong(5), Columns.doubleOr(rs, 6, 0), Columns.doubleOr(rs, 7, 0),
                            Columns.doubleOr(rs, 8, 0)));
                }
            }
        }
        List<ModelPerformance> list = new ArrayList<>(rows.size());
        String p95Sql = "SELECT response_time_ms FROM requests WHERE model = ? AND response_time_ms IS NOT NULL AND "
                + f.where + " ORDER BY response_time_ms LIMIT 1 OFFSET ?";
        try (PreparedStatement ps = c.prepareStatement(p95Sql)) {
            for (Row r : rows) {
                double p95 = r.avg;
                if (r.timed > 0) {
                    ps.setString(1, r.model);
                    int i = f.bind(ps, 2);
                    ps.setLong(i, (long) Math.ceil(0.95 * r.timed) - 1);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) p95 = rs.getLong(1);
                    }
                }
                list.add(new ModelPerformance(r.model, r.requests, r.avg, p95, r.errors, r.avgTps, r.minTps, r.maxTps));
            }
        }
        return list;
    }

    private static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    /** A WHERE clause over {@code requests} with its parameters. */
    private record Filter(String where, String template, List<Object> params) {

        static final Filter ALL = new Filter("1 = 1", "1 = 1", List.of());

        static Filter of(AnalyticsQuery q) {
            List<Object> params = new ArrayList<>();
            StringBuilder w = new StringBuilder("{}timestamp > ?");
            params.add(q.nowMs() - q.rangeMs());
            List<String> accounts = q.accountIds() == null ? List.of() : q.accountIds();
            if (!accounts.isEmpty()) {
                List<String> ids = accounts.stream().filter(a -> !a.isEmpty()).toList();
                boolean passThrough = ids.size() < accounts.size();
                w.append(" AND (");
                if (!ids.isEmpty()) {
                    w.append("{}account_used IN (").append(placeholders(ids.size())).append(')');
                    params.addAll(ids);
                }
                if (passThrough) w.append(ids.isEmpty() ? "" : " OR ").append("{}account_used IS NULL");
                w.append(')');
            }
            List<String> keys = q.clientKeyIds();
            if (!keys.isEmpty()) {
                List<String> ids = keys.stream().filter(k -> !k.isEmpty()).toList();
                boolean none = ids.size() < keys.size();
                w.append(" AND (");
                if (!ids.isEmpty()) {
                    w.append("{}client_key IN (").append(placeholders(ids.size())).append(')');
                    params.addAll(ids);
                }
                if (none) w.append(ids.isEmpty() ? "" : " OR ").append("{}client_key IS NULL");
                w.append(')');
            }
            List<String> models = q.models() == null ? List.of() : q.models();
            if (!models.isEmpty()) {
                w.append(" AND {}model IN (").append(placeholders(models.size())).append(')');
                params.addAll(models);
            }
            String status = q.status() == null || q.status().isEmpty() ? "all" : q.status();
            switch (status) {
                case "all" -> { }
                case "success" -> w.append(" AND {}success = 1");
                case "error" -> w.append(" AND {}success = 0");
                default -> throw new IllegalArgumentException("status: '" + status + "' (expected: all, success or error)");
            }
            String template = w.toString();
            return new Filter(template.replace("{}", ""), template, List.copyOf(params));
        }

        /** The clause with every column qualified by {@code alias} (e.g. "r."). */
        String where(String alias) {
            return template.replace("{}", alias);
        }

        /** Binds the parameters from index {@code first}; returns the next free index. */
        int bind(PreparedStatement ps, int first) throws SQLException {
            int i = first;
            for (Object p : params) ps.setObject(i++, p);
            return i;
        }

        private static String placeholders(int n) {
            return String.join(", ", java.util.Collections.nCopies(n, "?"));
        }
    }
}

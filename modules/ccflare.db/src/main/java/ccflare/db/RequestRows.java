package ccflare.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

import ccflare.core.Outcome;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;

/** Maps {@link RequestRecord} to the {@code requests} and {@code request_payloads} rows and back. */
final class RequestRows {
    private RequestRows() {}

    static final String INSERT = """
            INSERT INTO requests (id, timestamp, method, path, account_used, status_code, success, error_message,
                response_time_ms, failover_attempts, model, prompt_tokens, completion_tokens, total_tokens, cost_usd,
                output_tokens_per_second, input_tokens, cache_read_input_tokens, cache_creation_input_tokens,
                output_tokens, provider, outcome, attempts, upstream_ttfb_ms, client_ttfb_ms, proxy_overhead_ms,
                reasoning_tokens, user_agent, client_session_id, client_key, translation)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    static final String INSERT_PAYLOAD = """
            INSERT INTO request_payloads (id, timestamp, request_headers, request_body, response_headers,
                response_body, streamed, truncated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

    /** The {@code requests} columns read back, for {@code SELECT ... FROM requests r}. */
    static final String COLUMNS = """
            r.id, r.timestamp, r.method, r.path, r.account_used, r.status_code, r.error_message, r.response_time_ms,
            r.failover_attempts, r.model, r.cost_usd, r.output_tokens_per_second, r.input_tokens,
            r.cache_read_input_tokens, r.cache_creation_input_tokens, r.output_tokens, r.provider, r.outcome,
            r.attempts, r.upstream_ttfb_ms, r.client_ttfb_ms, r.proxy_overhead_ms, r.reasoning_tokens,
            r.user_agent, r.client_session_id, r.client_key, r.translation""";

    /** The {@code request_payloads} columns read back, for {@code ... LEFT JOIN request_payloads p}. */
    static final String PAYLOAD_COLUMNS = """
            p.id AS payload_id, p.request_headers, p.request_body, p.response_headers, p.response_body,
            p.streamed, p.truncated""";

    static void bind(PreparedStatement ps, RequestRecord r) throws SQLException {
        Usage u = r.usage();
        ps.setString(1, r.id());
        ps.setLong(2, r.receivedAtMs());
        ps.setString(3, r.method());
        ps.setString(4, r.path());
        Columns.text(ps, 5, r.accountId());
        ps.setInt(6, r.status());
        ps.setInt(7, r.success() ? 1 : 0);
        Columns.text(ps, 8, r.errorMessage());
        Columns.longAtLeast(ps, 9, r.totalMs(), 0);
        ps.setInt(10, r.failovers());
        Columns.text(ps, 11, r.model());
        ps.setLong(12, u.promptTokens());
        ps.setLong(13, u.outputTokens());
        ps.setLong(14, u.totalTokens());
        ps.setDouble(15, r.costUsd());
        Columns.nonNegativeDouble(ps, 16, r.tokensPerSecond());
        ps.setLong(17, u.inputTokens());
        ps.setLong(18, u.cacheReadInputTokens());
        ps.setLong(19, u.cacheCreationInputTokens());
        ps.setLong(20, u.outputTokens());
        Columns.text(ps, 21, r.provider());
        ps.setString(22, r.outcome().wireName());
        ps.setInt(23, r.attempts());
        Columns.longAtLeast(ps, 24, r.upstreamFirstByteMs(), 0);
        Columns.longAtLeast(ps, 25, r.clientFirstByteMs(), 0);
        Columns.longAtLeast(ps, 26, r.proxyOverheadMs(), 0);
        ps.setLong(27, u.reasoningTokens());
        Columns.text(ps, 28, r.userAgent());
        Columns.text(ps, 29, r.clientSessionId());
        Columns.text(ps, 30, r.clientKeyId());
        Columns.text(ps, 31, r.translation());
    }

    static void bindPayload(PreparedStatement ps, RequestRecord r) throws SQLException {
        RequestRecord.Payload p = r.payload();
        ps.setString(1, r.id());
        ps.setLong(2, r.receivedAtMs());
        ps.setString(3, HeaderLines.encode(p.requestHeaders()));
        ps.setBytes(4, p.requestBody());
        ps.setString(5, HeaderLines.encode(p.responseHeaders()));
        ps.setBytes(6, p.responseBody());
        ps.setInt(7, p.streamed() ? 1 : 0);
        ps.setInt(8, p.truncated() ? 1 : 0);
    }

    /** The record on the current row of a query selecting {@link #COLUMNS}. */
    static RequestRecord read(ResultSet rs, RequestRecord.Payload payload) throws SQLException {
        Usage usage = new Usage(rs.getLong("input_tokens"), rs.getLong("output_tokens"),
                rs.getLong("cache_read_input_tokens"), rs.getLong("cache_creation_input_tokens"),
                rs.getLong("reasoning_tokens"));
        return new RequestRecord(
                rs.getString("id"), rs.getLong("timestamp"), rs.getString("method"), rs.getString("path"),
                Columns.text(rs, "provider"), Columns.text(rs, "account_used"), Columns.text(rs, "model"),
                rs.getInt("status_code"), outcome(rs.getString("outcome")), rs.getInt("attempts"),
                rs.getInt("failover_attempts"), Columns.longOr(rs, "upstream_ttfb_ms", -1),
                Columns.longOr(rs, "client_ttfb_ms", -1), Columns.longOr(rs, "response_time_ms", -1),
                Columns.longOr(rs, "proxy_overhead_ms", -1), usage, rs.getDouble("cost_usd"),
                Columns.doubleOr(rs, "output_tokens_per_second", -1), Columns.text(rs, "user_agent"),
                Columns.text(rs, "client_session_id"), Columns.text(rs, "error_message"), payload,
                Columns.text(rs, "client_key"), Columns.text(rs, "translation"));
    }

    /** The payload on the current row of a query selecting {@link #PAYLOAD_COLUMNS}; null when the join found none. */
    static RequestRecord.Payload readPayload(ResultSet rs) throws SQLException {
        if (rs.getString("payload_id") == null) return null;
        return new RequestRecord.Payload(
                HeaderLines.decode(rs.getString("request_headers")), rs.getBytes("request_body"),
                HeaderLines.decode(rs.getString("response_headers")), rs.getBytes("response_body"),
                rs.getInt("streamed") != 0, rs.getInt("truncated") != 0);
    }

    private static Outcome outcome(String wireName) {
        return Outcome.valueOf(wireName.toUpperCase(Locale.ROOT));
    }
}

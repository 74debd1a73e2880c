package ccflare.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import ccflare.core.Account;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;

/** Maps {@link Account} to the {@code accounts} row and back. */
final class AccountRows {
    private AccountRows() {}

    static final String INSERT = "INSERT INTO accounts (id, name, provider, priority, paused, base_url, created_at, "
            + CredentialColumns.NAMES + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    static final String UPDATE_SETTINGS =
            "UPDATE accounts SET name = ?, priority = ?, paused = ?, base_url = ? WHERE id = ?";

    static final String UPDATE_CREDENTIALS = "UPDATE accounts SET " + CredentialColumns.ASSIGNMENTS + " WHERE id = ?";

    static final String UPDATE_STATE = """
            UPDATE accounts SET last_used = ?, request_count = ?, total_requests = ?, session_start = ?,
                session_request_count = ?, rate_limited_until = ?, rate_limit_reset = ?, rate_limit_status = ?,
                rate_limit_remaining = ?, rate_limit_util_5h = ?, rate_limit_reset_5h = ?, rate_limit_util_7d = ?,
                rate_limit_reset_7d = ?, needs_reauth = ?
            WHERE id = ?""";

    static final String SELECT_ALL = "SELECT * FROM accounts ORDER BY priority, created_at, id";

    static void bindInsert(PreparedStatement ps, Account a) throws SQLException {
        ps.setString(1, a.id());
        ps.setString(2, a.name());
        ps.setString(3, a.provider().id());
        ps.setInt(4, a.priority());
        ps.setInt(5, a.paused() ? 1 : 0);
        Columns.text(ps, 6, a.baseUrl());
        ps.setLong(7, a.createdAtMs());
    }

    static void bindSettings(PreparedStatement ps, Account a) throws SQLException {
        ps.setString(1, a.name());
        ps.setInt(2, a.priority());
        ps.setInt(3, a.paused() ? 1 : 0);
        Columns.text(ps, 4, a.baseUrl());
        ps.setString(5, a.id());
    }

    static void bindState(PreparedStatement ps, Account a) throws SQLException {
        RateLimitState r = a.rateLimit();
        Columns.longAtLeast(ps, 1, a.lastUsedMs(), 1);
        ps.setLong(2, a.requestCount());
        ps.setLong(3, a.totalRequests());
        Columns.longAtLeast(ps, 4, a.sessionStartMs(), 1);
        ps.setLong(5, a.sessionRequestCount());
        Columns.longAtLeast(ps, 6, r.limitedUntilMs(), 1);
        Columns.longAtLeast(ps, 7, r.resetAtMs(), 1);
        Columns.text(ps, 8, r.status());
        Columns.longAtLeast(ps, 9, r.remaining(), 0);
        Columns.nonNegativeDouble(ps, 10, r.fiveHourUtilisation());
        Columns.longAtLeast(ps, 11, r.fiveHourResetAtMs(), 1);
        Columns.nonNegativeDouble(ps, 12, r.sevenDayUtilisation());
        Columns.longAtLeast(ps, 13, r.sevenDayResetAtMs(), 1);
        ps.setInt(14, a.needsReauth() ? 1 : 0);
        ps.setString(15, a.id());
    }

    /** The account on the current row; empty when its provider is unknown to this version. */
    static Optional<Account> read(ResultSet rs) throws SQLException {
        Optional<ProviderKind> provider = ProviderKind.byId(rs.getString("provider"));
        if (provider.isEmpty()) return Optional.empty();
        RateLimitState rateLimit = new RateLimitState(Columns.text(rs, "rate_limit_status"),
                Columns.longOr(rs, "rate_limit_reset", 0), Columns.longOr(rs, "rate_limit_remaining", -1),
                Columns.longOr(rs, "rate_limited_until", 0), Columns.doubleOr(rs, "rate_limit_util_5h", -1),
                Columns.longOr(rs, "rate_limit_reset_5h", 0), Columns.doubleOr(rs, "rate_limit_util_7d", -1),
                Columns.longOr(rs, "rate_limit_reset_7d", 0));
        return Optional.of(new Account(rs.getString("id"), rs.getString("name"), provider.get(),
                rs.getInt("priority"), rs.getInt("paused") != 0, Columns.text(rs, "base_url"),
                rs.getLong("created_at"), Columns.longOr(rs, "last_used", 0), rs.getLong("request_count"),
                rs.getLong("total_requests"), Columns.longOr(rs, "session_start", 0),
                rs.getLong("session_request_count"), rateLimit, rs.getInt("needs_reauth") != 0));
    }
}

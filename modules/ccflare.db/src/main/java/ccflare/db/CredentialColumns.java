package ccflare.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

import ccflare.core.Credentials;

/**
 * The one place that knows how credentials sit in the {@code accounts} table: the columns
 * {@code api_key}, {@code access_token}, {@code refresh_token}, {@code expires_at}. They are stored
 * as given for now; encryption at rest replaces this class alone.
 */
final class CredentialColumns {
    private CredentialColumns() {}

    /** The columns in the order {@link #bind} fills them. */
    static final String NAMES = "api_key, access_token, refresh_token, expires_at";

    /** An UPDATE assignment list for {@link #bind}. */
    static final String ASSIGNMENTS = "api_key = ?, access_token = ?, refresh_token = ?, expires_at = ?";

    /** Binds the four credential columns from parameter {@code first} on; the unused kind's columns become NULL. */
    static void bind(PreparedStatement ps, int first, Credentials credentials) throws SQLException {
        switch (credentials) {
            case Credentials.ApiKey k -> {
                ps.setString(first, k.key());
                ps.setNull(first + 1, Types.VARCHAR);
                ps.setNull(first + 2, Types.VARCHAR);
                ps.setNull(first + 3, Types.BIGINT);
            }
            case Credentials.OAuthTokens t -> {
                ps.setNull(first, Types.VARCHAR);
                ps.setString(first + 1, t.accessToken());
                ps.setString(first + 2, t.refreshToken());
                ps.setLong(first + 3, t.expiresAtMs());
            }
        }
    }

    /** The credentials on the current row, or null when it holds none (an account that must sign in again). */
    static Credentials read(ResultSet rs) throws SQLException {
        String apiKey = rs.getString("api_key");
        if (apiKey != null && !apiKey.isBlank()) return new Credentials.ApiKey(apiKey);
        String access = rs.getString("access_token");
        String refresh = rs.getString("refresh_token");
        if (access == null && refresh == null) return null;
        return new Credentials.OAuthTokens(access == null ? "" : access, refresh == null ? "" : refresh,
                Columns.longOr(rs, "expires_at", 0));
    }
}

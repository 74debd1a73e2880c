package ccflare.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.function.UnaryOperator;

import ccflare.core.Credentials;
import ccflare.core.SecretBox;

/**
 * The one place that knows how credentials sit in the {@code accounts} table: the columns
 * {@code api_key}, {@code access_token}, {@code refresh_token} hold values sealed with
 * {@link SecretBox#seal} for the row's account id ({@code v1:…}); {@code expires_at} is plain.
 * A value without the {@link SecretBox#PREFIX} was written in plain text by an older build: it is
 * accepted on read and reported as such, so the caller can seal it.
 */
final class CredentialColumns {
    private CredentialColumns() {}

    /** The columns in the order {@link #bind} fills them. */
    static final String NAMES = "api_key, access_token, refresh_token, expires_at";

    /** An UPDATE assignment list for {@link #bind}. */
    static final String ASSIGNMENTS = "api_key = ?, access_token = ?, refresh_token = ?, expires_at = ?";

    /** An UPDATE assignment list for {@link #bindCells}: the secret columns only, expiry untouched. */
    static final String SECRET_ASSIGNMENTS = "api_key = ?, access_token = ?, refresh_token = ?";

    /** The three secret cells of a row, each null when absent; sealed or plain depending on where they come from. */
    record Cells(String apiKey, String accessToken, String refreshToken) {

        static Cells of(Credentials credentials) {
            return switch (credentials) {
                case Credentials.ApiKey k -> new Cells(k.key(), null, null);
                case Credentials.OAuthTokens t -> new Cells(null, t.accessToken(), t.refreshToken());
            };
        }

        static Cells read(ResultSet rs) throws SQLException {
            return new Cells(rs.getString("api_key"), rs.getString("access_token"), rs.getString("refresh_token"));
        }

        /** Applies {@code f} to every present cell. */
        Cells map(UnaryOperator<String> f) {
            return new Cells(apiKey == null ? null : f.apply(apiKey), accessToken == null ? null : f.apply(accessToken),
                    refreshToken == null ? null : f.apply(refreshToken));
        }

        boolean anyPlain() {
            return isPlain(apiKey) || isPlain(accessToken) || isPlain(refreshToken);
        }

        private static boolean isPlain(String v) {
            return v != null && !v.startsWith(SecretBox.PREFIX);
        }

        @Override public String toString() { return "Cells[redacted]"; }
    }

    /** What opening a row's cells gave. */
    sealed interface Opened {
        /** Every cell opened; {@code legacy} when at least one was stored in plain text. */
        record Plain(Cells cells, boolean legacy) implements Opened {}

        /** A sealed cell failed: another key, another account's value, altered or malformed. */
        record Unreadable() implements Opened {}
    }

    /** Opens the sealed cells of {@code accountId}'s row; plain cells pass through. */
    static Opened open(SecretBox box, String accountId, Cells stored) {
        try {
            Cells plain = stored.map(v -> v.startsWith(SecretBox.PREFIX) ? box.open(accountId, v) : v);
            return new Opened.Plain(plain, stored.anyPlain());
        } catch (SecretBox.WrongKeyException | IllegalArgumentException e) {
            return new Opened.Unreadable();
        }
    }

    /** Seals every present cell (opened cells: each gets a fresh nonce). */
    static Cells seal(SecretBox box, String accountId, Cells plain) {
        return plain.map(v -> box.seal(accountId, v));
    }

    /** The credentials in opened cells, or null when they hold none (an account that must sign in again). */
    static Credentials credentials(Cells plain, long expiresAtMs) {
        if (plain.apiKey() != null && !plain.apiKey().isBlank()) return new Credentials.ApiKey(plain.apiKey());
        if (plain.accessToken() == null && plain.refreshToken() == null) return null;
        return new Credentials.OAuthTokens(plain.accessToken() == null ? "" : plain.accessToken(),
                plain.refreshToken() == null ? "" : plain.refreshToken(), expiresAtMs);
    }

    /** Seals and binds the four credential columns from parameter {@code first} on; the unused kind's columns become NULL. */
    static void bind(PreparedStatement ps, int first, SecretBox box, String accountId, Credentials credentials)
            throws SQLException {
        bindCells(ps, first, seal(box, accountId, Cells.of(credentials)));
        switch (credentials) {
            case Credentials.ApiKey _ -> ps.setNull(first + 3, Types.BIGINT);
            case Credentials.OAuthTokens t -> ps.setLong(first + 3, t.expiresAtMs());
        }
    }

    /** Binds three already sealed cells from parameter {@code first} on. */
    static void bindCells(PreparedStatement ps, int first, Cells sealed) throws SQLException {
        text(ps, first, sealed.apiKey());
        text(ps, first + 1, sealed.accessToken());
        text(ps, first + 2, sealed.refreshToken());
    }

    private static void text(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) ps.setNull(index, Types.VARCHAR);
        else ps.setString(index, value);
    }
}

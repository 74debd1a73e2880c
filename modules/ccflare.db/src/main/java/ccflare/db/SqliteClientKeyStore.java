package ccflare.db;

import static java.util.Objects.requireNonNull;

import ccflare.core.ClientKey;
import ccflare.core.ClientKeyStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code client_keys} table: writes on the writer thread, reads on a read connection. */
final class SqliteClientKeyStore implements ClientKeyStore {

    private static final String COLUMNS = "id, name, hash, created_at, expires_at, revoked_at, requests_per_minute, daily_usd";

    private final SingleWriter writer;
    private final Readers readers;

    SqliteClientKeyStore(SingleWriter writer, Readers readers) {
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public List<ClientKey> all() {
        return readers.read("listing client keys", c -> {
            List<ClientKey> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM client_keys ORDER BY created_at, rowid");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) keys.add(read(rs));
            }
            return keys;
        });
    }

    @Override
    public void insert(ClientKey key) {
        requireNonNull(key, "key");
        writer.call("adding client key " + key.name(), c -> SqlWork.immediate(c, tx -> {
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO client_keys (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, key.id());
                ps.setString(2, key.name());
                ps.setString(3, key.hash());
                ps.setLong(4, key.createdAtMs());
                positiveOrNull(ps, 5, key.expiresAtMs());
                positiveOrNull(ps, 6, key.revokedAtMs());
                positiveOrNull(ps, 7, key.requestsPerMinute());
                if (key.dailyUsd() > 0) ps.setDouble(8, key.dailyUsd());
                else ps.setNull(8, java.sql.Types.REAL);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (SingleWriter.isConstraint(e)) {
                    throw new IllegalArgumentException("a client key named '" + key.name() + "' already exists");
                }
                throw e;
            }
            return null;
        }));
    }

    @Override
    public Optional<ClientKey> revoke(String id, long nowMs) {
        requireNonNull(id, "id");
        writer.call("revoking client key " + id, c -> SqlWork.immediate(c, tx -> {
            try (PreparedStatement ps = tx.prepareStatement(
                    "UPDATE client_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                ps.setLong(1, nowMs);
                ps.setString(2, id);
                ps.executeUpdate();
            }
            return null;
        }));
        return all().stream().filter(k -> k.id().equals(id)).findFirst();
    }

    @Override
    public Map<String, Double> spendSince(long sinceMs) {
        return readers.read("summing client key spend", c -> {
            Map<String, Double> spend = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT client_key, SUM(cost_usd) FROM requests"
                    + " WHERE timestamp >= ? AND client_key IS NOT NULL GROUP BY client_key")) {
                ps.setLong(1, sinceMs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) spend.put(rs.getString(1), rs.getDouble(2));
                }
            }
            return spend;
        });
    }

    private static ClientKey read(ResultSet rs) throws SQLException {
        return new ClientKey(rs.getString("id"), rs.getString("name"), rs.getString("hash"), rs.getLong("created_at"),
                rs.getLong("expires_at"), rs.getLong("revoked_at"), rs.getInt("requests_per_minute"),
                rs.getDouble("daily_usd"));
    }

    private static void positiveOrNull(PreparedStatement ps, int index, long value) throws SQLException {
        if (value > 0) ps.setLong(index, value);
        else ps.setNull(index, java.sql.Types.INTEGER);
    }
}

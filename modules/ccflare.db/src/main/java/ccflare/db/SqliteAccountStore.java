package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ccflare.core.Account;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;
import ccflare.core.SecretBox;
import ccflare.db.CredentialColumns.Cells;
import ccflare.db.CredentialColumns.Opened;

/**
 * Accounts in the {@code accounts} table. Synchronous writes run on the single writer thread (so
 * they never contend with the request batches for the write lock); {@link #saveStateLater} hands
 * the state to that thread without waiting.
 *
 * <p>Secrets are sealed with the current {@link SecretBox} (see {@link CredentialColumns}). An
 * account whose secrets cannot be opened loads without credentials and is remembered in
 * {@link #undecryptableAccounts()}; its stored values are never overwritten except by new
 * credentials for it, so restoring the right key brings them back.
 */
final class SqliteAccountStore implements AccountStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteAccountStore.class);

    private final Path file;
    private final SingleWriter writer;
    private final Readers readers;
    /** Written on the writer thread only (rotation), right after the commit that made it current. */
    private volatile SecretBox box;
    /** Accounts (id to name, load order) whose secrets the current key cannot open; replaced as a whole. */
    private volatile Map<String, String> undecryptable;

    SqliteAccountStore(Path file, SingleWriter writer, Readers readers, SecretBox box, Map<String, String> undecryptable) {
        this.file = file;
        this.writer = writer;
        this.readers = readers;
        this.box = requireNonNull(box, "box");
        this.undecryptable = frozen(undecryptable);
    }

    /** Names of the accounts whose credentials cannot be decrypted with the current key, in load order. */
    List<String> undecryptableAccounts() {
        return List.copyOf(undecryptable.values());
    }

    /** The key the secrets are sealed with now. */
    SecretBox box() { return box; }

    @Override
    public List<Stored> loadAll() {
        SecretBox key = box;
        Map<String, String> unreadable = new LinkedHashMap<>();
        List<Stored> loaded = readers.read("loading accounts", c -> {
            List<Stored> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(AccountRows.SELECT_ALL); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<Account> account = AccountRows.read(rs);
                    if (account.isEmpty()) {
                        LOG.warn("Account {} in {} has the unknown provider '{}'; it is not loaded",
                                rs.getString("id"), file, rs.getString("provider"));
                        continue;
                    }
                    Account a = account.get();
                    Credentials credentials = switch (CredentialColumns.open(key, a.id(), Cells.read(rs))) {
                        case Opened.Plain p -> CredentialColumns.credentials(p.cells(), Columns.longOr(rs, "expires_at", 0));
                        case Opened.Unreadable _ -> {
                            unreadable.put(a.id(), a.name());
                            yield null;
                        }
                    };
                    all.add(new Stored(a, credentials));
                }
            }
            return all;
        });
        List<String> fresh = new ArrayList<>();
        for (Map.Entry<String, String> e : unreadable.entrySet()) {
            if (!undecryptable.containsKey(e.getKey())) fresh.add(e.getValue());
        }
        setUndecryptable(unreadable);
        if (!fresh.isEmpty()) warnUndecryptable(file, key, fresh);
        return loaded;
    }

    @Override
    public void insert(Account account, Credentials credentials) {
        requireNonNull(account, "account");
        requireNonNull(credentials, "credentials");
        writer.call("adding account " + account.id(), c -> SqlWork.immediate(c, tx -> {
            insertIn(tx, account, credentials);
            return null;
        }));
    }

    /** Inserts an account inside the caller's transaction on the writer connection (an import). */
    void insertIn(Connection tx, Account account, Credentials credentials) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(AccountRows.INSERT)) {
            AccountRows.bindInsert(ps, account);
            CredentialColumns.bind(ps, 8, box, account.id(), credentials);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw duplicateName(e, account.name());
        }
        try (PreparedStatement ps = tx.prepareStatement(AccountRows.UPDATE_STATE)) {
            // A new account normally has no state, but an imported one may: keep it.
            AccountRows.bindState(ps, account);
            ps.executeUpdate();
        }
    }

    @Override
    public boolean delete(String accountId) {
        requireNonNull(accountId, "accountId");
        return writer.call("deleting account " + accountId, c -> {
            boolean deleted = SqlWork.immediate(c, tx -> {
                try (PreparedStatement ps = tx.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
                    ps.setString(1, accountId);
                    return ps.executeUpdate() > 0;
                }
            });
            if (deleted) {
                forget(accountId);
                scrubWal(c, "deleting account " + accountId);
            }
            return deleted;
        });
    }

    @Override
    public void updateSettings(Account account) {
        requireNonNull(account, "account");
        writer.call("updating account " + account.id(), c -> SqlWork.immediate(c, tx -> {
            try (PreparedStatement ps = tx.prepareStatement(AccountRows.UPDATE_SETTINGS)) {
                AccountRows.bindSettings(ps, account);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw duplicateName(e, account.name());
            }
            return null;
        }));
    }

    /**
     * Commits with {@code synchronous=FULL}, so the WAL is synced before this returns: a rotated
     * refresh token lost to a power cut would lock the account out. An unknown account id changes
     * nothing (the account was removed while its token was being refreshed). Then truncates the WAL,
     * so the replaced sealed values do not linger there (the main file's copies are zeroed by
     * {@code secure_delete}).
     */
    @Override
    public void replaceCredentials(String accountId, Credentials credentials) {
        requireNonNull(accountId, "accountId");
        requireNonNull(credentials, "credentials");
        writer.call("storing credentials of account " + accountId, c -> {
            SqlWork.execute(c, "PRAGMA synchronous = FULL");
            try {
                int changed = SqlWork.immediate(c, tx -> {
                    try (PreparedStatement ps = tx.prepareStatement(AccountRows.UPDATE_CREDENTIALS)) {
                        CredentialColumns.bind(ps, 1, box, accountId, credentials);
                        ps.setString(5, accountId);
                        return ps.executeUpdate();
                    }
                });
                if (changed == 0) {
                    LOG.debug("Credentials of unknown account {} not stored", accountId);
                    return null;
                }
            } finally {
                SqlWork.execute(c, "PRAGMA synchronous = NORMAL");
            }
            forget(accountId); // readable again: sealed with the current key
            scrubWal(c, "storing credentials of account " + accountId);
            return null;
        });
    }

    @Override
    public void saveStateLater(Account account) {
        writer.saveStateLater(account);
    }

    /**
     * Re-seals every account's secrets with {@code newBox} in one {@code BEGIN IMMEDIATE}
     * transaction (synced, like a credential write), makes it the current key, then truncates the
     * WAL. Accounts whose secrets the current key cannot open are left untouched and reported.
     */
    Database.KeyRotation rotateKey(SecretBox newBox) {
        requireNonNull(newBox, "newBox");
        return writer.call("re-encrypting credentials with key " + newBox.keyId(), c -> {
            SecretBox old = box;
            Map<String, String> skipped = new LinkedHashMap<>();
            int rotated;
            SqlWork.execute(c, "PRAGMA synchronous = FULL");
            try {
                rotated = SqlWork.immediate(c, tx -> {
                    skipped.clear();
                    Map<String, Cells> resealed = new LinkedHashMap<>();
                    try (Statement s = tx.createStatement();
                         ResultSet rs = s.executeQuery("SELECT id, name, api_key, access_token, refresh_token FROM accounts"
                                 + " ORDER BY priority, created_at, id")) {
                        while (rs.next()) {
                            String id = rs.getString("id");
                            switch (CredentialColumns.open(old, id, Cells.read(rs))) {
                                case Opened.Plain p -> resealed.put(id, CredentialColumns.seal(newBox, id, p.cells()));
                                case Opened.Unreadable _ -> skipped.put(id, rs.getString("name"));
                            }
                        }
                    }
                    try (PreparedStatement ps = tx.prepareStatement(
                            "UPDATE accounts SET " + CredentialColumns.SECRET_ASSIGNMENTS + " WHERE id = ?")) {
                        for (Map.Entry<String, Cells> e : resealed.entrySet()) {
                            CredentialColumns.bindCells(ps, 1, e.getValue());
                            ps.setString(4, e.getKey());
                            ps.executeUpdate();
                        }
                    }
                    return resealed.size();
                });
            } finally {
                SqlWork.execute(c, "PRAGMA synchronous = NORMAL");
            }
            box = newBox;
            setUndecryptable(skipped);
            scrubWal(c, "re-encrypting credentials");
            LOG.info("Re-encrypted the credentials of {} accounts in {} with key {} (was {})", rotated, file,
                    newBox.keyId(), old.keyId());
            if (!skipped.isEmpty()) {
                LOG.warn("Credentials of accounts {} in {} could not be opened with key {} and were left as they are",
                        skipped.values(), file, old.keyId());
            }
            return new Database.KeyRotation(rotated, List.copyOf(skipped.values()));
        });
    }

    /**
     * Runs once at open, on the writer connection before the writer thread starts. Finds the
     * accounts whose secrets {@code box} cannot open (returned, id to name, and logged once), and
     * seals every secret an older build stored in plain text, in one transaction.
     *
     * <p>Sealing must not leave the plain text behind in free space: the old build rewrote the row
     * on every state change, so stale copies sit in the page's free blocks, and freed pages keep
     * their bytes. So the table is emptied ({@code DELETE} without WHERE clears every page, and
     * with {@code secure_delete} zeroes them) and refilled sealed, the free-page list is returned
     * to the file system with {@code incremental_vacuum}, and the WAL is truncated. Cheaper than a
     * full VACUUM, which would rewrite the whole request history.
     */
    static Map<String, String> sealPlaintext(Connection c, Path file, SecretBox box) throws SQLException {
        Map<String, String> unreadable = new LinkedHashMap<>();
        int sealed = SqlWork.immediate(c, tx -> {
            unreadable.clear();
            List<String> columns = new ArrayList<>();
            List<Object[]> rows = new ArrayList<>();
            int legacy = 0;
            try (Statement s = tx.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM accounts ORDER BY priority, created_at, id")) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) columns.add(meta.getColumnName(i));
                while (rs.next()) {
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) row[i] = rs.getObject(i + 1);
                    String id = rs.getString("id");
                    switch (CredentialColumns.open(box, id, Cells.read(rs))) {
                        case Opened.Unreadable _ -> unreadable.put(id, rs.getString("name"));
                        case Opened.Plain p when p.legacy() -> {
                            legacy++;
                            Cells cells = CredentialColumns.seal(box, id, p.cells());
                            row[columns.indexOf("api_key")] = cells.apiKey();
                            row[columns.indexOf("access_token")] = cells.accessToken();
                            row[columns.indexOf("refresh_token")] = cells.refreshToken();
                        }
                        case Opened.Plain _ -> { /* already sealed */ }
                    }
                    rows.add(row);
                }
            }
            if (legacy == 0) return 0;
            SqlWork.execute(tx, "DELETE FROM accounts");
            StringBuilder names = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (String column : columns) {
                if (!names.isEmpty()) {
                    names.append(", ");
                    marks.append(", ");
                }
                names.append('"').append(column.replace("\"", "\"\"")).append('"');
                marks.append('?');
            }
            try (PreparedStatement ps = tx.prepareStatement("INSERT INTO accounts (" + names + ") VALUES (" + marks + ")")) {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        if (row[i] == null) ps.setNull(i + 1, Types.NULL);
                        else ps.setObject(i + 1, row[i]);
                    }
                    ps.executeUpdate();
                }
            }
            return legacy;
        });
        if (sealed > 0) {
            // executeUpdate steps the pragma to the end; execute() would free a single page.
            try (Statement s = c.createStatement()) {
                s.executeUpdate("PRAGMA incremental_vacuum");
            }
            if (!SqlWork.truncateWal(c)) {
                LOG.warn("The WAL of {} could not be truncated after sealing plain-text credentials (another process"
                        + " reads it); old values stay in it until the next checkpoint", file);
            }
            LOG.info("Sealed the plain-text credentials of {} accounts in {} with key {}", sealed, file, box.keyId());
        }
        if (!unreadable.isEmpty()) warnUndecryptable(file, box, unreadable.values());
        return unreadable;
    }

    private static void warnUndecryptable(Path file, SecretBox box, Collection<String> names) {
        LOG.warn("Credentials of accounts {} in {} cannot be decrypted with key {} (another key, or altered); those"
                + " accounts are loaded without credentials and their stored values are kept", names, file, box.keyId());
    }

    private synchronized void setUndecryptable(Map<String, String> unreadable) {
        undecryptable = frozen(unreadable);
    }

    private synchronized void forget(String accountId) {
        if (!undecryptable.containsKey(accountId)) return;
        Map<String, String> rest = new LinkedHashMap<>(undecryptable);
        rest.remove(accountId);
        undecryptable = frozen(rest);
    }

    private static Map<String, String> frozen(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** Truncates the WAL after a secret was replaced or removed; a failure here loses nothing, so it only logs. */
    private void scrubWal(Connection c, String what) {
        try {
            if (!SqlWork.truncateWal(c)) {
                LOG.debug("WAL of {} not truncated after {}: a reader held it; the next checkpoint will", file, what);
            }
        } catch (SQLException e) {
            LOG.warn("Checkpoint of {} after {} failed: {}", file, what, e.getMessage());
        }
    }

    /** Turns a UNIQUE violation on the name into the domain's exception; anything else stays an SQL failure. */
    private static SQLException duplicateName(SQLException e, String name) {
        if (SingleWriter.isConstraint(e) && e.getMessage() != null && e.getMessage().contains("accounts.name")) {
            throw new DuplicateNameException(name);
        }
        return e;
    }
}

package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ccflare.core.Account;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;

/**
 * Accounts in the {@code accounts} table. Synchronous writes run on the single writer thread (so
 * they never contend with the request batches for the write lock); {@link #saveStateLater} hands
 * the state to that thread without waiting.
 */
final class SqliteAccountStore implements AccountStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteAccountStore.class);

    private final Path file;
    private final SingleWriter writer;
    private final Readers readers;

    SqliteAccountStore(Path file, SingleWriter writer, Readers readers) {
        this.file = file;
        this.writer = writer;
        this.readers = readers;
    }

    @Override
    public List<Stored> loadAll() {
        return readers.read("loading accounts", c -> {
            List<Stored> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(AccountRows.SELECT_ALL); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Optional<Account> account = AccountRows.read(rs);
                    if (account.isEmpty()) {
                        LOG.warn("Account {} in {} has the unknown provider '{}'; it is not loaded",
                                rs.getString("id"), file, rs.getString("provider"));
                        continue;
                    }
                    all.add(new Stored(account.get(), CredentialColumns.read(rs)));
                }
            }
            return all;
        });
    }

    @Override
    public void insert(Account account, Credentials credentials) {
        requireNonNull(account, "account");
        requireNonNull(credentials, "credentials");
        writer.call("adding account " + account.id(), c -> SqlWork.immediate(c, tx -> {
            try (PreparedStatement ps = tx.prepareStatement(AccountRows.INSERT)) {
                AccountRows.bindInsert(ps, account);
                CredentialColumns.bind(ps, 8, credentials);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw duplicateName(e, account.name());
            }
            try (PreparedStatement ps = tx.prepareStatement(AccountRows.UPDATE_STATE)) {
                // A new account normally has no state, but an imported one may: keep it.
                AccountRows.bindState(ps, account);
                ps.executeUpdate();
            }
            return null;
        }));
    }

    @Override
    public boolean delete(String accountId) {
        requireNonNull(accountId, "accountId");
        return writer.call("deleting account " + accountId, c -> SqlWork.immediate(c, tx -> {
            try (PreparedStatement ps = tx.prepareStatement("DELETE FROM accounts WHERE id = ?")) {
                ps.setString(1, accountId);
                return ps.executeUpdate() > 0;
            }
        }));
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
     * nothing (the account was removed while its token was being refreshed).
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
                        CredentialColumns.bind(ps, 1, credentials);
                        ps.setString(5, accountId);
                        return ps.executeUpdate();
                    }
                });
                if (changed == 0) LOG.debug("Credentials of unknown account {} not stored", accountId);
            } finally {
                SqlWork.execute(c, "PRAGMA synchronous = NORMAL");
            }
            return null;
        });
    }

    @Override
    public void saveStateLater(Account account) {
        writer.saveStateLater(account);
    }

    /** Turns a UNIQUE violation on the name into the domain's exception; anything else stays an SQL failure. */
    private static SQLException duplicateName(SQLException e, String name) {
        if (SingleWriter.isConstraint(e) && e.getMessage() != null && e.getMessage().contains("accounts.name")) {
            throw new DuplicateNameException(name);
        }
        return e;
    }
}

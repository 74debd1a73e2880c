package ccflare.core;

import java.util.List;

/**
 * Durable storage of accounts and their credentials. Calls block on the database, so the proxy's
 * hot path never calls them directly: it goes through {@link AccountRegistry}, which keeps the
 * live state in memory and hands state changes to {@link #saveStateLater(Account)}.
 */
public interface AccountStore {

    /** An account with its credentials, as loaded at start-up. {@code credentials} is null when it cannot be decrypted. */
    record Stored(Account account, Credentials credentials) {}

    List<Stored> loadAll();

    /** Inserts a new account. @throws DuplicateNameException when the name is taken */
    void insert(Account account, Credentials credentials);

    /** Deletes an account; returns false when there was none with that id. */
    boolean delete(String accountId);

    /** Writes the settings (name, priority, paused, base URL) of an account, synchronously. */
    void updateSettings(Account account);

    /**
     * Replaces an account's credentials and waits until they are durable on disk. Rotated OAuth
     * refresh tokens are single-use, so a new token must never be used before this returns.
     */
    void replaceCredentials(String accountId, Credentials credentials);

    /** Queues a write of the live state (counters, session, rate limit, needs-reauth); never blocks. */
    void saveStateLater(Account account);

    /** Thrown when an account name is already taken. */
    final class DuplicateNameException extends CcflareException {
        private static final long serialVersionUID = 1L;
        public DuplicateNameException(String name) { super("account name '" + name + "' is already taken"); }
    }
}

package ccflare.api;

import ccflare.core.Account;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An in-memory AccountStore: what the registry writes through, kept in a map. */
final class FakeAccountStore implements AccountStore {
    final Map<String, Stored> rows = new LinkedHashMap<>();

    @Override public synchronized List<Stored> loadAll() { return new ArrayList<>(rows.values()); }

    @Override public synchronized void insert(Account account, Credentials credentials) {
        for (Stored s : rows.values()) if (s.account().name().equals(account.name())) throw new DuplicateNameException(account.name());
        rows.put(account.id(), new Stored(account, credentials));
    }

    @Override public synchronized boolean delete(String accountId) { return rows.remove(accountId) != null; }

    @Override public synchronized void updateSettings(Account account) {
        Stored s = rows.get(account.id());
        if (s != null) rows.put(account.id(), new Stored(account, s.credentials()));
    }

    @Override public synchronized void replaceCredentials(String accountId, Credentials credentials) {
        Stored s = rows.get(accountId);
        if (s != null) rows.put(accountId, new Stored(s.account(), credentials));
    }

    @Override public synchronized void saveStateLater(Account account) { updateSettings(account); }
}

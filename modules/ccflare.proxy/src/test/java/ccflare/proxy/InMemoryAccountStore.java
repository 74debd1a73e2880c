package ccflare.proxy;

import ccflare.core.Account;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;
import java.util.ArrayList;
import java.util.List;

/** An AccountStore for tests: nothing durable, writes counted. */
final class InMemoryAccountStore implements AccountStore {
    final List<Account> stateWrites = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override public List<Stored> loadAll() { return new ArrayList<>(); }
    @Override public void insert(Account account, Credentials credentials) {}
    @Override public boolean delete(String accountId) { return true; }
    @Override public void updateSettings(Account account) {}
    @Override public void replaceCredentials(String accountId, Credentials credentials) {}
    @Override public void saveStateLater(Account account) { stateWrites.add(account); }
}

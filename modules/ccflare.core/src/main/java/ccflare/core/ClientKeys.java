package ccflare.core;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The client keys of the daemon: the store, and the snapshot the proxy decides on. The snapshot is
 * read from the store at start and replaced after every change made here, so a revoked key stops
 * working with the next request and no request reads the database.
 */
public final class ClientKeys {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final ClientKeyStore store;
    private final SecureRandom random;
    private volatile List<ClientKey> snapshot;

    public ClientKeys(ClientKeyStore store, SecureRandom random) {
        this.store = requireNonNull(store, "store");
        this.random = requireNonNull(random, "random");
        this.snapshot = List.copyOf(store.all());
    }

    /**
     * No client keys and no place to keep any: the proxy stays open. For proxies built without a
     * database (embedding, tests); creating a key there is refused.
     */
    public static ClientKeys none() {
        return new ClientKeys(new ClientKeyStore() {
            @Override public List<ClientKey> all() { return List.of(); }
            @Override public void insert(ClientKey key) {
                throw new UnsupportedOperationException("client keys need the daemon's database");
            }
            @Override public Optional<ClientKey> revoke(String id, long nowMs) { return Optional.empty(); }
            @Override public Map<String, Double> spendSince(long sinceMs) { return Map.of(); }
        }, new SecureRandom());
    }

    /** A new key and the only time its text is seen. */
    public record Created(ClientKey key, String secret) {
        @Override
        public String toString() { return "Created[" + key + ", secret=redacted]"; }
    }

    /** Every key, as the proxy sees it now (revoked and expired ones included). */
    public List<ClientKey> snapshot() { return snapshot; }

    /** Whether any key is defined: then {@code /v1/**} requires one. */
    public boolean required() { return !snapshot.isEmpty(); }

    public ClientKeyStore store() { return store; }

    /**
     * Makes, stores and returns a new key.
     *
     * @param expiresAtMs 0 never
     * @throws IllegalArgumentException for a bad name, a name in use or a bad limit
     */
    public synchronized Created create(String name, long nowMs, long expiresAtMs, int requestsPerMinute, double dailyUsd) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit)");
        }
        if (expiresAtMs != 0 && expiresAtMs <= nowMs) throw new IllegalArgumentException("expires: in the past (expected: a time after now)");
        for (ClientKey k : snapshot) {
            if (k.name().equals(name)) throw new IllegalArgumentException("a client key named '" + name + "' already exists");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = ClientKeyGate.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        ClientKey key = new ClientKey(UUID.randomUUID().toString(), name, ClientKeyGate.hash(secret), nowMs, expiresAtMs, 0,
                requestsPerMinute, dailyUsd);
        store.insert(key);
        reload();
        return new Created(key, secret);
    }

    /** Revokes the key with this name or id; empty when there is none. */
    public synchronized Optional<ClientKey> revoke(String nameOrId, long nowMs) {
        Optional<ClientKey> target = find(nameOrId);
        if (target.isEmpty()) return Optional.empty();
        Optional<ClientKey> revoked = store.revoke(target.get().id(), nowMs);
        reload();
        return revoked;
    }

    public Optional<ClientKey> find(String nameOrId) {
        for (ClientKey k : snapshot) if (k.id().equals(nameOrId)) return Optional.of(k);
        for (ClientKey k : snapshot) if (k.name().equals(nameOrId)) return Optional.of(k);
        return Optional.empty();
    }

    /** Spend per key id since {@code sinceMs}, from the store. */
    public Map<String, Double> spendSince(long sinceMs) { return store.spendSince(sinceMs); }

    private void reload() { snapshot = List.copyOf(store.all()); }
}

package ccflare.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where client keys are kept (the {@code client_keys} table). Blocking; never called on the hot path. */
public interface ClientKeyStore {

    /** Every key, revoked and expired ones too, oldest first. */
    List<ClientKey> all();

    /**
     * Stores a new key.
     *
     * @throws IllegalArgumentException when a key of that name exists
     */
    void insert(ClientKey key);

    /** Marks the key revoked at {@code nowMs}; empty when no key has this id. A revoked key stays revoked. */
    Optional<ClientKey> revoke(String id, long nowMs);

    /** The recorded spend of each client key (by id) since {@code sinceMs}, for per-day limits after a restart. */
    Map<String, Double> spendSince(long sinceMs);
}

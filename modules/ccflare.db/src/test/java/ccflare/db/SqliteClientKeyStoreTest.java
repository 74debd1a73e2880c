package ccflare.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.core.ClientKey;
import ccflare.core.Outcome;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SqliteClientKeyStoreTest extends WithOpenDatabase {

    private static ClientKey key(String id, String name, String hash, long created) {
        return new ClientKey(id, name, hash, created, 0, 0, 60, 2.5);
    }

    private static RequestRecord record(String id, long at, String keyId, double cost) {
        return new RequestRecord(id, at, "POST", "/v1/messages", "anthropic", "", "m", 200, Outcome.OK, 1, 0, 1, 1, 1, 0,
                Usage.NONE, cost, -1, "", "", "", null, keyId);
    }

    @Test
    void keysAreStoredListedOldestFirstAndRevokedOnce() {
        var store = db.clientKeys();
        store.insert(key("k2", "bob", "bb", 2000));
        store.insert(key("k1", "alice", "aa", 1000));
        assertThat(store.all()).extracting(ClientKey::name).containsExactly("alice", "bob");
        assertThat(store.all().getFirst()).isEqualTo(key("k1", "alice", "aa", 1000));

        assertThatThrownBy(() -> store.insert(key("k3", "alice", "cc", 3000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a client key named 'alice' already exists");

        assertThat(store.revoke("k1", 5000)).hasValueSatisfying(k -> assertThat(k.revokedAtMs()).isEqualTo(5000));
        // Revoked stays revoked at its first time.
        assertThat(store.revoke("k1", 9000)).hasValueSatisfying(k -> assertThat(k.revokedAtMs()).isEqualTo(5000));
        assertThat(store.revoke("nope", 9000)).isEmpty();
        ClientKey unlimited = new ClientKey("k4", "ci", "dd", 4000, 0, 0, 0, 0);
        store.insert(unlimited);
        assertThat(store.all().getLast()).isEqualTo(unlimited);
    }

    @Test
    void theRecordKeepsItsKeyAndSpendIsSummedPerKeySinceATime() {
        assertThat(db.requestLog().append(record("r1", 1000, "k1", 0.5))).isTrue();
        assertThat(db.requestLog().append(record("r2", 2000, "k1", 0.25))).isTrue();
        assertThat(db.requestLog().append(record("r3", 3000, "k2", 1.0))).isTrue();
        assertThat(db.requestLog().append(record("r4", 4000, "", 9.0))).isTrue();
        assertThat(db.flush(Duration.ofSeconds(5))).isTrue();

        assertThat(db.queries().find("r1")).hasValueSatisfying(r -> assertThat(r.clientKeyId()).isEqualTo("k1"));
        assertThat(db.queries().find("r4")).hasValueSatisfying(r -> assertThat(r.clientKeyId()).isEmpty());
        assertThat(db.clientKeys().spendSince(0)).containsOnlyKeys("k1", "k2").containsEntry("k1", 0.75).containsEntry("k2", 1.0);
        assertThat(db.clientKeys().spendSince(1500)).containsOnlyKeys("k1", "k2").containsEntry("k1", 0.25);
    }
}

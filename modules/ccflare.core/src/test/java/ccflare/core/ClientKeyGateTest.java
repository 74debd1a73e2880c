package ccflare.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientKeyGateTest {

    private static final String SECRET = "ccf_0123456789abcdefghijklmnopqrstuvwxyzABCDE";
    private static final long NOW = 1_800_000_000_000L;

    private static ClientKey key(String name, String secret, long expires, long revoked) {
        return new ClientKey("id-" + name, name, ClientKeyGate.hash(secret), NOW - 1000, expires, revoked, 0, 0);
    }

    @Test
    void noKeyDefinedIsOpenWhateverTheRequestSends() {
        assertThat(ClientKeyGate.decide(List.of(), null, NOW)).isInstanceOf(ClientKeyGate.Decision.Open.class);
        assertThat(ClientKeyGate.decide(List.of(), "sk-ant-anything", NOW)).isInstanceOf(ClientKeyGate.Decision.Open.class);
    }

    @Test
    void theMatchingKeyIsAllowedAndTheOthersAreNot() {
        ClientKey alice = key("alice", SECRET, 0, 0);
        ClientKey bob = key("bob", SECRET + "x", 0, 0);
        assertThat(ClientKeyGate.decide(List.of(bob, alice), SECRET, NOW)).isEqualTo(new ClientKeyGate.Decision.Allowed(alice));
        assertThat(ClientKeyGate.decide(List.of(bob, alice), SECRET + "x", NOW)).isEqualTo(new ClientKeyGate.Decision.Allowed(bob));
    }

    @Test
    void missingUnknownRevokedAndExpiredKeysAreRefusedSayingWhich() {
        List<ClientKey> one = List.of(key("alice", SECRET, 0, 0));
        assertThat(ClientKeyGate.decide(one, null, NOW)).isInstanceOfSatisfying(ClientKeyGate.Decision.Refused.class,
                r -> assertThat(r.reason()).contains("requires a client key", "x-api-key", "Authorization: Bearer"));
        assertThat(ClientKeyGate.decide(one, "  ", NOW)).isInstanceOf(ClientKeyGate.Decision.Refused.class);
        assertThat(ClientKeyGate.decide(one, "ccf_wrong", NOW))
                .isEqualTo(new ClientKeyGate.Decision.Refused("unknown client key"));
        assertThat(ClientKeyGate.decide(List.of(key("alice", SECRET, 0, NOW - 1)), SECRET, NOW))
                .isEqualTo(new ClientKeyGate.Decision.Refused("client key 'alice' was revoked"));
        assertThat(ClientKeyGate.decide(List.of(key("alice", SECRET, NOW, 0)), SECRET, NOW))
                .isInstanceOfSatisfying(ClientKeyGate.Decision.Refused.class,
                        r -> assertThat(r.reason()).startsWith("client key 'alice' expired at 2027-"));
        assertThat(ClientKeyGate.decide(List.of(key("alice", SECRET, NOW + 1, 0)), SECRET, NOW))
                .isInstanceOf(ClientKeyGate.Decision.Allowed.class);
    }

    @Test
    void onlyARevokedKeyStillClosesTheProxy() {
        assertThat(ClientKeyGate.decide(List.of(key("alice", SECRET, 0, NOW - 1)), null, NOW))
                .isInstanceOf(ClientKeyGate.Decision.Refused.class);
    }

    @Test
    void theStoredHashIsHexSha256NeverTheKey() {
        String hash = ClientKeyGate.hash(SECRET);
        assertThat(hash).hasSize(64).matches("[0-9a-f]+").doesNotContain(SECRET);
        assertThat(ClientKeyGate.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}

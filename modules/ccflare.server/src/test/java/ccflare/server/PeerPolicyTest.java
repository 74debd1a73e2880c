package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerPolicyTest {

    private final PeerPolicy alone = new PeerPolicy("ccflare", Optional.empty());
    private final PeerPolicy withGroup = new PeerPolicy("ccflare", Optional.of("ccadmin"));

    @Test
    void admitsTheDaemonsOwnUserAndRoot() {
        assertThat(alone.judge("ccflare", "ccflare")).isEqualTo(new PeerPolicy.Verdict.Admitted("ccflare"));
        assertThat(alone.judge("root", "root")).isEqualTo(new PeerPolicy.Verdict.Admitted("root"));
    }

    @Test
    void refusesAnyoneElseNamingWhoIsAllowed() {
        assertThat(alone.judge("mallory", "users")).isEqualTo(new PeerPolicy.Verdict.Refused("mallory", "users",
                "user 'mallory' is not allowed on the admin socket (expected: user 'ccflare' or root)"));
        assertThat(alone.judge("54321", "54321")).isInstanceOf(PeerPolicy.Verdict.Refused.class);
    }

    @Test
    void admitsAPeerWhosePrimaryGroupIsTheAdminGroupOnly() {
        assertThat(withGroup.judge("alice", "ccadmin")).isEqualTo(new PeerPolicy.Verdict.Admitted("alice"));
        assertThat(withGroup.judge("alice", "users")).isEqualTo(new PeerPolicy.Verdict.Refused("alice", "users",
                "user 'alice' is not allowed on the admin socket (expected: user 'ccflare' or root, or primary group 'ccadmin')"));
    }

    @Test
    void refusesNobodyEvenInTheAdminGroupOrAsTheDaemonsUser() {
        // Inside a user namespace (systemd PrivateUsers=yes) every unmapped peer is reported as nobody.
        assertThat(withGroup.judge("nobody", "ccadmin")).isInstanceOf(PeerPolicy.Verdict.Refused.class);
        assertThat(new PeerPolicy("nobody", Optional.empty()).judge("nobody", "nogroup")).isInstanceOf(PeerPolicy.Verdict.Refused.class);
        assertThat(alone.judge("65534", "65534")).isInstanceOf(PeerPolicy.Verdict.Refused.class);
    }
}

package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenBindTest {

    @Test
    void onlyANonLoopbackBindWithNoKeyAndNoPermissionIsRefused() {
        assertThat(OpenBind.problem("0.0.0.0", true, false, false)).hasValueSatisfying(s -> assertThat(s)
                .contains("refusing to listen on 0.0.0.0 with no client key defined", "anyone who can reach",
                        "ccflarectl keys create", "CCFLARE_ALLOW_OPEN_BIND=true"));
        assertThat(OpenBind.problem("127.0.0.1", false, false, false)).isEmpty();
        assertThat(OpenBind.problem("0.0.0.0", true, true, false)).isEmpty();
        assertThat(OpenBind.problem("0.0.0.0", true, false, true)).isEmpty();
    }

    @Test
    void exposedMeansSomeAddressOfTheNameIsNotLoopback() {
        assertThat(OpenBind.exposed("127.0.0.1")).isFalse();
        assertThat(OpenBind.exposed("::1")).isFalse();
        assertThat(OpenBind.exposed("127.0.0.2")).isFalse();
        assertThat(OpenBind.exposed("0.0.0.0")).isTrue();
        assertThat(OpenBind.exposed("::")).isTrue();
        assertThat(OpenBind.exposed("192.168.1.5")).isTrue();
        // Not an address: the bind's own error names it (DaemonTest), not this check.
        assertThat(OpenBind.exposed("999.1.1.1")).isFalse();
    }
}

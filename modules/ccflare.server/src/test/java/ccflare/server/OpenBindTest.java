package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenBindTest {

    @Test
    void onlyANonLoopbackBindWithNoKeyAndNoPermissionIsRefused() {
        assertThat(OpenBind.problem("0.0.0.0", false, false, false)).hasValueSatisfying(s -> assertThat(s)
                .contains("refusing to listen on 0.0.0.0 with no client key defined", "anyone who can reach",
                        "ccflarectl keys create", "CCFLARE_ALLOW_OPEN_BIND=true"));
        assertThat(OpenBind.problem("127.0.0.1", true, false, false)).isEmpty();
        assertThat(OpenBind.problem("0.0.0.0", false, true, false)).isEmpty();
        assertThat(OpenBind.problem("0.0.0.0", false, false, true)).isEmpty();
    }

    @Test
    void loopbackMeansEveryAddressOfTheNameIsLoopback() {
        assertThat(OpenBind.loopback("127.0.0.1")).isTrue();
        assertThat(OpenBind.loopback("::1")).isTrue();
        assertThat(OpenBind.loopback("127.0.0.2")).isTrue();
        assertThat(OpenBind.loopback("0.0.0.0")).isFalse();
        assertThat(OpenBind.loopback("::")).isFalse();
        assertThat(OpenBind.loopback("192.168.1.5")).isFalse();
    }
}

package ccflare.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostPolicyTest {

    private final HostPolicy loopback = HostPolicy.loopback();

    @Test
    void loopbackAuthoritiesAreRecognisedAndLookalikesAreNot() {
        for (String ok : List.of("localhost", "localhost:8080", "127.0.0.1:1", "[::1]", "[::1]:65535", "LocalHost:80")) {
            assertThat(loopback.allowedAuthority(ok)).as(ok).isTrue();
        }
        for (String bad : List.of("localhost.", "127.0.0.2", "[::1", "[::1]x", "localhost:", "localhost:1234567",
                "evil.example", "127.0.0.1.nip.io", "localhost:80:80", "user@localhost", "", "attacker.example:8080")) {
            assertThat(loopback.allowedAuthority(bad)).as(bad).isFalse();
        }
    }

    @Test
    void theHostProblemNamesTheHostAndTheWayToAllowIt() {
        assertThat(loopback.hostProblem("127.0.0.1:8080")).isEmpty();
        assertThat(loopback.hostProblem(null)).hasValueSatisfying(m -> assertThat(m).startsWith("missing Host header"));
        assertThat(loopback.hostProblem("attacker.example")).hasValueSatisfying(m -> assertThat(m)
                .contains("'attacker.example'").contains("(expected: localhost, 127.0.0.1 or [::1], with the port;")
                .contains("DNS rebinding").contains("CCFLARE_ALLOWED_HOSTS"));
        assertThat(loopback.hostProblem("evil\r\n.example")).hasValueSatisfying(m -> assertThat(m).contains("\\u000d\\u000a"));
    }

    @Test
    void aSpecificBindAddressAndTheAllowListAreServedToo() {
        HostPolicy p = HostPolicy.of("192.168.1.5", List.of("ccflare.lan", "fe80::1"));
        assertThat(p.allowedAuthority("192.168.1.5:8080")).isTrue();
        assertThat(p.allowedAuthority("CCFLARE.lan:8080")).isTrue();
        assertThat(p.allowedAuthority("[fe80::1]:8080")).isTrue();
        assertThat(p.allowedAuthority("localhost:8080")).isTrue();
        assertThat(p.allowedAuthority("192.168.1.6:8080")).as("another address of a specific bind").isFalse();
        assertThat(p.allowedAuthority("other.lan")).isFalse();
        assertThat(p.hostProblem("other.lan")).hasValueSatisfying(m -> assertThat(m).contains("(expected: localhost, 127.0.0.1, [::1], 192.168.1.5, ccflare.lan or [fe80::1], with the port"));
    }

    @Test
    void aWildcardBindAcceptsAnyIpLiteralButNoForeignName() {
        HostPolicy p = HostPolicy.of("0.0.0.0", List.of());
        assertThat(p.allowedAuthority("10.0.0.7:8080")).isTrue();
        assertThat(p.allowedAuthority("[2001:db8::7]:8080")).isTrue();
        assertThat(p.allowedAuthority("999.1.1.1")).isFalse();
        assertThat(p.allowedAuthority("attacker.example")).isFalse();
        assertThat(HostPolicy.of("::", List.of()).allowedAuthority("10.0.0.7")).isTrue();
        assertThat(loopback.allowedAuthority("10.0.0.7")).as("not when bound to loopback").isFalse();
    }

    @Test
    void allowListEntriesThatAreNotHostNamesAreRefusedByName() {
        for (String bad : List.of("http://ccflare.lan", "ccflare.lan:8080", "under_score.lan", "-x.lan", "a..b", "")) {
            assertThatThrownBy(() -> HostPolicy.of("127.0.0.1", List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "' is not a host name or IP address");
        }
    }

    @Test
    void anApiOriginMayBeAnyPageOfAnAllowedHost() {
        assertThat(loopback.originProblem(null)).isEmpty();
        assertThat(loopback.originProblem("http://localhost:3000")).isEmpty();
        assertThat(loopback.originProblem("https://127.0.0.1")).isEmpty();
        for (String bad : List.of("http://attacker.example", "null", "file://", "http://user@localhost", "ftp://localhost",
                "http://localhost.attacker.example", "http://localhost/path")) {
            assertThat(loopback.originProblem(bad)).as(bad).isPresent();
        }
    }

    @Test
    void aSameOriginRequestMustMatchSchemeHostAndPort() {
        assertThat(loopback.sameOriginProblem(null, "127.0.0.1:8080", false)).as("no Origin: a CLI or SDK").isEmpty();
        assertThat(loopback.sameOriginProblem("http://127.0.0.1:8080", "127.0.0.1:8080", false)).isEmpty();
        assertThat(loopback.sameOriginProblem("http://LOCALHOST:8080", "localhost:8080", false)).isEmpty();
        assertThat(loopback.sameOriginProblem("http://localhost", "localhost:80", false)).as("default port").isEmpty();
        assertThat(loopback.sameOriginProblem("https://localhost", "localhost", true)).isEmpty();
        assertThat(loopback.sameOriginProblem("http://localhost:3000", "localhost:8080", false)).as("another port").isPresent();
        assertThat(loopback.sameOriginProblem("http://127.0.0.1:8080", "localhost:8080", false)).as("another loopback name").isEmpty();
        assertThat(loopback.sameOriginProblem("http://evil.example:8080", "localhost:8080", false)).as("a foreign name").isPresent();
        assertThat(loopback.sameOriginProblem("https://localhost:8080", "localhost:8080", false)).as("another scheme").isPresent();
        assertThat(loopback.sameOriginProblem("http://attacker.example", "127.0.0.1:8080", false))
                .hasValueSatisfying(m -> assertThat(m).contains("'http://attacker.example'").contains("pages of other sites and other local servers are refused"));
        assertThat(loopback.sameOriginProblem("null", "127.0.0.1:8080", false)).as("sandboxed or file page").isPresent();
    }

    @Test
    void secFetchSiteRefusesWhatABrowserSentFromAnotherSite() {
        assertThat(HostPolicy.fetchSiteProblem(null)).isEmpty();
        assertThat(HostPolicy.fetchSiteProblem("same-origin")).isEmpty();
        assertThat(HostPolicy.fetchSiteProblem("none")).isEmpty();
        assertThat(HostPolicy.fetchSiteProblem("cross-site")).hasValueSatisfying(m -> assertThat(m).contains("cross-site"));
        assertThat(HostPolicy.fetchSiteProblem("same-site")).isPresent();
    }
}

package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.ProviderKind;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    private static final Optional<ClientGate.Refusal> HOST_OK = Optional.empty();
    private static final Optional<ClientGate.Refusal> HOST_REFUSED =
            Optional.of(new ClientGate.Refusal(403, ErrorBodies.PERMISSION, "origin 'https://evil.example' is not allowed"));
    private static final ClientAdmission.Verdict KEY_OK = new ClientAdmission.Verdict("k1", 0, "", "", 0);
    private static final ClientAdmission.Verdict KEY_REFUSED =
            new ClientAdmission.Verdict("", 401, ErrorBodies.AUTHENTICATION, "missing client key", 0);
    private static final ClientAdmission.Verdict KEY_LIMITED =
            new ClientAdmission.Verdict("k1", 429, ErrorBodies.RATE_LIMIT, "client key 'ci' is limited to 3 requests per minute", 50);
    private static final Route MATCH = new Route.Match(Set.of(ProviderKind.ANTHROPIC), ProviderKind.ANTHROPIC, "/v1/messages");
    private static final Route UNKNOWN = new Route.UnknownPrefix("gemini");

    @Test
    void allChecksPassedIsAdmittedWithTheKeyId() {
        assertThat(Admission.decide(HOST_OK, KEY_OK, MATCH)).isEqualTo(new Admission.Admitted("k1"));
    }

    @Test
    void noKeyRequiredIsTheSharedOpenValue() {
        assertThat(Admission.decide(HOST_OK, ClientAdmission.OPEN, MATCH)).isSameAs(Admission.OPEN);
        assertThat(Admission.OPEN.keyId()).isEmpty();
    }

    @Test
    void aHostRefusalIsAnsweredAsTheGateSaidWithoutRetryAfterOrKey() {
        assertThat(Admission.decide(HOST_REFUSED, KEY_OK, MATCH)).isEqualTo(new Admission.Refused(
                403, ErrorBodies.PERMISSION, "origin 'https://evil.example' is not allowed", 0, ""));
    }

    @Test
    void aKeyRefusalCarriesItsStatusRetryAfterAndKeyId() {
        assertThat(Admission.decide(HOST_OK, KEY_REFUSED, MATCH)).isEqualTo(new Admission.Refused(
                401, ErrorBodies.AUTHENTICATION, "missing client key", 0, ""));
        assertThat(Admission.decide(HOST_OK, KEY_LIMITED, MATCH)).isEqualTo(new Admission.Refused(
                429, ErrorBodies.RATE_LIMIT, "client key 'ci' is limited to 3 requests per minute", 50, "k1"));
    }

    @Test
    void anUnknownPrefixIs404NamingTheKnownOnesAndKeepsTheKeyId() {
        assertThat(Admission.decide(HOST_OK, KEY_OK, UNKNOWN)).isEqualTo(new Admission.Refused(
                404, ErrorBodies.NOT_FOUND, "unknown provider prefix 'gemini' (expected: anthropic, openai, claude-code, codex)",
                0, "k1"));
    }

    @Test
    void theHostRefusalWinsOverTheKeyAndTheRoute() {
        assertThat(Admission.decide(HOST_REFUSED, KEY_REFUSED, UNKNOWN))
                .isInstanceOfSatisfying(Admission.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
        assertThat(Admission.decide(HOST_REFUSED, KEY_OK, UNKNOWN))
                .isInstanceOfSatisfying(Admission.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
    }

    @Test
    void theKeyRefusalWinsOverTheUnknownPrefix() {
        assertThat(Admission.decide(HOST_OK, KEY_LIMITED, UNKNOWN))
                .isInstanceOfSatisfying(Admission.Refused.class, r -> assertThat(r.status()).isEqualTo(429));
        assertThat(Admission.decide(HOST_OK, KEY_REFUSED, UNKNOWN))
                .isInstanceOfSatisfying(Admission.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    }

    @Test
    void theInFlightRefusalIs503RetryAfterOneNamingTheLimit() {
        assertThat(Admission.overloaded(64, "k1")).isEqualTo(new Admission.Refused(
                503, ErrorBodies.OVERLOADED, "too many requests in flight (limit 64); retry shortly", 1, "k1"));
    }
}

package ccflare.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class OAuthTokenEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeUpstream upstream;

    @BeforeEach void start() { upstream = FakeUpstream.start(); }

    @AfterEach void stop() { upstream.close(); }

    private URI uri(String path) { return URI.create(upstream.baseUri() + path); }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestHttp.Reply refreshClaude(String refreshToken) {
        return TestHttp.postJson(uri("/v1/oauth/token"), "{\"grant_type\":\"refresh_token\",\"refresh_token\":\""
                + refreshToken + "\",\"client_id\":\"9d1c250a\"}");
    }

    @Test
    void rotatesRefreshTokensAndRefusesAUsedOne() {
        FakeUpstream.Tokens seeded = upstream.issueTokens();

        TestHttp.Reply first = refreshClaude(seeded.refreshToken());
        TestHttp.Reply reused = refreshClaude(seeded.refreshToken());

        assertThat(first.status()).isEqualTo(200);
        JsonNode t = json(first.body());
        assertThat(t.path("access_token").asText()).isNotEqualTo(seeded.accessToken()).isNotBlank();
        assertThat(t.path("refresh_token").asText()).isNotEqualTo(seeded.refreshToken()).isNotBlank();
        assertThat(t.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(reused.status()).isEqualTo(400);
        assertThat(json(reused.body()).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(refreshClaude(t.path("refresh_token").asText()).status()).isEqualTo(200);
        assertThat(upstream.tokenRequests()).isEqualTo(3);
        assertThat(upstream.issuedTokens()).hasSize(3);
    }

    @Test
    void refreshesCodexTokensFromAFormBodyWithAnIdToken() {
        upstream.tokenExpiresIn(Duration.ofMinutes(10));
        FakeUpstream.Tokens seeded = upstream.issueTokens();

        TestHttp.Reply reply = TestHttp.post(uri("/oauth/token"), "application/x-www-form-urlencoded",
                "grant_type=refresh_token&client_id=app_x&refresh_token=" + seeded.refreshToken());

        assertThat(reply.status()).isEqualTo(200);
        assertThat(json(reply.body()).path("expires_in").asLong()).isEqualTo(600);
        assertThat(json(reply.body()).path("id_token").asText()).contains(".");
        assertThat(TestHttp.post(uri("/oauth/token"), "application/x-www-form-urlencoded",
                "grant_type=refresh_token&refresh_token=" + seeded.refreshToken()).status()).isEqualTo(400);
    }

    @Test
    void exchangesARegisteredCodeOnlyWithTheMatchingVerifierAndOnlyOnce() {
        String verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        upstream.expectAuthorization("code-1", FakeUpstream.pkceChallenge(verifier));
        assertThat(FakeUpstream.pkceChallenge(verifier)).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");

        TestHttp.Reply wrongVerifier = TestHttp.postJson(uri("/v1/oauth/token"),
                "{\"grant_type\":\"authorization_code\",\"code\":\"code-1\",\"code_verifier\":\"nope\"}");
        TestHttp.Reply ok = TestHttp.postJson(uri("/v1/oauth/token"),
                "{\"grant_type\":\"authorization_code\",\"code\":\"code-1\",\"code_verifier\":\"" + verifier + "\"}");
        TestHttp.Reply again = TestHttp.postJson(uri("/v1/oauth/token"),
                "{\"grant_type\":\"authorization_code\",\"code\":\"code-1\",\"code_verifier\":\"" + verifier + "\"}");

        assertThat(wrongVerifier.status()).isEqualTo(400);
        assertThat(json(wrongVerifier.body()).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(json(ok.body()).path("refresh_token").asText()).isNotBlank();
        assertThat(again.status()).isEqualTo(400);
    }

    @Test
    void scriptedTokenEndpointFailuresConsumeNoRefreshToken() {
        FakeUpstream.Tokens seeded = upstream.issueTokens();
        upstream.behaveTokenEndpoint(Behaviour.sequence(Behaviour.serverError(503),
                Behaviour.delayed(Duration.ofMillis(200), Behaviour.ok())));

        TestHttp.Reply failed = refreshClaude(seeded.refreshToken());
        long t0 = System.nanoTime();
        TestHttp.Reply slow = refreshClaude(seeded.refreshToken());

        assertThat(failed.status()).isEqualTo(503);
        assertThat(json(failed.body()).path("error").asText()).isEqualTo("server_error");
        assertThat(slow.status()).isEqualTo(200);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(upstream.tokenRequests()).isEqualTo(2);
    }

    @Test
    void rejectsUnknownGrantTypes() {
        TestHttp.Reply reply = TestHttp.postJson(uri("/v1/oauth/token"), "{\"grant_type\":\"password\"}");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(json(reply.body()).path("error").asText()).isEqualTo("unsupported_grant_type");
    }
}

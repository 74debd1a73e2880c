package ccflare.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** FakeUpstream's TLS listener, seen by the JDK's own HTTP client (which prefers HTTP/2 via ALPN). */
class FakeUpstreamTlsTest {

    static final String JSON = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[]}";

    private static HttpClient trusting(TestCertificate cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("fake", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.pem().getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> post(HttpClient client, java.net.URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(JSON)).header("x-api-key", "k").build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesHttp2OverTlsAndRecordsTheProtocolAndTheConnection() throws Exception {
        try (FakeUpstream fake = FakeUpstream.startTls(FakeUpstream.Tls.H2_AND_HTTP11); HttpClient client = trusting(fake.certificate())) {
            HttpResponse<String> a = post(client, fake.tlsBaseUri().resolve("/v1/messages"));
            HttpResponse<String> b = post(client, fake.tlsBaseUri().resolve("/v1/messages"));

            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(a.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(b.body()).contains("\"input_tokens\":25");
            assertThat(fake.requests()).extracting(Received::protocol).containsExactly("HTTP/2.0", "HTTP/2.0");
            assertThat(fake.connectionsSeen()).isEqualTo(1);
            // The plain port keeps serving HTTP/1.1.
            HttpResponse<String> plain = post(client, fake.uri("/v1/messages"));
            assertThat(plain.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(fake.requests().getLast().protocol()).isEqualTo("HTTP/1.1");
        }
    }

    @Test
    void offersOnlyHttp11WhenToldTo() throws Exception {
        try (FakeUpstream fake = FakeUpstream.startTls(FakeUpstream.Tls.HTTP11_ONLY); HttpClient client = trusting(fake.certificate())) {
            HttpResponse<String> r = post(client, fake.tlsBaseUri().resolve("/v1/messages"));

            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(fake.requests().getFirst().protocol()).isEqualTo("HTTP/1.1");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefusedInTheHandshake() throws Exception {
        try (FakeUpstream fake = FakeUpstream.startTls(FakeUpstream.Tls.H2_AND_HTTP11);
             HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            assertThatThrownBy(() -> post(client, fake.tlsBaseUri().resolve("/v1/messages")))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThat(fake.requests()).isEmpty();
        }
    }

    @Test
    void resetsOnlyTheScriptedStreamOverHttp2() throws Exception {
        try (FakeUpstream fake = FakeUpstream.startTls(FakeUpstream.Tls.H2_AND_HTTP11); HttpClient client = trusting(fake.certificate())) {
            fake.behave("cut", Behaviour.resetMidStream(1));
            String stream = "{\"model\":\"m\",\"stream\":true,\"messages\":[]}";
            var cut = client.sendAsync(HttpRequest.newBuilder(fake.tlsBaseUri().resolve("/v1/messages")).timeout(Duration.ofSeconds(10))
                    .header("x-api-key", "cut").POST(HttpRequest.BodyPublishers.ofString(stream)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(cut).failsWithin(Duration.ofSeconds(10));
            // The connection survived the stream reset.
            assertThat(post(client, fake.tlsBaseUri().resolve("/v1/messages")).statusCode()).isEqualTo(200);
            assertThat(fake.connectionsSeen()).isEqualTo(1);
        }
    }
}

package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Config;
import ccflare.core.Outcome;
import ccflare.core.RequestRecord;
import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import ccflare.testing.Sse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream client over TLS: HTTP/2 where the upstream offers it through ALPN, HTTP/1.1 where it
 * does not, and the same streaming, failover, abort and reset behaviour either way.
 */
class ProxyHttp2Test {

    static final String JSON = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    FakeUpstream fake;
    ProxyHarness h;

    /** A proxy in front of {@code fake}'s TLS port that trusts its certificate. */
    ProxyHarness proxyTrusting(FakeUpstream.Tls tls) throws Exception {
        fake = FakeUpstream.startTls(tls);
        h = new ProxyHarness(withCa(ProxyHarness.config(fake.tlsBaseUri().toString()).build(), caOf(fake)), false);
        return h;
    }

    @AfterEach void stop() throws Exception {
        if (h != null) h.close();
        if (fake != null) fake.close();
    }

    @Test void passesJsonToAnHttp2UpstreamAndBackIntact() throws Exception {
        proxyTrusting(FakeUpstream.Tls.H2_AND_HTTP11);
        h.apiKeyAccount("a", 0);

        HttpResponse<String> r = h.post("/v1/messages?beta=true", JSON, "content-type", "application/json",
                "anthropic-version", "2023-06-01");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("{").contains("\"input_tokens\":25").endsWith("}");
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        assertThat(r.headers().firstValue("request-id")).hasValueSatisfying(v -> assertThat(v).startsWith("req_fake"));
        // HTTP/2 has no connection-specific headers and no pseudo-headers leak into HTTP/1.1 fields;
        // the client's hop frames the body itself (chunked or content-length).
        assertThat(r.headers().map().keySet()).noneMatch(name -> name.startsWith(":"))
                .doesNotContain("keep-alive", "upgrade", "http2-settings");
        var got = fake.requests().getFirst();
        assertThat(got.protocol()).isEqualTo("HTTP/2.0");
        assertThat(got.pathAndQuery()).isEqualTo("/v1/messages?beta=true");
        assertThat(got.bodyText()).isEqualTo(JSON);
        assertThat(got.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(got.header("x-api-key")).isEqualTo("key-a");
        RequestRecord rec = h.log.next();
        assertThat(rec.outcome()).isEqualTo(Outcome.OK);
        assertThat(rec.usage().inputTokens()).isEqualTo(25);
    }

    @Test void streamsSseFromAnHttp2UpstreamEventByEvent() throws Exception {
        proxyTrusting(FakeUpstream.Tls.H2_AND_HTTP11);
        h.apiKeyAccount("a", 0);
        fake.deltas(3, Duration.ofMillis(250));

        HttpResponse<InputStream> r = h.http.send(HttpRequest.newBuilder(URI.create(h.url("/v1/messages")))
                .POST(HttpRequest.BodyPublishers.ofString(STREAM)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        StringBuilder body = new StringBuilder();
        boolean upstreamBusyAtFirstEvent;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String first = in.readLine();
            // The first event reached the client while the upstream was still generating: passed on as it came.
            upstreamBusyAtFirstEvent = fake.inFlight() == 1;
            body.append(first).append('\n');
            for (String line; (line = in.readLine()) != null; ) body.append(line).append('\n');
        }

        assertThat(upstreamBusyAtFirstEvent).isTrue();
        assertThat(Sse.eventNames(body.toString())).startsWith("message_start").endsWith("message_stop")
                .filteredOn("content_block_delta"::equals).hasSize(3);
        assertThat(fake.requests().getFirst().protocol()).isEqualTo("HTTP/2.0");
        RequestRecord rec = h.log.next();
        assertThat(rec.outcome()).isEqualTo(Outcome.OK);
        assertThat(rec.usage().outputTokens()).isEqualTo(12);
    }

    @Test void speaksHttp11ToATlsUpstreamThatOffersOnlyHttp11() throws Exception {
        proxyTrusting(FakeUpstream.Tls.HTTP11_ONLY);
        h.apiKeyAccount("a", 0);

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(h.post("/v1/messages", STREAM).body()).contains("event: message_stop");
        assertThat(fake.requests()).extracting(r -> r.protocol()).containsExactly("HTTP/1.1", "HTTP/1.1");
    }

    @Test void speaksHttp11ToATlsUpstreamWithoutAlpn() throws Exception {
        proxyTrusting(FakeUpstream.Tls.HTTP11_WITHOUT_ALPN);
        h.apiKeyAccount("a", 0);

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(fake.requests().getFirst().protocol()).isEqualTo("HTTP/1.1");
    }

    @Test void speaksHttp11ToAPlainHttpUpstreamEvenWhenItCouldDoH2c() throws Exception {
        // The plain port of a TLS fake is a Jetty HTTP/1.1 connector: an h2c preface would be refused there.
        fake = FakeUpstream.startTls(FakeUpstream.Tls.H2_AND_HTTP11);
        h = new ProxyHarness(ProxyHarness.config(fake.baseUri().toString()).build(), false);
        h.apiKeyAccount("a", 0);

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(fake.requests().getFirst().protocol()).isEqualTo("HTTP/1.1");
    }

    @Test void failsOverToTheNextAccountWhenAnHttp2UpstreamAnswers429() throws Exception {
        proxyTrusting(FakeUpstream.Tls.H2_AND_HTTP11);
        h.apiKeyAccount("a", 0);
        String b = h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.rateLimited429(2, 0));

        HttpResponse<String> r = h.post("/v1/messages", STREAM);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("event: message_start").contains("event: message_stop");
        h.nextServedBy(b, 2, 1);
        assertThat(fake.requests()).extracting(x -> x.protocol()).containsExactly("HTTP/2.0", "HTTP/2.0");
        // The 429's stream ended; its connection carried the retry.
        assertThat(fake.connectionsSeen()).isEqualTo(1);
    }

    @Test void concurrentStreamsShareOneHttp2Connection() throws Exception {
        proxyTrusting(FakeUpstream.Tls.H2_AND_HTTP11);
        h.apiKeyAccount("a", 0);
        // The first request opens the connection and learns the upstream's stream limit; a cold burst
        // may open a few connections before the first one is ready, as with HTTP/1.1.
        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        fake.deltas(3, Duration.ofMillis(100));

        List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            streams.add(h.http.sendAsync(HttpRequest.newBuilder(URI.create(h.url("/v1/messages")))
                    .POST(HttpRequest.BodyPublishers.ofString(STREAM)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> s : streams) {
            HttpResponse<String> r = s.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Sse.eventNames(r.body())).endsWith("message_stop");
        }

        assertThat(fake.requests()).hasSize(21).allSatisfy(r -> assertThat(r.protocol()).isEqualTo("HTTP/2.0"));
        assertThat(fake.peakConcurrentRequests()).isGreaterThan(5);
        assertThat(fake.connectionsSeen()).isLessThanOrEqualTo(2);
    }

    @Test void endsAStreamTheHttp2UpstreamResetsWithAnErrorEvent() throws Exception {
        proxyTrusting(FakeUpstream.Tls.H2_AND_HTTP11);
        h.apiKeyAccount("a", 0);
        h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.resetMidStream(2)); // RST_STREAM over HTTP/2

        HttpResponse<String> r = h.post("/v1/messages", STREAM);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("event: message_start");
        assertThat(r.body()).endsWith(ProxyHarness.SSE_RESET_TAIL);
        assertThat(fake.requestsWithCredential("key-b")).isEmpty();
        RequestRecord rec = h.log.next();
        assertThat(rec.outcome()).isEqualTo(Outcome.MID_STREAM_RESET);
        assertThat(rec.attempts()).isEqualTo(1);
    }

    @Test void endsAStreamWhoseHttp2ConnectionClosesWithAnErrorEventAndRecoversOnTheNextRequest() throws Exception {
        proxyTrusting(FakeUpstream.Tls.H2_AND_HTTP11);
        h.apiKeyAccount("a", 0);
        fake.behave("key-a", Behaviour.sequence(Behaviour.closeMidStream(2), Behaviour.ok())); // the connection goes

        HttpResponse<String> cut = h.post("/v1/messages", STREAM);

        assertThat(cut.body()).startsWith("event: message_start").endsWith(ProxyHarness.SSE_RESET_TAIL);
        assertThat(h.log.next().outcome()).isEqualTo(Outcome.MID_STREAM_RESET);
        // The closed connection is not reused: the next request opens a new one.
        assertThat(h.post("/v1/messages", STREAM).body()).contains("event: message_stop");
        assertThat(h.log.next().outcome()).isEqualTo(Outcome.OK);
        assertThat(fake.connectionsSeen()).isEqualTo(2);
    }

    @Test void resetsTheHttp2StreamWhenTheClientDisconnectsMidStream() throws Exception {
        proxyTrusting(FakeUpstream.Tls.H2_AND_HTTP11);
        h.apiKeyAccount("a", 0);
        fake.deltas(100, Duration.ofMillis(100));

        long closedAt = h.postReadThenReset(STREAM, 600);

        assertThat(fake.awaitAborts(1, Duration.ofSeconds(3))).isTrue();
        assertThat(Duration.ofNanos(fake.abortedAtNanos().getFirst() - closedAt)).isLessThan(Duration.ofSeconds(1));
        RequestRecord rec = h.log.next();
        assertThat(rec.status()).isEqualTo(499);
        assertThat(rec.outcome()).isEqualTo(Outcome.CLIENT_CANCELLED);
        // Only the stream was reset: the connection still serves.
        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(fake.connectionsSeen()).isEqualTo(1);
    }

    @Test void answers502NamingTheCertificateProblemWhenTheUpstreamCertificateIsNotTrusted() throws Exception {
        fake = FakeUpstream.startTls(FakeUpstream.Tls.H2_AND_HTTP11);
        h = new ProxyHarness(ProxyHarness.config(fake.tlsBaseUri().toString()).build(), false); // no CA
        h.apiKeyAccount("a", 0);

        long start = System.nanoTime();
        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("the upstream's TLS certificate is not trusted (",
                "set CCFLARE_UPSTREAM_CA_FILE").doesNotContain("sun.security");
        assertThat(fake.requests()).isEmpty();
        assertThat(h.log.next().outcome()).isEqualTo(Outcome.PROXY_ERROR);
    }

    @Test void stillTrustsTheDefaultAuthoritiesWhenACaCertificateIsAdded() throws Exception {
        fake = FakeUpstream.startTls(FakeUpstream.Tls.H2_AND_HTTP11);
        var tls = UpstreamTransport.tls(caOf(fake));
        tls.start();
        try {
            javax.net.ssl.TrustManagerFactory jdk = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((java.security.KeyStore) null);
            X509Certificate[] defaults = ((javax.net.ssl.X509TrustManager) jdk.getTrustManagers()[0]).getAcceptedIssuers();
            assertThat(defaults).isNotEmpty();
            java.security.KeyStore store = tls.getTrustStore();
            assertThat(store.size()).isEqualTo(defaults.length + 1);
            assertThat(store.getCertificateAlias(defaults[0])).isNotNull();
            assertThat(store.getCertificateAlias(caOf(fake).getFirst())).isNotNull();
        } finally {
            tls.stop();
        }
    }

    static List<X509Certificate> caOf(FakeUpstream fake) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        return List.of((X509Certificate) x509.generateCertificate(
                new ByteArrayInputStream(fake.certificate().pem().getBytes(StandardCharsets.US_ASCII))));
    }

    static Config.Proxy withCa(Config.Proxy p, List<X509Certificate> ca) {
        return new Config.Proxy(p.baseUrls(), p.sessionDuration(), p.retryAttempts(), p.retryDelay(), p.retryBackoff(),
                p.maxAttempts(), p.maxBodyBytes(), p.maxHeaderBytes(), p.maxInFlight(), p.connectTimeout(),
                p.firstByteTimeout(), p.streamIdleTimeout(), ca);
    }

}

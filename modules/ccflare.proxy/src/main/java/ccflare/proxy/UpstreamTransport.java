package ccflare.proxy;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpScheme;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The upstream client's transport: HTTP/2 where a TLS upstream offers it, HTTP/1.1 otherwise.
 *
 * <ul>
 *   <li>{@code https://}: ALPN offers {@code h2} first and {@code http/1.1} second; the upstream
 *       picks. Many concurrent requests then share a few multiplexed connections (fewer TLS
 *       handshakes, less memory per stream). An upstream that does not negotiate ALPN at all gets
 *       HTTP/1.1.</li>
 *   <li>{@code http://} (local upstreams, gateways, tests): HTTP/1.1 only. No h2c: a clear-text
 *       upstream that does not expect the HTTP/2 preface would answer it with garbage, and the
 *       local hop gains little from multiplexing.</li>
 * </ul>
 *
 * <p>Jetty's own {@link HttpClientTransportDynamic} cannot express both at once: its clear-text
 * choice and its no-ALPN fallback are the first protocol it was given, and its ALPN offer keeps
 * that order. So HTTP/1.1 is listed first (clear text and fallback) and {@link #newOrigin} puts
 * {@code h2} first in the ALPN offer.
 */
final class UpstreamTransport extends HttpClientTransportDynamic {

    /**
     * Per-stream receive window. Jetty buffers a stream's DATA frames until the proxy demands them,
     * up to this window; a client that reads slowly holds at most this much upstream data in the
     * proxy (over HTTP/1.1 the socket buffers bounded it). LLM responses are small and paced by
     * generation, so 1 MiB does not limit their throughput.
     */
    static final int STREAM_RECV_WINDOW = 1024 * 1024;
    /**
     * Per-connection receive window. Unread data of stalled streams counts against it, so it is
     * many stream windows wide: one slow client must not stop the other streams on its connection.
     */
    static final int SESSION_RECV_WINDOW = 64 * 1024 * 1024;

    private static final Origin.Protocol SECURE = new Origin.Protocol(List.of("h2", "http/1.1"), true);
    private static final Origin.Protocol CLEAR = new Origin.Protocol(List.of("http/1.1"), false);

    private UpstreamTransport(ClientConnector connector, HTTP2Client http2) {
        super(connector, HttpClientConnectionFactory.HTTP11, new ClientConnectionFactoryOverHTTP2.HTTP2(http2));
    }

    /**
     * @param extraTrust certificates trusted in addition to the JDK's default trust store; empty
     *                   for the default alone
     */
    static UpstreamTransport create(List<X509Certificate> extraTrust) {
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(tls(extraTrust));
        connector.setByteBufferPool(bufferPool());
        HTTP2Client http2 = new HTTP2Client(connector);
        http2.setUseInputDirectByteBuffers(false);
        http2.setUseOutputDirectByteBuffers(false);
        http2.setInitialStreamRecvWindow(STREAM_RECV_WINDOW);
        http2.setInitialSessionRecvWindow(SESSION_RECV_WINDOW);
        // Upstreams never push; refusing pushes keeps streams ours.
        http2.setMaxConcurrentPushedStreams(0);
        return new UpstreamTransport(connector, http2);
    }

    /** Idle buffers the upstream client's pool keeps for reuse, per kind (heap, direct). */
    static final long POOL_RETAINED_BYTES = 16L * 1024 * 1024;

    /**
     * The upstream side's buffer pool: heap buffers only, and at most {@link #POOL_RETAINED_BYTES}
     * of idle ones kept. Jetty's default keeps up to an eighth of the maximum heap in pooled
     * direct buffers, whose memory returns only when a full GC finds them: after 2,000 concurrent
     * streams that was 160 MiB of RSS that never went away. Heap buffers cost one copy into the
     * JDK's per-thread direct buffer per read and write.
     */
    static ArrayByteBufferPool bufferPool() {
        return new ArrayByteBufferPool(0, -1, -1, -1, POOL_RETAINED_BYTES, POOL_RETAINED_BYTES);
    }

    /**
     * Jetty's origin (address, tag, network transport) with our choice of protocols. Built
     * directly, as Jetty's own method does once it has chosen (TCP for both factories): its
     * choosing runs several streams per request, and our choice does not depend on it.
     */
    @Override
    public Origin newOrigin(Request request) {
        if (request.getTransport() == null) request.transport(Transport.TCP_IP);
        return getHttpClient().createOrigin(request, HttpScheme.isSecure(request.getScheme()) ? SECURE : CLEAR);
    }

    /**
     * The client TLS settings: host name verification on (Jetty's client default), and the JDK's
     * default trust plus {@code extraTrust}. The default trust is copied into the trust store
     * rather than replaced, so adding a corporate CA never stops the public providers' own
     * certificates from verifying.
     */
    static SslContextFactory.Client tls(List<X509Certificate> extraTrust) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (!extraTrust.isEmpty()) tls.setTrustStore(trustStore(extraTrust));
        return tls;
    }

    private static KeyStore trustStore(List<X509Certificate> extraTrust) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (X509Certificate c : defaultTrust()) store.setCertificateEntry("jdk-" + n++, c);
            n = 0;
            for (X509Certificate c : extraTrust) store.setCertificateEntry("upstream-ca-" + n++, c);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the upstream trust store: " + e.getMessage(), e);
        }
    }

    /** The certificates the JDK trusts by default (its cacerts, or {@code javax.net.ssl.trustStore}). */
    private static List<X509Certificate> defaultTrust() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager m : factory.getTrustManagers()) {
            if (m instanceof X509TrustManager x509) return List.of(x509.getAcceptedIssuers());
        }
        return List.of();
    }
}

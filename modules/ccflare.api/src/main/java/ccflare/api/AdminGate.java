package ccflare.api;

import ccflare.core.HostPolicy;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;

/**
 * Who may use the API. Over the Unix socket the socket's directory permissions already decided,
 * so nothing more is asked. Over TCP, loopback is not authentication (any local user or browser
 * page can reach it), so: the Host header must name this daemon (DNS-rebinding defence), an
 * Origin, when sent, must be a page of an allowed host, and {@code /api/**} needs the admin
 * bearer token. The Host and Origin rules are {@link HostPolicy}'s, shared with {@code /v1/**}.
 */
final class AdminGate {

    private final byte[] tokenDigest;
    private final HostPolicy hosts;

    AdminGate(String adminToken, HostPolicy hosts) {
        this.tokenDigest = sha256(adminToken);
        this.hosts = hosts;
    }

    /** Whether the request arrived over the Unix socket rather than TCP. */
    static boolean overUnixSocket(Request request) {
        ConnectionMetaData meta = request.getConnectionMetaData();
        return meta.getRemoteSocketAddress() instanceof UnixDomainSocketAddress
                || meta.getLocalSocketAddress() instanceof UnixDomainSocketAddress;
    }

    /** Why the Host header is refused; empty when it names this daemon. */
    Optional<String> hostProblem(Request request) {
        return hosts.hostProblem(request.getHeaders().get(HttpHeader.HOST));
    }

    /** Why the Origin header is refused; empty when absent or a page of an allowed host. */
    Optional<String> originProblem(Request request) {
        return hosts.originProblem(request.getHeaders().get(HttpHeader.ORIGIN));
    }

    /**
     * Why the Origin header of a WebSocket handshake is refused; empty when absent or same-origin.
     * Browsers do not apply the same-origin policy to WebSockets (cross-site WebSocket hijacking),
     * so the page must be this daemon's own: an allowed host name with the request's scheme and
     * port. Another local web server (a dev server on localhost:3000) may not open the feeds.
     */
    Optional<String> webSocketOriginProblem(Request request) {
        return hosts.sameOriginProblem(request.getHeaders().get(HttpHeader.ORIGIN),
                request.getHeaders().get(HttpHeader.HOST), request.isSecure());
    }

    /** Whether the Authorization header carries the admin token, compared in constant time. */
    boolean authorised(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        return tokenMatches(header.substring(7).trim());
    }

    /** Whether {@code candidate} is the admin token (the bearer header's, or one pasted into the sign-in form). */
    boolean tokenMatches(String candidate) {
        // Comparing digests keeps the comparison constant-time in the token's length as well.
        return MessageDigest.isEqual(sha256(candidate), tokenDigest);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}

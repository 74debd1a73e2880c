package ccflare.api;

import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;

/**
 * Who may use the API. Over the Unix socket the socket's directory permissions already decided,
 * so nothing more is asked. Over TCP, loopback is not authentication (any local user or browser
 * page can reach it), so: the Host header must name loopback (DNS-rebinding defence), an Origin,
 * when sent, must be loopback too, and {@code /api/**} needs the admin bearer token.
 */
final class AdminGate {

    /** Host names a browser uses for this daemon; a rebinding attacker's page sends its own name instead. */
    static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final byte[] tokenDigest;

    AdminGate(String adminToken) {
        this.tokenDigest = sha256(adminToken);
    }

    /** Whether the request arrived over the Unix socket rather than TCP. */
    static boolean overUnixSocket(Request request) {
        ConnectionMetaData meta = request.getConnectionMetaData();
        return meta.getRemoteSocketAddress() instanceof UnixDomainSocketAddress
                || meta.getLocalSocketAddress() instanceof UnixDomainSocketAddress;
    }

    /** Why the Host header is refused; empty when it names loopback. */
    static Optional<String> hostProblem(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || host.isBlank()) {
            return Optional.of("missing Host header (expected: localhost, 127.0.0.1 or [::1] with the port)");
        }
        if (loopbackAuthority(host)) return Optional.empty();
        return Optional.of("host '" + printable(host) + "' is not served here (expected: localhost, 127.0.0.1 or [::1]"
                + " with the port; other names are refused to stop DNS rebinding)");
    }

    /** Why the Origin header is refused; empty when absent or loopback. */
    static Optional<String> originProblem(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) return Optional.empty();
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getRawAuthority() != null
                    && uri.getRawUserInfo() == null && loopbackAuthority(uri.getRawAuthority())) {
                return Optional.empty();
            }
        } catch (java.net.URISyntaxException e) {
            // fall through: an unparsable origin is not a loopback one
        }
        return Optional.of("origin '" + printable(origin) + "' may not use this API (expected: a page served from localhost)");
    }

    /**
     * Why the Origin header of a WebSocket handshake is refused; empty when absent or same-origin.
     * Browsers do not apply the same-origin policy to WebSockets (cross-site WebSocket hijacking),
     * so beyond being loopback the page must come from this very port: another local web server
     * (a dev server on localhost:3000) may not open the feeds.
     */
    static Optional<String> webSocketOriginProblem(Request request) {
        Optional<String> loopback = originProblem(request);
        if (loopback.isPresent()) return loopback;
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) return Optional.empty();
        URI uri = URI.create(origin.trim()); // parsed successfully by originProblem
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int originPort = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        int hostPort = hostPort(request.getHeaders().get(HttpHeader.HOST), request.isSecure() ? 443 : 80);
        if (originPort == hostPort && https == request.isSecure()) return Optional.empty();
        return Optional.of("origin '" + printable(origin) + "' may not open this WebSocket (expected: a page served by"
                + " this daemon, same scheme and port)");
    }

    /** The port of a Host header value already checked to be a loopback authority. */
    private static int hostPort(String host, int dflt) {
        if (host == null) return dflt;
        String h = host.trim();
        int colon = h.lastIndexOf(':');
        if (colon < 0 || colon < h.lastIndexOf(']')) return dflt;
        try {
            return Integer.parseInt(h.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
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

    /** {@code host} or {@code host:port} where host is one of {@link #LOOPBACK_HOSTS}. */
    static boolean loopbackAuthority(String authority) {
        String a = authority.trim().toLowerCase(Locale.ROOT);
        String host;
        String rest;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            if (end < 0) return false;
            host = a.substring(0, end + 1);
            rest = a.substring(end + 1);
        } else {
            int colon = a.indexOf(':');
            host = colon < 0 ? a : a.substring(0, colon);
            rest = colon < 0 ? "" : a.substring(colon);
        }
        if (!LOOPBACK_HOSTS.contains(host)) return false;
        if (rest.isEmpty()) return true;
        if (rest.length() < 2 || rest.length() > 6 || rest.charAt(0) != ':') return false;
        for (int i = 1; i < rest.length(); i++) {
            if (rest.charAt(i) < '0' || rest.charAt(i) > '9') return false;
        }
        return true;
    }

    /** The value with control characters shown as code points and cut to a readable length. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}

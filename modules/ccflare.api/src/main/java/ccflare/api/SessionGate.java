package ccflare.api;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The dashboard's session cookie as a credential for {@code /api/**} and {@code /ws/**}, beside
 * the bearer token. A browser sends the cookie by itself, so a request it carries may have been
 * started by another site's page (CSRF); {@code SameSite=Strict} already keeps it off cross-site
 * requests, and, as a second line, a request that changes state ({@link #changesState}) must
 * also carry an {@code Origin} equal to this daemon's own ({@link #sameOriginProblem}).
 */
final class SessionGate {

    private final DashboardSessions sessions;

    SessionGate(DashboardSessions sessions) { this.sessions = requireNonNull(sessions, "sessions"); }

    /** The value of a valid session cookie the request carries, if any. */
    Optional<String> session(Request request) {
        for (String value : cookieValues(request, DashboardSessions.COOKIE)) {
            if (sessions.valid(value)) return Optional.of(value);
        }
        return Optional.empty();
    }

    /** Every value of the cookie {@code name} in the request's {@code Cookie} headers, in order. */
    static List<String> cookieValues(Request request, String name) {
        List<String> values = new ArrayList<>();
        for (HttpField field : request.getHeaders().getFields(HttpHeader.COOKIE)) {
            for (String pair : field.getValue().split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0 || !pair.substring(0, eq).trim().equals(name)) continue;
                String v = pair.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
                values.add(v);
            }
        }
        return values;
    }

    /** Whether the method may change state: everything but GET, HEAD and OPTIONS. */
    static boolean changesState(String method) {
        return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    }

    /**
     * Why the request's {@code Origin} is not this daemon's own; empty when it is. Own means the
     * scheme of the connection and exactly the authority of the {@code Host} header (already
     * checked to be loopback), default ports made explicit. A missing Origin is refused too: every
     * browser sends one on a POST, PATCH or DELETE, so its absence means no browser page of ours.
     */
    static Optional<String> sameOriginProblem(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        String host = request.getHeaders().get(HttpHeader.HOST);
        String expected = (request.isSecure() ? "https" : "http") + "://" + (host == null ? "?" : host.trim());
        if (origin == null) {
            return Optional.of("a dashboard session may change things only from the dashboard's own page (missing Origin header;"
                    + " expected: " + expected + ")");
        }
        Optional<String> own = host == null ? Optional.empty() : authority(expected);
        if (own.isPresent() && own.equals(authority(origin.trim()))) return Optional.empty();
        return Optional.of("a dashboard session may change things only from the dashboard's own page (origin '"
                + printable(origin) + "'; expected: " + expected + ")");
    }

    /** {@code scheme://host:port} lower-cased with the port made explicit; empty when it does not parse or has a path. */
    private static Optional<String> authority(String origin) {
        try {
            URI uri = new URI(origin);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return Optional.empty();
            if (uri.getHost() == null || uri.getRawUserInfo() != null) return Optional.empty();
            if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) return Optional.empty();
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) return Optional.empty();
            int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}

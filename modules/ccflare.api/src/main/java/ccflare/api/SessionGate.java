package ccflare.api;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
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
     * Why a state-changing request carried by the cookie is not from this daemon's own page; empty
     * when it is. Own means {@link AdminGate#webSocketOriginProblem}'s rule (an allowed host with
     * the connection's scheme and port). A missing Origin is refused too: every browser sends one
     * on a POST, PATCH or DELETE, so its absence means no browser page of ours.
     */
    static Optional<String> sameOriginProblem(AdminGate gate, Request request) {
        if (request.getHeaders().get(HttpHeader.ORIGIN) == null) {
            String host = request.getHeaders().get(HttpHeader.HOST);
            return Optional.of("a dashboard session may change things only from the dashboard's own page (missing Origin header;"
                    + " expected: " + (request.isSecure() ? "https" : "http") + "://" + (host == null ? "?" : host.trim()) + ")");
        }
        return gate.webSocketOriginProblem(request)
                .map(problem -> "a dashboard session may change things only from the dashboard's own page (" + problem + ")");
    }
}

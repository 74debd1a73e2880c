package ccflare.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.eclipse.jetty.server.Handler;

/**
 * The REST management API: {@code /health} and {@code /api/**}, JSON in and out (see
 * {@code docs/api.md} for every endpoint and status).
 *
 * <p>Access: over the Unix socket every request is allowed (the socket's directory decides who
 * can connect). Over TCP the {@code Host} header must be loopback ({@code localhost},
 * {@code 127.0.0.1}, {@code [::1]}, any port; else 421), an {@code Origin}, when sent, must be
 * loopback (else 403), and {@code /api/**} requires {@code Authorization: Bearer <admin token>}
 * (else 401). {@code /health} needs no token. No CORS headers are ever sent.
 *
 * <p>Client mistakes answer 4xx with {@code {"error":…}} naming the problem; an unexpected
 * failure answers 500 with an id that appears in the ERROR log line with the stack trace.
 */
public final class Api {

    private final ApiHandler handler;

    public Api(ApiContext context) {
        this.handler = new ApiHandler(requireNonNull(context, "context"));
    }

    /**
     * The Jetty core handler. It handles {@code /health}, {@code /api} and {@code /api/**} and
     * returns false for every other path, so it can sit in a {@code Handler.Sequence} before the
     * proxy and the dashboard. Blocking: the endpoints read the database.
     */
    public Handler handler() { return handler; }

    /** Every route as {@code METHOD /path/{param}}, sorted; for docs and route-walking tests. */
    public List<String> routes() { return handler.routes().describe(); }
}

package ccflare.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.eclipse.jetty.server.Handler;

/**
 * The REST management API: {@code /health} and {@code /api/**}, JSON in and out, and the live
 * views {@code /ws/logs} and {@code /ws/requests} (WebSocket) with their server-sent-event twins
 * (see {@code docs/api.md} for every endpoint and status).
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
    private final LiveFeed live;

    public Api(ApiContext context) {
        this.handler = new ApiHandler(requireNonNull(context, "context"));
        this.live = context.live();
    }

    /**
     * The Jetty core handler. It handles {@code /health}, {@code /api}, {@code /api/**},
     * {@code /ws} and {@code /ws/**} and returns false for every other path, so it can sit in a
     * {@code Handler.Sequence} before the proxy and the dashboard. WebSocket upgrades need no
     * wrapper: when started inside a {@code Server} the handler uses that server's
     * {@code ServerWebSocketContainer} (created if absent). Blocking: the endpoints read the
     * database.
     */
    public Handler handler() { return handler; }

    /** The live feed the API serves, the one given in its {@link ApiContext}. */
    public LiveFeed live() { return live; }

    /** Every route as {@code METHOD /path/{param}}, sorted; for docs and route-walking tests. */
    public List<String> routes() { return handler.routes().describe(); }
}

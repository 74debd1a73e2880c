package ccflare.api;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
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
 * loopback (else 403), and {@code /api/**} and {@code /ws/**} require
 * {@code Authorization: Bearer <admin token>} or the web dashboard's session cookie (else 401),
 * as does {@code /metrics} when the API was built with {@link Metrics};
 * with the cookie, a request that changes state also needs this daemon's own {@code Origin}
 * (else 403). {@code /health} needs neither. No CORS headers are ever sent.
 *
 * <p>The web dashboard ({@link #dashboardHandler()}) is a second handler over the same gate:
 * its sign-in turns a one-time code from {@code POST /api/dashboard/login} or the pasted admin
 * token into the session cookie.
 *
 * <p>Client mistakes answer 4xx with {@code {"error":…}} naming the problem; an unexpected
 * failure answers 500 with an id that appears in the ERROR log line with the stack trace.
 */
public final class Api {

    private final ApiHandler handler;
    private final DashboardHandler dashboard;
    private final LiveFeed live;

    /** Without {@code /metrics} (it answers 404). */
    public Api(ApiContext context) {
        this(context, StaticAssets.fromModule(Api.class.getModule()), null);
    }

    /**
     * Serving {@code metrics} at {@code GET /metrics} too, behind the same gate as {@code /api/**}:
     * free over the Unix socket, the admin bearer token (or a dashboard session) over TCP.
     */
    public Api(ApiContext context, Metrics metrics) {
        this(context, StaticAssets.fromModule(Api.class.getModule()), requireNonNull(metrics, "metrics"));
    }

    /** With the dashboard's files given, for tests. */
    Api(ApiContext context, StaticAssets assets) {
        this(context, assets, null);
    }

    /** With the dashboard's files given and {@code metrics} (null: no /metrics), for tests. */
    Api(ApiContext context, StaticAssets assets, Metrics metrics) {
        requireNonNull(context, "context");
        AdminGate gate = new AdminGate(context.adminToken(), context.hosts());
        DashboardSessions sessions = new DashboardSessions(context.adminToken(), context.clock());
        LoginCodes codes = new LoginCodes(context.clock(), new SecureRandom());
        this.handler = new ApiHandler(context, gate, new SessionGate(sessions), codes, metrics);
        this.dashboard = new DashboardHandler(assets, gate, sessions, codes);
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

    /**
     * The web dashboard: {@code /} (the dashboard with a session cookie, else a sign-in page),
     * {@code POST /login}, {@code POST /logout}, {@code /signin.css} and {@code /assets/**},
     * served from memory (the files are read from this module's resources once, at the first request for one). Returns
     * false for every other path. Blocking only while {@code POST /login} reads its small form;
     * run it where the API runs. See {@code docs/dashboard.md}.
     */
    public Handler dashboardHandler() { return dashboard; }

    /** The live feed the API serves, the one given in its {@link ApiContext}. */
    public LiveFeed live() { return live; }

    /** Every route as {@code METHOD /path/{param}}, sorted; for docs and route-walking tests. */
    public List<String> routes() { return handler.routes().describe(); }
}

package ccflare.api;

import ccflare.core.AccountStore;
import ccflare.protocol.Json;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /health}, {@code /api/**} and {@code /ws/**}: the admin gate first, then the route
 * table, then every outcome as a JSON reply, or, for the live views, a WebSocket upgrade or a
 * server-sent-event stream. Endpoints block on the database, so this handler is BLOCKING (Jetty
 * runs it on a pool thread, never a selector).
 *
 * <p>WebSocket upgrades go through the Jetty {@link ServerWebSocketContainer} of the server this
 * handler runs in, looked up when it starts; so the handler may sit anywhere in the server's
 * tree, a {@code Handler.Sequence} included, with no {@code WebSocketUpgradeHandler} around it.
 */
final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    static final String UNAUTHORISED = "missing or wrong admin token or dashboard session (see admin.token beside the"
            + " database; in a browser, sign in at / or run ccflarectl dashboard)";
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField NO_SNIFF = new HttpField("x-content-type-options", "nosniff");

    private final Routes routes = new Routes();
    private final AdminGate gate;
    private final SessionGate sessions;
    private final LiveEndpoints live;
    private final Metrics metrics; // null: no /metrics
    private volatile ServerWebSocketContainer webSockets;

    ApiHandler(ApiContext context, AdminGate gate, SessionGate sessions, LoginCodes codes, Metrics metrics) {
        super(InvocationType.BLOCKING);
        this.gate = gate;
        this.metrics = metrics;
        this.sessions = sessions;
        new DashboardEndpoints(codes, context.status()).register(routes);
        new DaemonEndpoints(context).register(routes);
        new AccountEndpoints(context.accounts(), context.clock()).register(routes);
        new KeyEndpoints(context.clientKeys(), context.clock()).register(routes);
        new TrafficEndpoints(context.accounts(), context.queries(), context.clock(), context.clientKeys()).register(routes);
        new AuthEndpoints(context.oauth(), context.accounts(), context.clock()).register(routes);
        this.live = new LiveEndpoints(context.live(), context.accounts());
        live.register(routes);
        if (metrics != null) {
            routes.add("GET", METRICS, call -> Reply.ok(metrics.scrape(call.accept())));
        }
    }

    @Override
    protected void doStart() throws Exception {
        Server server = getServer();
        if (webSockets == null && server != null) {
            // Shared with any other WebSocket user of this server; addBean manages it only when nobody else started it.
            ServerWebSocketContainer container = ServerWebSocketContainer.ensure(server);
            addBean(container);
            webSockets = container;
        }
        super.doStart();
    }

    Routes routes() { return routes; }

    static final String METRICS = "/metrics";

    static boolean serves(String path) {
        return path.equals("/health") || path.equals("/api") || path.startsWith("/api/")
                || path.equals("/ws") || path.startsWith("/ws/");
    }

    static boolean webSocketPath(String path) {
        return path.equals("/ws") || path.startsWith("/ws/");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        boolean scrape = metrics != null && path != null && path.equals(METRICS);
        if (path == null || !(serves(path) || scrape)) return false;
        long started = System.nanoTime();
        Reply reply = answer(request, path);
        if (scrape && reply.status() == 200 && reply.body() instanceof Metrics.Exposition text) {
            response.setStatus(200);
            HttpFields.Mutable headers = response.getHeaders();
            headers.put(HttpHeader.CONTENT_TYPE, text.contentType());
            headers.put(NO_STORE);
            headers.put(NO_SNIFF);
            headers.put(HttpHeader.CONTENT_LENGTH, text.body().length);
            response.write(true, ByteBuffer.wrap(text.body()), callback);
            return true;
        }
        if (reply.status() == 200 && reply.body() instanceof LiveEndpoints.Live view) {
            try {
                Reply refused = startLive(view, path, request, response, callback);
                if (refused == null) return true;
                reply = refused;
            } catch (RuntimeException e) {
                if (response.isCommitted()) {
                    LOG.debug("api {} {}: live view failed after the response began: {}", request.getMethod(), path, e.toString());
                    callback.failed(e);
                    return true;
                }
                reply = internalError(request, path, e);
            }
        }
        byte[] body;
        try {
            body = Json.write(reply.body());
        } catch (RuntimeException e) {
            reply = internalError(request, path, e);
            body = Json.write(reply.body());
        }
        response.setStatus(reply.status());
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(JSON);
        headers.put(NO_STORE);
        headers.put(NO_SNIFF);
        for (Map.Entry<String, String> h : reply.headers().entrySet()) headers.put(h.getKey(), h.getValue());
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        if (LOG.isDebugEnabled()) {
            LOG.debug("api {} {} -> {} in {} ms", request.getMethod(), path, reply.status(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        return true;
    }

    /**
     * Upgrades to a WebSocket or starts an event stream; null when the connection is now the live
     * view's, else the error to answer instead.
     */
    private Reply startLive(LiveEndpoints.Live view, String path, Request request, Response response, Callback callback) {
        return switch (view) {
            case LiveEndpoints.EventStream es -> {
                live.stream(es, request, response, callback);
                yield null;
            }
            case LiveEndpoints.WebSocket ws -> {
                ServerWebSocketContainer container = webSockets;
                if (container == null) {
                    yield Reply.error(503, "WebSocket is not available: the API handler is not running in a started Jetty server");
                }
                if (live.upgrade(container, ws, request, response, callback)) yield null;
                String stream = ws.topic() == LiveFeed.Topic.LOGS ? "/api/logs/stream" : "/api/requests/stream";
                yield Reply.error(426, path + " is a WebSocket (expected: a WebSocket handshake with Upgrade: websocket;"
                        + " without WebSocket, GET " + stream + " sends the same events)").withHeader("upgrade", "websocket");
            }
        };
    }

    private Reply answer(Request request, String path) {
        try {
            ApiCall.Access access = ApiCall.Access.UNIX_SOCKET;
            if (!AdminGate.overUnixSocket(request)) {
                var host = gate.hostProblem(request);
                if (host.isPresent()) return Reply.error(421, host.get());
                var origin = webSocketPath(path) ? gate.webSocketOriginProblem(request) : gate.originProblem(request);
                if (origin.isPresent()) return Reply.error(403, origin.get());
                access = gate.authorised(request) ? ApiCall.Access.TOKEN
                        : sessions.session(request).isPresent() ? ApiCall.Access.SESSION : ApiCall.Access.NONE;
                if (!path.equals("/health") && access == ApiCall.Access.NONE) {
                    return Reply.error(401, UNAUTHORISED).withHeader("www-authenticate", "Bearer");
                }
                if (access == ApiCall.Access.SESSION && SessionGate.changesState(request.getMethod())) {
                    var csrf = SessionGate.sameOriginProblem(gate, request);
                    if (csrf.isPresent()) return Reply.error(403, csrf.get());
                }
            }
            return switch (routes.match(request.getMethod(), path)) {
                case Routes.Match.Found f -> f.endpoint().handle(new ApiCall(request, f.params(), access));
                case Routes.Match.WrongMethod w -> Reply.error(405, "method " + request.getMethod() + " not allowed on "
                        + path + " (expected: " + String.join(", ", w.allowed()) + ")")
                        .withHeader("allow", String.join(", ", w.allowed()));
                case Routes.Match.NotFound n -> Reply.error(404, "no such endpoint: " + request.getMethod() + " " + path);
            };
        } catch (ApiException e) {
            return Reply.error(e);
        } catch (Json.BadJsonException e) {
            return Reply.error(400, e.getMessage());
        } catch (AccountStore.DuplicateNameException e) {
            return Reply.error(409, e.getMessage());
        } catch (BadMessageException e) {
            return Reply.error(e.getCode() >= 400 && e.getCode() < 500 ? e.getCode() : 400, String.valueOf(e.getReason()));
        } catch (Exception e) {
            return internalError(request, path, e);
        }
    }

    private static Reply internalError(Request request, String path, Exception e) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        LOG.error("api {} {} failed (id {})", request.getMethod(), path, id, e);
        return Reply.error(500, "internal error (see the daemon log, id " + id + ")");
    }
}

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
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /health} and {@code /api/**}: the admin gate first, then the route table, then
 * every outcome as a JSON reply. Endpoints block on the database, so this handler is BLOCKING
 * (Jetty runs it on a pool thread, never a selector).
 */
final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    static final String UNAUTHORISED =
            "missing or wrong admin token (see admin.token beside the database, or ccflarectl dashboard)";
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField NO_SNIFF = new HttpField("x-content-type-options", "nosniff");

    private final Routes routes = new Routes();
    private final AdminGate gate;

    ApiHandler(ApiContext context) {
        super(InvocationType.BLOCKING);
        this.gate = new AdminGate(context.adminToken());
        new DaemonEndpoints(context).register(routes);
        new AccountEndpoints(context.accounts(), context.clock()).register(routes);
        new TrafficEndpoints(context.accounts(), context.queries(), context.clock()).register(routes);
        new AuthEndpoints(context.oauth(), context.accounts(), context.clock()).register(routes);
    }

    Routes routes() { return routes; }

    static boolean serves(String path) {
        return path.equals("/health") || path.equals("/api") || path.startsWith("/api/");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path == null || !serves(path)) return false;
        long started = System.nanoTime();
        Reply reply = answer(request, path);
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

    private Reply answer(Request request, String path) {
        try {
            boolean unixSocket = AdminGate.overUnixSocket(request);
            if (!unixSocket) {
                var host = AdminGate.hostProblem(request);
                if (host.isPresent()) return Reply.error(421, host.get());
                var origin = AdminGate.originProblem(request);
                if (origin.isPresent()) return Reply.error(403, origin.get());
                if (!path.equals("/health") && !gate.authorised(request)) {
                    return Reply.error(401, UNAUTHORISED).withHeader("www-authenticate", "Bearer");
                }
            }
            return switch (routes.match(request.getMethod(), path)) {
                case Routes.Match.Found f -> f.endpoint().handle(new ApiCall(request, f.params()));
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

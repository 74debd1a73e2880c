package ccflare.server;

import static java.util.Objects.requireNonNull;

import ccflare.proxy.UnreadBody;
import java.util.concurrent.Executor;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The daemon's top handler: {@code /v1/**} goes to the proxy on the thread that parsed the
 * request, everything else (the API, which reads the database, the web dashboard at {@code /}
 * and {@code /assets/**}, and the 404) to a virtual thread. The dashboard serves from memory and
 * blocks only to read the sign-in form; it is not worth a second dispatch rule.
 *
 * <p>Why not a plain {@code Handler.Sequence}: a sequence is as blocking as its most blocking
 * child, so with the API in it Jetty handed every proxied request to a new virtual thread and
 * back — a scheduler wake-up and a few tens of microseconds of CPU per request, for a proxy
 * that never blocks. This handler reports {@link InvocationType#NON_BLOCKING}; the proxy's
 * handler must therefore never block (it does not: see {@code ccflare.proxy.Proxy}), and the
 * blocking part is moved off the calling thread here, by path.
 */
final class Dispatch extends Handler.Sequence {

    private final Handler proxy;
    private final Handler api;
    private final Handler dashboard;
    private final Handler notFound;
    private final Executor blocking;
    private final long maxBodyBytes;

    /**
     * @param proxy    non-blocking; returns false for paths it does not serve
     * @param api       may block; returns false for paths it does not serve
     * @param dashboard may block; returns false for paths it does not serve
     * @param notFound  answers everything else
     * @param blocking  where {@code api}, {@code dashboard} and {@code notFound} run (virtual threads)
     * @param maxBodyBytes how much of a body they left unread is discarded before their answer ({@link BodyBeforeAnswer})
     */
    Dispatch(Handler proxy, Handler api, Handler dashboard, Handler notFound, Executor blocking, long maxBodyBytes) {
        super(proxy, api, dashboard, notFound);
        this.proxy = requireNonNull(proxy, "proxy");
        this.api = requireNonNull(api, "api");
        this.dashboard = requireNonNull(dashboard, "dashboard");
        this.notFound = requireNonNull(notFound, "notFound");
        this.blocking = requireNonNull(blocking, "blocking");
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public InvocationType getInvocationType() { return InvocationType.NON_BLOCKING; }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (proxy.handle(request, response, callback)) return true;
        Response answer = UnreadBody.declared(request) ? new BodyBeforeAnswer(request, response, maxBodyBytes) : response;
        blocking.execute(() -> {
            try {
                if (!api.handle(request, answer, callback) && !dashboard.handle(request, answer, callback)
                        && !notFound.handle(request, answer, callback)) {
                    Response.writeError(request, answer, callback, 404);
                }
            } catch (Throwable t) {
                Response.writeError(request, answer, callback, t);
            }
        });
        return true;
    }
}

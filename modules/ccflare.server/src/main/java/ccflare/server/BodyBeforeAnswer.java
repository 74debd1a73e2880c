package ccflare.server;

import ccflare.proxy.UnreadBody;
import java.nio.ByteBuffer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The response of an API, dashboard or 404 request that declared a body: its first write waits
 * until whatever of the body the handler left unread has been discarded ({@link UnreadBody}), so
 * a refusal that never read the body (a missing admin token, an unknown path) leaves the client's
 * connection usable. A handler that read its body finds nothing left, and writes at once.
 */
final class BodyBeforeAnswer extends Response.Wrapper {

    private final long max;
    private boolean wrote;

    BodyBeforeAnswer(Request request, Response response, long max) {
        super(request, response);
        this.max = max;
    }

    @Override
    public void write(boolean last, ByteBuffer byteBuffer, Callback callback) {
        if (wrote) {
            super.write(last, byteBuffer, callback);
            return;
        }
        wrote = true;
        UnreadBody.discardThen(getRequest(), getWrapped(), max, () -> super.write(last, byteBuffer, callback));
    }
}

package ccflare.server;

import ccflare.protocol.ErrorBody;
import ccflare.protocol.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The last handler: any path neither the proxy, the API nor the dashboard serves answers 404 {@code {"error":…}}. */
final class NotFoundHandler extends Handler.Abstract.NonBlocking {

    private static final int MAX_PATH_ECHO = 200;

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null) path = "";
        if (path.length() > MAX_PATH_ECHO) path = path.substring(0, MAX_PATH_ECHO) + "…";
        byte[] body = Json.write(ErrorBody.of("not found: " + request.getMethod() + " " + path
                + " (expected: /v1/…, /health, /api/… or the dashboard at /)"));
        response.setStatus(HttpStatus.NOT_FOUND_404);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }
}

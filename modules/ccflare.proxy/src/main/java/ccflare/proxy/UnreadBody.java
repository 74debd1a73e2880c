package ccflare.proxy;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The body of a request that is answered without reading it (a refused client key, an unknown
 * prefix, a missing admin token). Jetty closes such a connection after the answer when the body
 * has not all arrived yet, and says nothing (no {@code Connection: close}): a client that keeps
 * its connections in a pool, as every SDK does, has its next request on it fail ("connection
 * reset", "header parser received no bytes"). So the body is discarded first, without blocking,
 * and the answer follows; a body that passes the limit is not read further, and the answer says
 * {@code Connection: close} instead.
 */
public final class UnreadBody {

    private final Request request;
    private final Response response;
    private final long max;
    private final Runnable answer;
    private long seen;

    private UnreadBody(Request request, Response response, long max, Runnable answer) {
        this.request = request;
        this.response = response;
        this.max = max;
        this.answer = answer;
    }

    /**
     * Discards what is left of the request body, up to {@code max} bytes, then runs {@code answer}:
     * at once when the body has all arrived (or there is none), else on the thread that reads its
     * last chunk. Over {@code max}, or when the client's body fails, the answer runs at once with
     * {@code Connection: close}.
     */
    public static void discardThen(Request request, Response response, long max, Runnable answer) {
        if (request.getLength() > max) {
            close(response);
            answer.run();
            return;
        }
        new UnreadBody(request, response, max, answer).discard();
    }

    /** Whether the request declares a body at all (a length above zero, or chunked). */
    public static boolean declared(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    private void discard() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this::discard);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                close(response);
                answer.run();
                return;
            }
            seen += chunk.remaining();
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                answer.run();
                return;
            }
            if (seen > max) {
                close(response);
                answer.run();
                return;
            }
        }
    }

    private static void close(Response response) {
        if (!response.isCommitted()) response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
}

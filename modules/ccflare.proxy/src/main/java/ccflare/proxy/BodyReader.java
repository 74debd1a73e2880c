package ccflare.proxy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a client's request body whole, without blocking (Jetty's read/demand loop), up to a
 * limit: sized from {@code Content-Length} when there is one, else grown by doubling. The one
 * body reader of the pass-through and the translating routes.
 */
final class BodyReader {

    /** What becomes of the body: read whole, over the limit, or the client's failure. */
    interface Outcome {
        void read(byte[] body);

        void tooLarge();

        void failed(Throwable failure);
    }

    private final Request request;
    private final long max;
    private final Outcome outcome;
    private byte[] body;
    private int length;

    private BodyReader(Request request, long max, Outcome outcome) {
        this.request = request;
        this.max = max;
        this.outcome = outcome;
    }

    /** Starts reading; {@code outcome} hears exactly once, on whichever thread the last chunk arrives. */
    static void read(Request request, long max, Outcome outcome) {
        long declared = request.getLength();
        if (declared > max) {
            outcome.tooLarge();
            return;
        }
        BodyReader reader = new BodyReader(request, max, outcome);
        reader.body = new byte[declared > 0 ? (int) declared : 8192];
        reader.readChunks();
    }

    private void readChunks() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this::readChunks);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                outcome.failed(chunk.getFailure());
                return;
            }
            ByteBuffer bytes = chunk.getByteBuffer();
            int n = bytes.remaining();
            if ((long) length + n > max) {
                chunk.release();
                outcome.tooLarge();
                return;
            }
            if (length + n > body.length) body = Arrays.copyOf(body, (int) Math.min(max, Math.max(length + n, body.length * 2L)));
            bytes.get(body, length, n);
            length += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                outcome.read(length == body.length ? body : Arrays.copyOf(body, length));
                return;
            }
        }
    }
}

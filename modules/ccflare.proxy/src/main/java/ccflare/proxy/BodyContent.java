package ccflare.proxy;

import java.nio.ByteBuffer;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.io.Content;

/**
 * A request body already in memory, offered to the upstream client as one last chunk. Jetty's
 * {@code ByteBufferRequestContent} does the same but builds a serialized invoker (a reflective
 * class-name lookup) and a stream over its buffers for every request; this source needs neither,
 * because it never has to wait: {@link #read} always returns a chunk, so {@link #demand} is only
 * reached after the end and runs the callback at once.
 */
final class BodyContent implements Request.Content {

    private final String contentType;
    private final ByteBuffer body;
    private volatile boolean consumed;
    private volatile Throwable failure;

    /** @param contentType null when the client sent none (none is invented) */
    BodyContent(String contentType, byte[] body) {
        this.contentType = contentType;
        this.body = ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    @Override
    public String getContentType() { return contentType; }

    @Override
    public long getLength() { return body.remaining(); }

    @Override
    public Content.Chunk read() {
        Throwable f = failure;
        if (f != null) return Content.Chunk.from(f);
        if (consumed) return Content.Chunk.EOF;
        consumed = true;
        return Content.Chunk.from(body.slice(), true);
    }

    @Override
    public void demand(Runnable demandCallback) { demandCallback.run(); }

    @Override
    public void fail(Throwable f) {
        if (failure == null) failure = f;
    }

    @Override
    public boolean rewind() {
        if (failure != null) return false;
        consumed = false;
        return true;
    }
}

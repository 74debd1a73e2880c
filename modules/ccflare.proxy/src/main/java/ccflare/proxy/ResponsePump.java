package ccflare.proxy;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Moves a committed upstream response to the client one chunk at a time: read a chunk, write it,
 * read the next only when the write completed. The client's pace is the upstream's pace
 * (backpressure), nothing is buffered beyond the chunk in flight, and every chunk is written (and
 * so flushed) as soon as it arrives, which keeps SSE incremental.
 */
final class ResponsePump extends IteratingCallback {

    private final Exchange exchange;
    private final Attempt attempt;
    private final Content.Source source;
    private boolean headersSent;
    private Content.Chunk inFlight;
    /** A failure read before the headers were written; handled once they are. */
    private Content.Chunk held;
    private boolean done;
    private Throwable upstreamFailure;

    ResponsePump(Exchange exchange, Attempt attempt, Content.Source source) {
        this.exchange = exchange;
        this.attempt = attempt;
        this.source = source;
    }

    @Override
    protected Action process() {
        release();
        if (done || exchange.isFinished()) return Action.SUCCEEDED;
        Content.Chunk chunk = held != null ? held : source.read();
        held = null;
        if (!headersSent) {
            headersSent = true;
            exchange.markClientFirstByte();
            if (chunk == null || Content.Chunk.isFailure(chunk)) {
                // Nothing of the body yet (or already a failure, reported after the head as
                // before): commit the status and headers now, so the client sees the response
                // start even when the first event is slow to come.
                held = chunk;
                attempt.waitingForClient();
                exchange.response.write(false, BufferUtil.EMPTY_BUFFER, this);
                return Action.SCHEDULED;
            }
            // Body bytes came with the head (the usual case): the headers go out in the same
            // write as them, one system call and one packet instead of two.
        }
        if (chunk == null) {
            attempt.waitingForUpstream();
            source.demand(this::iterate);
            return Action.IDLE;
        }
        attempt.waitingForClient();
        if (Content.Chunk.isFailure(chunk)) {
            upstreamFailure = chunk.getFailure();
            done = true;
            // A client that went away gets no error event, and its record is the client's (499).
            if (exchange.isSse() && !(upstreamFailure instanceof Exchange.ClientGone)) {
                byte[] event = ErrorBodies.sseError(exchange.streamErrorMessage(upstreamFailure));
                exchange.observe(ByteBuffer.wrap(event));
                exchange.response.write(true, ByteBuffer.wrap(event), this);
                return Action.SCHEDULED;
            }
            return Action.SUCCEEDED;
        }
        ByteBuffer bytes = chunk.getByteBuffer();
        exchange.observe(bytes);
        inFlight = chunk;
        done = chunk.isLast();
        exchange.response.write(chunk.isLast(), bytes, this);
        return Action.SCHEDULED;
    }

    private void release() {
        Content.Chunk c = inFlight;
        inFlight = null;
        if (c != null) c.release();
    }

    @Override
    protected void onCompleteSuccess() {
        release();
        exchange.streamEnded(upstreamFailure);
    }

    @Override
    protected void onCompleteFailure(Throwable clientFailure) {
        release();
        // The client side failed (it went away): stop the upstream too.
        exchange.clientGone(clientFailure);
    }
}

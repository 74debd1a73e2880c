package ccflare.testing;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.NetworkChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request/response pair, written with blocking calls from a virtual thread. Knows whether the
 * peer went away before the response was complete (the "aborted" signal tests look for).
 */
final class Exchange {
    /** Unwinds the script when the peer has gone; carries no stack trace. */
    static final class PeerGone extends RuntimeException {
        PeerGone() { super("peer closed the connection", null, false, false); }
    }

    /** How often a held response checks whether its peer is still there. */
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(20);
    /**
     * Pause before a scripted reset, so the events already written reach a reading client: an RST that
     * overtakes them makes clients discard data they had not yet consumed, and tests would flake.
     */
    private static final Duration KILL_GRACE = Duration.ofMillis(100);

    final Request request;
    final Response response;
    private final Callback callback;
    private final Runnable onAbort;
    private final Runnable onDone;
    private final java.util.function.LongConsumer writeNanos;
    private final AtomicBoolean done = new AtomicBoolean();
    private final CountDownLatch gone = new CountDownLatch(1);
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicBoolean aborted = new AtomicBoolean();
    private volatile boolean released;
    private volatile long writeStartedAt; // 0 while no write is pending

    /**
     * @param onAbort runs once when the peer abandons the response
     * @param onDone  runs once when the response stops being in flight: just before its last bytes are
     *                written, when it is killed or failed, or when the peer went away (before {@code onAbort},
     *                so a test woken by the abort already sees the in-flight count drop)
     * @param writeNanos receives the time each write waited for completion
     */
    Exchange(Request request, Response response, Callback callback, Runnable onAbort, Runnable onDone,
             java.util.function.LongConsumer writeNanos) {
        this.writeNanos = writeNanos;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.onAbort = onAbort;
        this.onDone = onDone;
    }

    /** Marks the exchange as no longer in flight; idempotent. */
    void done() {
        if (done.compareAndSet(false, true)) onDone.run();
    }

    /** The peer closed or reset the connection before we finished; counted once. */
    void peerGone(Throwable cause) {
        if (!settled.get() && !released && aborted.compareAndSet(false, true)) {
            done();
            onAbort.run();
        }
        gone.countDown();
    }

    /** The server is closing: wake any waiting script without counting an abort. */
    void release() {
        released = true;
        gone.countDown();
    }

    /** How long the write in progress has been waiting, 0 when none is. */
    long pendingWriteNanos(long now) {
        long started = writeStartedAt;
        return started == 0 ? 0 : Math.max(0, now - started);
    }

    boolean isGone() { return gone.getCount() == 0; }

    /** Waits, returning early (and throwing) when the peer goes away meanwhile. */
    void pause(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (true) {
            if (isGone() || peerClosed()) throw new PeerGone();
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            await(Math.min(left, PROBE_INTERVAL.toNanos()));
        }
    }

    /** Blocks until the peer goes away or the server closes. */
    void awaitGone() {
        while (!isGone() && !peerClosed()) await(PROBE_INTERVAL.toNanos());
        throw new PeerGone();
    }

    private void await(long nanos) {
        try {
            gone.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerGone();
        }
    }

    /**
     * Whether the peer has closed or reset the connection while we hold the response. Jetty does not
     * read an HTTP/1.1 connection while a request is being handled and its body was consumed, so nothing
     * would notice a client that gives up on a held request; a direct non-blocking read does. It returns
     * -1 on FIN and throws on RST. A pipelined next request would be lost, which no client under test does.
     * Over HTTP/2 the end point is the connection all streams share: reading it would steal their
     * frames, and it is not needed: Jetty reads the connection throughout and reports a stream the
     * peer reset to the request's failure listener ({@link #peerGone}).
     */
    private boolean peerClosed() {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (http2()) {
            if (endPoint.isOpen()) return false;
            peerGone(null);
            return true;
        }
        try {
            if (!endPoint.isOpen() || endPoint.fill(BufferUtil.allocate(1)) < 0) {
                peerGone(null);
                return true;
            }
            return false;
        } catch (IOException e) {
            peerGone(e);
            return true;
        }
    }

    void write(String text) { write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))); }

    /** Writes and flushes; commits the headers on the first call. */
    void write(boolean last, ByteBuffer buffer) {
        if (isGone()) throw new PeerGone();
        long t0 = System.nanoTime();
        writeStartedAt = t0;
        try (Blocker.Callback blocker = Blocker.callback()) {
            response.write(last, buffer, blocker);
            blocker.block();
            writeNanos.accept(System.nanoTime() - t0);
            writeStartedAt = 0;
        } catch (IOException | RuntimeException e) {
            peerGone(e);
            throw new PeerGone();
        }
    }

    /** Writes the last bytes and completes the exchange normally. */
    void finish(String lastText) {
        done();
        write(true, ByteBuffer.wrap(lastText.getBytes(StandardCharsets.UTF_8)));
        settled.set(true);
        callback.succeeded();
    }

    private boolean http2() {
        return request.getConnectionMetaData().getHttpVersion() == org.eclipse.jetty.http.HttpVersion.HTTP_2;
    }

    /**
     * Ends the response on purpose: RST when {@code reset}, otherwise a clean FIN. Over HTTP/2 a reset
     * resets only this stream (RST_STREAM) and a clean FIN closes the whole connection (GOAWAY), as an
     * upstream dropping its connection would.
     */
    void kill(boolean reset) {
        if (response.isCommitted()) {
            try {
                pause(KILL_GRACE);
            } catch (PeerGone alreadyGone) {
                // Nothing left to deliver; close anyway so the connection is not reused.
            }
        }
        settled.set(true);
        done();
        if (reset && http2()) {
            // Failing the callback of an unfinished HTTP/2 response resets its stream.
            callback.failed(new IOException("fake upstream reset the stream on purpose"));
            return;
        }
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (reset && endPoint.getTransport() instanceof NetworkChannel channel) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | UnsupportedOperationException ignored) {
                // Falls back to a FIN; the peer still sees a truncated response.
            }
        }
        endPoint.close();
        callback.failed(new IOException("fake upstream ended the response on purpose"));
    }

    /** Gives up on a response the peer abandoned, or that failed locally. */
    void fail(Throwable cause) {
        settled.set(true);
        done();
        callback.failed(cause);
    }
}

package ccflare.proxy;

import ccflare.core.Account;
import ccflare.core.Credentials;
import ccflare.providers.ProviderAdapter;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;

/**
 * One upstream request of an {@link Exchange}, with its two timeouts: first byte (before the
 * response head; the attempt may be retried) and stream idle (after commit; it may not), both
 * checked by the proxy's {@link Ticker} and so precise to one tick. There is no total timeout:
 * a stream may last as long as it keeps producing.
 */
final class Attempt implements org.eclipse.jetty.client.Response.Listener {

    /** No response head within the first-byte timeout. */
    static final class FirstByteTimeout extends TimeoutException {
        private static final long serialVersionUID = 1L;
        FirstByteTimeout() { super("first-byte timeout"); }
    }

    /** The committed stream produced nothing for the stream-idle timeout. */
    static final class StreamIdleTimeout extends TimeoutException {
        private static final long serialVersionUID = 1L;
        StreamIdleTimeout() { super("stream idle timeout"); }
    }

    private final Exchange exchange;
    final Account account;
    /** What this attempt sent; null for pass-through. A 401 refuses exactly these. */
    final Credentials credentials;
    final ProviderAdapter adapter;
    final int number;
    private volatile org.eclipse.jetty.client.Request upstream;
    /** {@link System#nanoTime} by which the response head must have come; checked by {@link #tick}. */
    private volatile long firstByteDeadlineNanos;
    /** The head came, the attempt completed or the first-byte timeout fired: no first-byte check any more. */
    private volatile boolean firstByteSettled;
    private volatile boolean committed;
    private volatile boolean discarded;
    /** The upstream exchange completed (or was aborted for the idle timeout): no idle check any more. */
    private volatile boolean idleSettled;
    /** Nanos of the last sign of life while we wait on the upstream; 0 while we wait on the client instead. */
    private volatile long waitingSinceNanos;

    Attempt(Exchange exchange, Account account, Credentials credentials, ProviderAdapter adapter, int number) {
        this.exchange = exchange;
        this.account = account;
        this.credentials = credentials;
        this.adapter = adapter;
        this.number = number;
    }

    void send(URI target, String method, HttpFields headers, byte[] body, String contentType) {
        org.eclipse.jetty.client.Request r = exchange.proxy.client.newRequest(target).method(method)
                .headers(h -> h.add(headers))
                .idleTimeout(exchange.proxy.liveIdleTimeoutMs(), TimeUnit.MILLISECONDS);
        if (body.length > 0 || !(method.equals("GET") || method.equals("HEAD"))) {
            r.body(new BodyContent(contentType, body));
        }
        firstByteDeadlineNanos = System.nanoTime() + exchange.proxy.config.firstByteTimeout().toNanos();
        // Published after the deadline: a tick that sees the request sees its deadline.
        upstream = r;
        r.send(this);
    }

    /**
     * One tick of the {@link Ticker}: aborts the attempt with {@link FirstByteTimeout} when no
     * head came by its deadline, and a committed stream with {@link StreamIdleTimeout} when the
     * upstream said nothing for the stream-idle timeout while we waited on it (never while a
     * client write is pending: then the client is slow, not the upstream).
     */
    void tick(long nowNanos) {
        org.eclipse.jetty.client.Request r = upstream;
        if (discarded || r == null) return;
        if (!firstByteSettled) {
            if (nowNanos - firstByteDeadlineNanos >= 0) {
                firstByteSettled = true;
                r.abort(new FirstByteTimeout());
            }
            return;
        }
        if (!committed || idleSettled) return;
        long since = waitingSinceNanos;
        if (since != 0 && nowNanos - since >= exchange.proxy.config.streamIdleTimeout().toNanos()) {
            idleSettled = true;
            abortUpstream(new StreamIdleTimeout());
        }
    }

    /** Drops this attempt: aborts the upstream request and its response, releasing the connection. */
    void discard(Throwable reason) {
        discarded = true;
        org.eclipse.jetty.client.Request r = upstream;
        if (r != null) r.abort(reason);
    }

    /** This attempt's response goes to the client. */
    void commit() {
        waitingSinceNanos = System.nanoTime();
        committed = true;
    }

    /** Aborts the upstream with a cause the stream will report (used for the stream-idle timeout). */
    void abortUpstream(Throwable cause) {
        org.eclipse.jetty.client.Request r = upstream;
        if (r != null) r.abort(cause);
    }

    /**
     * Whether the client has seen nothing from this attempt for at least {@code nanos}: true before
     * the response is committed, false while a write to the client is pending (it will fail if the
     * client is gone) or when the pump last wrote less than {@code nanos} ago.
     */
    boolean quietFor(long nowNanos, long nanos) {
        if (!committed) return true;
        long since = waitingSinceNanos;
        return since != 0 && nowNanos - since >= nanos;
    }

    /** The pump waits on the upstream from now on. */
    void waitingForUpstream() { waitingSinceNanos = System.nanoTime(); }

    /** The pump waits on the client (a write is pending): the upstream is not idle, we are. */
    void waitingForClient() { waitingSinceNanos = 0; }

    @Override
    public void onHeaders(org.eclipse.jetty.client.Response response) {
        firstByteSettled = true;
        if (discarded) return;
        try {
            exchange.onHead(this, response);
        } catch (RuntimeException e) {
            exchange.internalError(e);
        }
    }

    @Override
    public void onContentSource(org.eclipse.jetty.client.Response response, Content.Source source) {
        if (!committed || discarded) {
            // A discarded response: nobody reads it, and the abort already closed its connection.
            return;
        }
        new ResponsePump(exchange, this, source).iterate();
    }

    @Override
    public void onComplete(Result result) {
        firstByteSettled = true;
        idleSettled = true;
        // After commit, failures reach the pump through the content source.
        if (committed || discarded || !result.isFailed()) return;
        try {
            exchange.onAttemptFailed(this, result.getFailure());
        } catch (RuntimeException e) {
            exchange.internalError(e);
        }
    }
}

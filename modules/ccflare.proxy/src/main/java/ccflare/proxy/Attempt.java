package ccflare.proxy;

import ccflare.core.Account;
import ccflare.core.Credentials;
import ccflare.providers.ProviderAdapter;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One upstream request of an {@link Exchange}, with its two timers: first byte (before the
 * response head; the attempt may be retried) and stream idle (after commit; it may not).
 * There is no total timeout: a stream may last as long as it keeps producing.
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
    private volatile Scheduler.Task firstByteTimer;
    private volatile Scheduler.Task idleTimer;
    private volatile boolean committed;
    private volatile boolean discarded;
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
                .headers(h -> h.add(headers));
        if (body.length > 0 || !(method.equals("GET") || method.equals("HEAD"))) {
            r.body(new BytesRequestContent(contentType, body));
        }
        upstream = r;
        Scheduler scheduler = exchange.proxy.client.getScheduler();
        firstByteTimer = scheduler.schedule(() -> r.abort(new FirstByteTimeout()),
                exchange.proxy.config.firstByteTimeout().toMillis(), TimeUnit.MILLISECONDS);
        r.send(this);
    }

    /** Drops this attempt: aborts the upstream request and its response, releasing the connection. */
    void discard(Throwable reason) {
        discarded = true;
        cancelTimers();
        org.eclipse.jetty.client.Request r = upstream;
        if (r != null) r.abort(reason);
    }

    /** This attempt's response goes to the client. */
    void commit() {
        committed = true;
        waitingSinceNanos = System.nanoTime();
        scheduleIdleCheck(exchange.proxy.config.streamIdleTimeout().toNanos());
    }

    /** Aborts the upstream with a cause the stream will report (used for the stream-idle timeout). */
    void abortUpstream(Throwable cause) {
        org.eclipse.jetty.client.Request r = upstream;
        if (r != null) r.abort(cause);
    }

    /** The pump waits on the upstream from now on. */
    void waitingForUpstream() { waitingSinceNanos = System.nanoTime(); }

    /** The pump waits on the client (a write is pending): the upstream is not idle, we are. */
    void waitingForClient() { waitingSinceNanos = 0; }

    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = exchange.proxy.client.getScheduler().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
        if (discarded || exchange.isFinished()) return;
        long limit = exchange.proxy.config.streamIdleTimeout().toNanos();
        long since = waitingSinceNanos;
        long idle = since == 0 ? 0 : System.nanoTime() - since;
        if (since != 0 && idle >= limit) {
            abortUpstream(new StreamIdleTimeout());
        } else {
            scheduleIdleCheck(since == 0 ? limit : limit - idle);
        }
    }

    private void cancelTimers() {
        Scheduler.Task t = firstByteTimer;
        if (t != null) t.cancel();
        Scheduler.Task i = idleTimer;
        if (i != null) i.cancel();
    }

    @Override
    public void onHeaders(org.eclipse.jetty.client.Response response) {
        Scheduler.Task t = firstByteTimer;
        if (t != null) t.cancel();
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
        cancelTimers();
        // After commit, failures reach the pump through the content source.
        if (committed || discarded || !result.isFailed()) return;
        try {
            exchange.onAttemptFailed(this, result.getFailure());
        } catch (RuntimeException e) {
            exchange.internalError(e);
        }
    }
}

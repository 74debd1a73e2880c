package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Connection;

/**
 * The TCP connector's executor: Jetty's pool, except that a connection handed over to be resumed
 * runs at once on the calling thread.
 *
 * <p>Why: a proxied response ends on the upstream client's selector thread, not on the thread that
 * parsed the request, and Jetty 12.1 then resumes the client's HTTP/1.1 connection (read the next
 * request, or wait for it) by executing the connection as a task. That cost every proxied request a
 * hand-off to a pool thread — a futex wake-up, a context switch, and a pool that grew to all its 32
 * threads at c=64 — only for that thread to read nothing ({@code EAGAIN}) and register read
 * interest again. Resuming is non-blocking work (a read, a parse, and handlers that never block:
 * the proxy's, and {@link Dispatch}, which moves blocking work to virtual threads), so the thread
 * that completed the response can do it itself.
 *
 * <p>Every other task (selector loops, acceptors, Jetty's own jobs) goes to the pool unchanged.
 */
final class InlineResume implements Executor {

    private final Executor pool;

    InlineResume(Executor pool) { this.pool = requireNonNull(pool, "pool"); }

    @Override
    public void execute(Runnable task) {
        if (task instanceof Connection) task.run();
        else pool.execute(task);
    }
}

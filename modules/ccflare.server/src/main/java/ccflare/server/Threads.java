package ccflare.server;

import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Every thread the daemon makes, made here and named, so a thread dump reads as a map of the
 * daemon: {@code ccflare-http-*} (Jetty selectors and acceptors, platform threads),
 * {@code ccflare-vt-*} (request handling, virtual threads), {@code ccflare-db-writer} (the one
 * SQLite writer: JNI pins a virtual thread's carrier, so it is a platform thread),
 * {@code ccflare-maintenance} (retention and checkpoints), {@code ccflare-systemd} (status and
 * watchdog pings to systemd, only under it), {@code ccflare-shutdown}, and the
 * short-lived start-up helpers of {@link #ahead}.
 */
final class Threads {

    private Threads() {}

    /** The database's writer thread: a daemon thread, because {@code Database.close()} drains it on shutdown. */
    static ThreadFactory databaseWriter() {
        return Thread.ofPlatform().name("ccflare-db-writer").daemon(true).factory();
    }

    /** One thread for periodic maintenance: retention purges and WAL checkpoints never overlap. */
    static ScheduledExecutorService maintenance() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ccflare-maintenance").daemon(true).factory());
    }

    /** The thread that reads the daemon's health and pings systemd ({@link SystemdNotifier}); made only under systemd. */
    static ScheduledExecutorService systemdNotifier() {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ccflare-systemd").daemon(true).factory());
    }

    /**
     * Jetty's pool: a few platform threads for selectors, acceptors and non-blocking tasks, and a
     * virtual thread per blocking request (the proxy waits on upstreams, the API on the database),
     * so thousands of slow streams do not need thousands of platform threads.
     */
    static QueuedThreadPool http(Executor virtualThreads) {
        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("ccflare-http");
        pool.setVirtualThreadsExecutor(virtualThreads);
        return pool;
    }

    /** A new virtual thread per task, named {@code ccflare-vt-N}: API requests, WebSocket sessions. */
    static Executor virtual() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ccflare-vt-", 0).factory());
    }

    /**
     * Start-up work given a head start on another core ({@code ccflare-<what>}, a daemon thread):
     * its result, or the exception it failed with, waits in the returned task for whoever needs it.
     */
    static <T> FutureTask<T> ahead(String name, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread.ofPlatform().name(name).daemon().start(task);
        return task;
    }

    /** The thread that drains and closes the daemon after SIGTERM or SIGINT. */
    static Thread shutdown(Runnable stop) {
        return Thread.ofPlatform().name("ccflare-shutdown").daemon(false).unstarted(stop);
    }
}

package ccflare.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Stops the daemon on SIGTERM and SIGINT and then exits with status 0.
 *
 * <p>Why signal handlers and not only a shutdown hook: when a hook handles SIGTERM the JVM exits
 * with 143 (128 + 15), which systemd and scripts read as a failure. The handler starts the drain
 * on its own thread and calls {@code System.exit(0)} when it is done; {@code exit} still runs the
 * JVM's hooks (sqlite-jdbc deletes its extracted library there). A hook stays installed for every
 * other way the JVM can end (SIGHUP, an exit elsewhere), and {@link Daemon#stop()} is idempotent.
 */
final class StopSignals {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {}

    static void install(Daemon daemon) {
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("ccflare-shutdown-hook").unstarted(daemon::stop));
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    // A second signal while draining must not cut the drain short with an early exit.
                    if (!stopping.compareAndSet(false, true)) {
                        LOG.info("Received SIG{} again; already stopping", signal.getName());
                        return;
                    }
                    Threads.shutdown(() -> {
                    LOG.info("Received SIG{}", signal.getName());
                    int code = 0;
                    try {
                        daemon.stop();
                    } catch (RuntimeException e) {
                        LOG.error("Shutdown failed", e);
                        code = 1;
                    }
                    System.exit(code);
                    }).start();
                });
            } catch (IllegalArgumentException unavailable) {
                LOG.warn("Cannot handle SIG{} here; the shutdown hook will stop the daemon (exit status 128+signal)", name);
            }
        }
    }
}

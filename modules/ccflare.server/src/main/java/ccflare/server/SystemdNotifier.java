package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon is doing, over {@code $NOTIFY_SOCKET} ({@link NotifySocket}):
 * {@code READY=1} once serving, {@code STATUS=} and, when the unit sets {@code WatchdogSec=},
 * {@code WATCHDOG=1} every half period while the daemon's own health check passes, then
 * {@code STOPPING=1} when the drain starts. What to send is decided by {@link SystemdNotices};
 * this only reads, schedules and sends. Outside systemd it is {@link #NONE}: no thread, no socket.
 */
class SystemdNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);

    /** Not under systemd's notify protocol: every call does nothing. */
    static final SystemdNotifier NONE = new SystemdNotifier();

    private final NotifySocket socket;
    private final Optional<Duration> watchdog;
    private final Function<Duration, SystemdNotices.Reading> health;
    private final Supplier<SystemdNotices.Snapshot> snapshot;
    private final ScheduledExecutorService ticker;
    private boolean healthyBefore = true; // ticker thread only
    private boolean sendFailedBefore;

    private SystemdNotifier() {
        this.socket = null;
        this.watchdog = Optional.empty();
        this.health = null;
        this.snapshot = null;
        this.ticker = null;
    }

    private SystemdNotifier(NotifySocket socket, Optional<Duration> watchdog, Function<Duration, SystemdNotices.Reading> health,
                            Supplier<SystemdNotices.Snapshot> snapshot, ScheduledExecutorService ticker) {
        this.socket = socket;
        this.watchdog = watchdog;
        this.health = health;
        this.snapshot = snapshot;
        this.ticker = ticker;
    }

    /**
     * Sends {@code READY=1} and starts the periodic status and watchdog pings, when systemd gave a
     * notify socket; {@link #NONE} otherwise, or when the socket cannot be used (logged).
     *
     * @param health   reads the daemon's health; its argument is how long the reading may wait for the database
     * @param snapshot what the status line shows
     */
    static SystemdNotifier start(Map<String, String> env, Function<Duration, SystemdNotices.Reading> health,
                                 Supplier<SystemdNotices.Snapshot> snapshot) {
        requireNonNull(env, "env");
        requireNonNull(health, "health");
        requireNonNull(snapshot, "snapshot");
        Optional<NotifySocket> opened;
        try {
            opened = NotifySocket.open(env);
        } catch (RuntimeException e) {
            LOG.warn("Cannot notify systemd ({}); carrying on without READY, STATUS or watchdog pings", e.getMessage());
            return NONE;
        }
        if (opened.isEmpty()) return NONE;
        Optional<Duration> watchdog = SystemdNotices.watchdogPeriod(env, ProcessHandle.current().pid());
        SystemdNotifier notifier = new SystemdNotifier(opened.get(), watchdog, health, snapshot, Threads.systemdNotifier());
        notifier.begin();
        return notifier;
    }

    private void begin() {
        Duration every = SystemdNotices.tickEvery(watchdog);
        SystemdNotices.Reading first = health.apply(SystemdNotices.probeWithin(every));
        send(SystemdNotices.ready(snapshot.get(), first));
        LOG.info("Notified systemd at {}: ready{}", socket.where(),
                watchdog.map(p -> "; watchdog ping every " + p.toMillis() + " ms while healthy").orElse(""));
        ticker.scheduleWithFixedDelay(this::tick, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void tick() {
        try {
            SystemdNotices.Reading r = health.apply(SystemdNotices.probeWithin(SystemdNotices.tickEvery(watchdog)));
            if (r.healthy() != healthyBefore) {
                if (r.healthy()) LOG.info("Health check passes again{}", watchdog.isPresent() ? "; watchdog pings resume" : "");
                else LOG.warn("Health check fails: {}{}", r.problem(), watchdog.isPresent()
                        ? "; no watchdog pings while it does (systemd restarts ccflare after WatchdogSec)" : "");
                healthyBefore = r.healthy();
            }
            send(SystemdNotices.tick(watchdog.isPresent(), snapshot.get(), r));
        } catch (RuntimeException e) {
            // A failing tick must not cancel the schedule; a missed ping is what systemd should see.
            LOG.warn("systemd notification failed: {}", e.toString());
        }
    }

    /** The drain starts: no more pings, {@code STOPPING=1} and a stop timeout that covers the drain. */
    void stopping(int inFlight, Duration drain) {
        if (socket == null) return;
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        send(SystemdNotices.stopping(inFlight, drain));
    }

    /** Closes the socket, at the very end of the stop. */
    void close() {
        if (socket == null) return;
        ticker.shutdownNow();
        socket.close();
    }

    private void send(String message) {
        try {
            socket.send(message);
            sendFailedBefore = false;
        } catch (RuntimeException e) {
            // systemd gone or restarted: log once per run of failures, not every tick.
            if (!sendFailedBefore) LOG.warn("Cannot notify systemd at {}: {}", socket.where(), e.getMessage());
            sendFailedBefore = true;
        }
    }
}

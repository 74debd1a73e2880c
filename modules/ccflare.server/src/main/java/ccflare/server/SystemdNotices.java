package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the daemon tells systemd and when, decided without any I/O: the {@code sd_notify}
 * messages ({@code READY=1}, {@code STATUS=}, {@code WATCHDOG=1}, {@code STOPPING=1},
 * {@code EXTEND_TIMEOUT_USEC=}) from the daemon's own readings. {@link SystemdNotifier} sends them.
 */
final class SystemdNotices {

    /** On top of the drain: the database's close (at most 10 s), the maintenance thread's (5 s), and slack. */
    static final Duration STOP_ALLOWANCE = Duration.ofSeconds(20);
    /** How often {@code STATUS=} is refreshed when systemd asks for no watchdog. */
    static final Duration STATUS_EVERY = Duration.ofSeconds(10);

    private SystemdNotices() {}

    /**
     * The daemon's own health check, as the watchdog reads it.
     *
     * @param databaseWritable the database's writer thread answered a probe in time, took the write
     *                         lock in it, and its last writes succeeded (so the writer is alive too)
     * @param proxyAccepting   the TCP listener is open and accepting
     * @param problem          why not, when one of them is false; empty otherwise
     * @param since            when the check started failing; equal to the reading's time when healthy
     */
    record Reading(boolean databaseWritable, boolean proxyAccepting, String problem, Instant since) {
        Reading {
            requireNonNull(problem, "problem");
            requireNonNull(since, "since");
        }

        boolean healthy() { return databaseWritable && proxyAccepting; }
    }

    /**
     * What {@code systemctl status} shows a person.
     *
     * @param listening      the TCP listener's URL
     * @param accounts       accounts configured
     * @param requestsServed proxied requests finished since start
     * @param inFlight       proxied requests being served now
     */
    record Snapshot(URI listening, int accounts, long requestsServed, int inFlight) {
        Snapshot {
            requireNonNull(listening, "listening");
        }
    }

    /**
     * How often to ping the watchdog: half of {@code WATCHDOG_USEC}, as {@code sd_watchdog_enabled(3)}
     * advises; empty when systemd asks for none, or asks another process ({@code WATCHDOG_PID}).
     */
    static Optional<Duration> watchdogPeriod(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null || usec.isBlank()) return Optional.empty();
        String forPid = env.get("WATCHDOG_PID");
        try {
            if (forPid != null && !forPid.isBlank() && Long.parseLong(forPid.strip()) != pid) return Optional.empty();
            long micros = Long.parseLong(usec.strip());
            if (micros <= 0) return Optional.empty();
            return Optional.of(Duration.ofNanos(micros * 1000 / 2));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** How often the notifier wakes: the watchdog's period, else the status refresh. */
    static Duration tickEvery(Optional<Duration> watchdog) {
        return watchdog.orElse(STATUS_EVERY);
    }

    /** How long one health reading may wait for the database writer: well inside a tick, at most 10 s. */
    static Duration probeWithin(Duration tick) {
        Duration half = tick.dividedBy(2);
        return half.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : half;
    }

    /** The line {@code systemctl status} shows. */
    static String status(Snapshot s, Reading r) {
        String line = "Listening on " + s.listening() + ", " + s.accounts() + (s.accounts() == 1 ? " account, " : " accounts, ")
                + s.requestsServed() + (s.requestsServed() == 1 ? " request" : " requests") + " served, " + s.inFlight() + " in flight";
        if (!r.healthy()) line += "; UNHEALTHY since " + r.since() + ": " + r.problem();
        return oneLine(line);
    }

    /** Once the TCP port, the admin socket and the database are up. */
    static String ready(Snapshot s, Reading r) {
        return "READY=1\nSTATUS=" + status(s, r);
    }

    /**
     * The periodic message: {@code WATCHDOG=1} only when the health check passes (so a wedged
     * daemon stops pinging and systemd restarts it), and the current status.
     */
    static String tick(boolean watchdog, Snapshot s, Reading r) {
        String status = "STATUS=" + status(s, r);
        return watchdog && r.healthy() ? "WATCHDOG=1\n" + status : status;
    }

    /**
     * When the drain starts: the stop timeout is extended to cover the drain and the flush (systemd
     * never shortens it with this), and the status says what is being waited for.
     */
    static String stopping(int inFlight, Duration drain) {
        long micros = drain.plus(STOP_ALLOWANCE).toNanos() / 1000;
        return "STOPPING=1\nEXTEND_TIMEOUT_USEC=" + micros + "\nSTATUS=Stopping: " + inFlight
                + (inFlight == 1 ? " request" : " requests") + " in flight, waiting up to " + drain.toSeconds() + " s";
    }

    /** A value of one assignment cannot hold a newline: the next line would be read as another key. */
    private static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}

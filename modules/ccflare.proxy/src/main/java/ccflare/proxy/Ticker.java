package ccflare.proxy;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one clock of every waiting exchange: a single task on the upstream client's scheduler that
 * runs every {@link #TICK_MS} while any exchange is watched, and calls {@link Exchange#tick} on
 * each, which probes the client, enforces the first-byte deadline and checks the stream-idle
 * timeout of the current attempt.
 *
 * <p>Why not a scheduler task per timer: scheduling and cancelling three tasks per request on a
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor} takes its queue lock six times and
 * wakes the scheduler thread each time, which cost about a tenth of the upstream threads' CPU.
 * Watching and unwatching here is an add and a remove on a concurrent set: no lock, no wake-up.
 *
 * <p>Precision: a timeout fires between its deadline and one tick (50 ms) after it, plus the
 * time the tick takes; the client probe runs every {@link ClientProbe#INTERVAL_MS} to within a
 * tick. With nothing watched the task is not rescheduled (an idle daemon does not wake 20 times
 * a second); the next {@link #watch} starts it again.
 *
 * <p>Thread-safe. Ticks run on the scheduler's thread, one at a time.
 */
final class Ticker {

    private static final Logger LOG = LoggerFactory.getLogger(Ticker.class);

    /** The period of the tick, and so the precision of every proxy timeout. */
    static final long TICK_MS = 50;

    private final HttpClient client;
    /** The client's scheduler, known once the client started. */
    private volatile Scheduler scheduler;
    private final Set<Exchange> watched = ConcurrentHashMap.newKeySet();
    /** True while no tick is scheduled; whoever flips it to false schedules the next one. */
    private final AtomicBoolean parked = new AtomicBoolean(true);
    private volatile boolean running;
    private volatile Scheduler.Task next;

    /** Ticks on {@code client}'s scheduler, which exists once the client started. */
    Ticker(HttpClient client) { this.client = client; }

    /** Starts ticking (with the handler, after the client started). */
    void start() {
        scheduler = client.getScheduler();
        running = true;
        parked.set(true);
        if (!watched.isEmpty() && parked.compareAndSet(true, false)) schedule();
    }

    /** The exchanges watched now (a copy). */
    java.util.List<Exchange> watchedNow() { return java.util.List.copyOf(watched); }

    /** Stops ticking (with the handler, before the scheduler stops). Watched exchanges are forgotten. */
    void stop() {
        running = false;
        Scheduler.Task t = next;
        if (t != null) t.cancel();
        watched.clear();
    }

    /** Ticks {@code exchange} from now until {@link #unwatch} or until its tick returns false. */
    void watch(Exchange exchange) {
        watched.add(exchange);
        if (parked.get() && parked.compareAndSet(true, false)) schedule();
    }

    void unwatch(Exchange exchange) { watched.remove(exchange); }

    private void schedule() {
        if (!running) {
            parked.set(true);
            return;
        }
        next = scheduler.schedule(this::tick, TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (!running) {
            parked.set(true);
            return;
        }
        long now = System.nanoTime();
        for (Iterator<Exchange> it = watched.iterator(); it.hasNext(); ) {
            Exchange exchange = it.next();
            boolean keep;
            try {
                keep = exchange.tick(now);
            } catch (RuntimeException e) {
                // One broken exchange must not stop the clock of all the others.
                LOG.warn("{} tick failed: {}", exchange.id, e.toString(), e);
                keep = false;
                exchange.internalError(e);
            }
            if (!keep) it.remove();
        }
        if (watched.isEmpty()) {
            parked.set(true);
            // A watch between the emptiness check and parking saw parked == false and left the
            // scheduling to us: look again, and take the scheduling back if so (once, by CAS).
            if (watched.isEmpty() || !parked.compareAndSet(true, false)) return;
        }
        schedule();
    }
}

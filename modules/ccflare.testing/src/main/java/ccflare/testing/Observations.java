package ccflare.testing;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link FakeUpstream} saw: the requests, the aborts, the connections and the load, with waits for
 * them. One monitor guards the lists so a waiter wakes on every arrival and abort.
 */
final class Observations {
    private final Object monitor = new Object();
    private final List<Received> received = new ArrayList<>();   // guarded by monitor
    private final List<Long> abortTimes = new ArrayList<>();     // guarded by monitor
    private final Set<SocketAddress> peers = new HashSet<>();    // guarded by monitor
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong writeNanos = new AtomicLong();

    /** A request started being served (before its body is read). */
    void started() { peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max); }

    /** A request's serving ended, however it ended. */
    void finished() { inFlight.decrementAndGet(); }

    /** A response write waited {@code nanos} to complete. */
    void wrote(long nanos) { writeNanos.addAndGet(nanos); }

    /** A request arrived whole over a connection from {@code peer}. */
    void arrived(Received r, SocketAddress peer) {
        synchronized (monitor) {
            peers.add(peer);
            received.add(r);
            monitor.notifyAll();
        }
    }

    /** A response could not be completed because the peer went away. */
    void aborted() {
        synchronized (monitor) {
            abortTimes.add(System.nanoTime());
            monitor.notifyAll();
        }
    }

    List<Received> requests() {
        synchronized (monitor) {
            return List.copyOf(received);
        }
    }

    Received awaitRequest(int index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (received.size() <= index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("request #" + index + " did not arrive within " + timeout
                        + " (" + received.size() + " received)");
                waitOn(left);
            }
            return received.get(index);
        }
    }

    int aborts() {
        synchronized (monitor) {
            return abortTimes.size();
        }
    }

    List<Long> abortTimes() {
        synchronized (monitor) {
            return List.copyOf(abortTimes);
        }
    }

    boolean awaitAborts(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (abortTimes.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                waitOn(left);
            }
            return true;
        }
    }

    /** Nanoseconds completed writes waited; writes still waiting are the caller's to add. */
    long writeNanos() { return writeNanos.get(); }

    int inFlight() { return inFlight.get(); }

    int connections() {
        synchronized (monitor) {
            return peers.size();
        }
    }

    int peak() { return peak.get(); }

    /** Forgets everything but the requests in flight, which become the new peak. */
    void reset() {
        synchronized (monitor) {
            received.clear();
            abortTimes.clear();
            peers.clear();
        }
        writeNanos.set(0);
        peak.set(inFlight.get());
    }

    private void waitOn(long nanos) {
        try {
            monitor.wait(Math.max(1, nanos / 1_000_000), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}

package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When each step of the start finished, for the one line the daemon logs once it listens
 * ({@code Start-up: jvm 140 ms, configuration 35 ms, … = 420 ms}): what a slow start spent its
 * time on, without a profiler (a JFR recording from the first millisecond disables the AOT cache).
 * Marks are taken on the starting thread, in order; the JVM's own share is the time from the
 * process's start ({@link ProcessAge}, to the clock tick) to the first mark.
 */
final class StartTimeline {

    /** A finished step and its length. */
    record Step(String name, Duration took) {
        Step {
            requireNonNull(name, "name");
            requireNonNull(took, "took");
        }
    }

    private final List<String> names = new ArrayList<>();
    private final List<Long> nanos = new ArrayList<>();
    private final Optional<Duration> beforeFirst;

    private StartTimeline(long firstNanos, Optional<Duration> beforeFirst) {
        this.beforeFirst = beforeFirst;
        names.add("jvm");
        nanos.add(firstNanos);
    }

    /** A timeline whose first step, {@code jvm}, is the time since the process started. */
    static StartTimeline sinceProcessStart() {
        long now = System.nanoTime();
        return new StartTimeline(now, ProcessAge.ofThisProcess());
    }

    /** A timeline starting now, with {@code jvm} as the given length (tests). */
    static StartTimeline startingAt(long nanos, Duration jvm) {
        return new StartTimeline(nanos, Optional.of(jvm));
    }

    /** The step {@code name} ended now. */
    synchronized void mark(String name) {
        mark(name, System.nanoTime());
    }

    synchronized void mark(String name, long atNanos) {
        requireNonNull(name, "name");
        if (atNanos < nanos.getLast()) {
            throw new IllegalArgumentException("mark " + name + ": " + atNanos + " ns (expected: >= " + nanos.getLast() + ", the previous mark)");
        }
        names.add(name);
        nanos.add(atNanos);
    }

    /** The steps in order: {@code jvm} first when the process's start time is known. */
    synchronized List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        beforeFirst.ifPresent(d -> steps.add(new Step(names.getFirst(), d)));
        for (int i = 1; i < names.size(); i++) {
            steps.add(new Step(names.get(i), Duration.ofNanos(nanos.get(i) - nanos.get(i - 1))));
        }
        return steps;
    }

    /** {@code jvm 140 ms, configuration 35 ms, … = 420 ms}. */
    synchronized String line() {
        StringBuilder s = new StringBuilder();
        long total = 0;
        for (Step step : steps()) {
            if (!s.isEmpty()) s.append(", ");
            long ms = step.took().toMillis();
            total += step.took().toNanos();
            s.append(step.name()).append(' ').append(ms).append(" ms");
        }
        return s.append(" = ").append(Duration.ofNanos(total).toMillis()).append(" ms").toString();
    }
}

package ccflare.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when a test advances it. Thread-safe. */
public final class ManualClock implements InstantSource {
    private final AtomicLong millis;

    /** A clock standing at {@code startMillis} (epoch milliseconds). */
    public ManualClock(long startMillis) { this.millis = new AtomicLong(startMillis); }

    /** A clock standing at an ISO-8601 instant such as {@code 2026-01-01T00:00:00Z}. */
    public static ManualClock at(String isoInstant) { return new ManualClock(Instant.parse(isoInstant).toEpochMilli()); }

    @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }

    @Override public long millis() { return millis.get(); }

    /** Moves the clock forward (or back, for a negative duration). */
    public void advance(Duration d) { millis.addAndGet(d.toMillis()); }

    /** Sets the clock to {@code epochMillis}. */
    public void set(long epochMillis) { millis.set(epochMillis); }
}

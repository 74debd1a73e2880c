package ccflare.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when a test advances it. Thread-safe. */
public final class ManualClock implements InstantSource {
    private final AtomicLong millis;

    public ManualClock(long startMillis) { this.millis = new AtomicLong(startMillis); }

    public static ManualClock at(String isoInstant) { return new ManualClock(Instant.parse(isoInstant).toEpochMilli()); }

    @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }

    @Override public long millis() { return millis.get(); }

    public void advance(Duration d) { millis.addAndGet(d.toMillis()); }

    public void set(long epochMillis) { millis.set(epochMillis); }
}

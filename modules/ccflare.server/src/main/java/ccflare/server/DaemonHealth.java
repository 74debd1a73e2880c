package ccflare.server;

import static java.util.Objects.requireNonNull;

import ccflare.db.Database;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The daemon's own health check, which gates systemd's watchdog: the database's writer thread
 * answers and can take the write lock ({@link Database#writeProbe}), and the TCP listener accepts.
 * Remembers since when it has been failing. For one caller at a time (the notifier's thread).
 */
final class DaemonHealth implements Function<Duration, SystemdNotices.Reading> {

    private final Database db;
    private final BooleanSupplier accepting;
    private final InstantSource clock;
    private Instant failingSince;

    DaemonHealth(Database db, BooleanSupplier accepting, InstantSource clock) {
        this.db = requireNonNull(db, "db");
        this.accepting = requireNonNull(accepting, "accepting");
        this.clock = requireNonNull(clock, "clock");
    }

    /** @param within how long the database probe may take */
    @Override
    public SystemdNotices.Reading apply(Duration within) {
        Optional<String> database = db.writeProbe(within);
        boolean listening = accepting.getAsBoolean();
        Instant now = clock.instant();
        String problem = database.orElse(listening ? "" : "the TCP listener is not accepting connections");
        boolean healthy = database.isEmpty() && listening;
        if (healthy) failingSince = null;
        else if (failingSince == null) failingSince = now;
        return new SystemdNotices.Reading(database.isEmpty(), listening, problem, healthy ? now : failingSince);
    }
}

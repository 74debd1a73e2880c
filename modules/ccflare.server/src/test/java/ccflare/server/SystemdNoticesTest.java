package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemdNoticesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");
    private static final SystemdNotices.Snapshot SERVING = new SystemdNotices.Snapshot(URI.create("http://127.0.0.1:8080"), 2, 17, 1);
    private static final SystemdNotices.Reading HEALTHY = new SystemdNotices.Reading(true, true, "", NOW);
    private static final SystemdNotices.Reading LOCKED = new SystemdNotices.Reading(false, true,
            "database not writable: [SQLITE_BUSY] The database file is locked", NOW.minusSeconds(12));

    @Test
    void watchdogPingsAtHalfOfWatchdogUsecAndOnlyForTheProcessSystemdNamed() {
        assertThat(SystemdNotices.watchdogPeriod(Map.of("WATCHDOG_USEC", "30000000"), 42)).contains(Duration.ofSeconds(15));
        assertThat(SystemdNotices.watchdogPeriod(Map.of("WATCHDOG_USEC", "3000000", "WATCHDOG_PID", "42"), 42))
                .contains(Duration.ofMillis(1500));
        assertThat(SystemdNotices.watchdogPeriod(Map.of("WATCHDOG_USEC", "3000000", "WATCHDOG_PID", "41"), 42)).isEmpty();
        assertThat(SystemdNotices.watchdogPeriod(Map.of(), 42)).isEmpty();
        assertThat(SystemdNotices.watchdogPeriod(Map.of("WATCHDOG_USEC", "0"), 42)).isEmpty();
        assertThat(SystemdNotices.watchdogPeriod(Map.of("WATCHDOG_USEC", "soon"), 42)).isEmpty();
    }

    @Test
    void aHealthyTickPingsTheWatchdogAndAFailingOneOnlyReportsWhy() {
        assertThat(SystemdNotices.tick(true, SERVING, HEALTHY)).isEqualTo(
                "WATCHDOG=1\nSTATUS=Listening on http://127.0.0.1:8080, 2 accounts, 17 requests served, 1 in flight");
        assertThat(SystemdNotices.tick(true, SERVING, LOCKED)).isEqualTo(
                "STATUS=Listening on http://127.0.0.1:8080, 2 accounts, 17 requests served, 1 in flight;"
                        + " UNHEALTHY since 2026-12-07T07:59:48Z: database not writable: [SQLITE_BUSY] The database file is locked");
        assertThat(SystemdNotices.tick(false, SERVING, HEALTHY)).as("no WatchdogSec: status only").startsWith("STATUS=");
        SystemdNotices.Reading notAccepting = new SystemdNotices.Reading(true, false, "the TCP listener is not accepting", NOW);
        assertThat(SystemdNotices.tick(true, SERVING, notAccepting)).doesNotContain("WATCHDOG=1");
    }

    @Test
    void readyCarriesTheFirstStatusAndAProblemCannotBreakTheMessageIntoMoreAssignments() {
        assertThat(SystemdNotices.ready(new SystemdNotices.Snapshot(URI.create("http://[::1]:9"), 1, 1, 0), HEALTHY))
                .isEqualTo("READY=1\nSTATUS=Listening on http://[::1]:9, 1 account, 1 request served, 0 in flight");
        SystemdNotices.Reading twoLines = new SystemdNotices.Reading(false, true, "disk I/O error\nWATCHDOG=1", NOW);
        assertThat(SystemdNotices.tick(true, SERVING, twoLines).lines()).hasSize(1).noneMatch("WATCHDOG=1"::equals);
    }

    @Test
    void stoppingExtendsTheStopTimeoutPastTheDrainAndTheFlush() {
        assertThat(SystemdNotices.stopping(3, Duration.ofSeconds(30))).isEqualTo(
                "STOPPING=1\nEXTEND_TIMEOUT_USEC=50000000\nSTATUS=Stopping: 3 requests in flight, waiting up to 30 s");
    }

    @Test
    void theHealthReadingWaitsForTheDatabaseAtMostHalfATickAndNeverOverTenSeconds() {
        assertThat(SystemdNotices.probeWithin(Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(750));
        assertThat(SystemdNotices.probeWithin(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(10));
        assertThat(SystemdNotices.tickEvery(java.util.Optional.empty())).isEqualTo(SystemdNotices.STATUS_EVERY);
    }
}

package ccflare.packaging;

import static ccflare.packaging.Launches.freePort;
import static ccflare.packaging.Launches.output;
import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.NotifyReceiver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plays systemd for the built image: binds the notify socket, starts {@code bin/ccflare} with
 * {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and a {@code CREDENTIALS_DIRECTORY}, and reads what
 * the daemon tells it, the way a {@code Type=notify} unit with {@code WatchdogSec=2s} would.
 */
class SystemdNotifyIT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final String TOKEN = "credential-admin-token-0123456789";

    @TempDir Path home;

    @Test
    void readyAfterHealthAnswersWatchdogWhileHealthyNotWhileTheDatabaseIsLockedStoppingOnSigterm() throws Exception {
        int port = freePort();
        Path db = home.resolve("state/ccflare.db");
        Path log = home.resolve("daemon.log");
        // Unix socket paths have at most 107 bytes: short directories under /tmp.
        Path runtime = Files.createTempDirectory(Path.of("/tmp"), "cc");
        Path credentials = Files.createDirectories(home.resolve("credentials"));
        Files.writeString(credentials.resolve("ccflare.admin-token"), TOKEN + "\n");
        Files.setPosixFilePermissions(credentials.resolve("ccflare.admin-token"), PosixFilePermissions.fromString("r--------"));
        try (NotifyReceiver systemd = NotifyReceiver.bind(runtime.resolve("notify").toString())) {
            ProcessBuilder pb = new ProcessBuilder(IMAGE.resolve("bin/ccflare").toString());
            pb.environment().keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("XDG_") || k.equals("PORT")
                    || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY") || k.equals("JOURNAL_STREAM")
                    || k.startsWith("WATCHDOG_") || k.equals("NOTIFY_SOCKET") || k.equals("CREDENTIALS_DIRECTORY"));
            pb.environment().put("HOME", home.toString());
            pb.environment().put("PORT", Integer.toString(port));
            pb.environment().put("CCFLARE_DB_PATH", db.toString());
            pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
            pb.environment().put("NOTIFY_SOCKET", systemd.address());
            pb.environment().put("WATCHDOG_USEC", "2000000");
            pb.environment().put("CREDENTIALS_DIRECTORY", credentials.toString());
            Process daemon = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                URI base = URI.create("http://127.0.0.1:" + port);

                // READY=1: by then /health answers at the first try, and the admin socket is there.
                NotifyReceiver.Message ready = systemd.await(m -> m.has("READY=1"), Duration.ofSeconds(60));
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(output(log)).isEqualTo(200);
                assertThat(runtime.resolve("ccflare/ccflare.sock")).exists();
                assertThat(ready.value("STATUS")).startsWith("Listening on " + base).contains("0 accounts", "requests served");
                assertThat(systemd.received().getFirst()).as("READY=1 is the first notification").isEqualTo(ready);

                // The admin token is the credential's; none was generated in the state directory.
                HttpResponse<String> accounts = http.send(HttpRequest.newBuilder(base.resolve("/api/accounts"))
                        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(accounts.statusCode()).as(accounts.body()).isEqualTo(200);
                assertThat(db.resolveSibling("admin.token")).doesNotExist();

                // WATCHDOG=1 every WATCHDOG_USEC/2 = 1 s: about four in four seconds.
                Thread.sleep(4000);
                List<Long> pings = pingTimes(systemd, ready.receivedNanos(), Long.MAX_VALUE);
                assertThat(pings).as("watchdog pings in ~4 s: %s", systemd.received()).hasSizeBetween(2, 8);

                // Another process holds the database's write lock: the health check fails, pings stop.
                try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = other.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 10000");
                    s.execute("BEGIN IMMEDIATE");
                    long locked = System.nanoTime();
                    Thread.sleep(4500);
                    long unlocking = System.nanoTime();
                    // A tick that had read its health just before the lock may still ping: allow 1.5 s.
                    assertThat(pingTimes(systemd, locked + TimeUnit.MILLISECONDS.toNanos(1500), unlocking))
                            .as("no watchdog ping while the database is locked: %s", systemd.received()).isEmpty();
                    // The probe waits on the lock (SQLite's busy timeout) longer than a reading may: late, or then failed.
                    assertThat(systemd.received().getLast().value("STATUS")).contains("UNHEALTHY since")
                            .containsAnyOf("did not take the write lock", "not writable");
                    s.execute("ROLLBACK");
                    long unlocked = System.nanoTime();
                    systemd.await(m -> m.has("WATCHDOG=1") && m.receivedNanos() > unlocked, Duration.ofSeconds(15));
                }

                daemon.destroy(); // SIGTERM
                assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
                assertThat(daemon.exitValue()).as(output(log)).isZero();
                NotifyReceiver.Message stopping = systemd.await(m -> m.has("STOPPING=1"), Duration.ofSeconds(5));
                assertThat(Long.parseLong(stopping.value("EXTEND_TIMEOUT_USEC"))).isEqualTo(50_000_000L);
                assertThat(stopping.value("STATUS")).startsWith("Stopping: 0 requests in flight");
                assertThat(pingTimes(systemd, stopping.receivedNanos(), Long.MAX_VALUE)).as("no ping after STOPPING=1").isEmpty();
                assertThat(output(log)).contains("Admin token from the systemd credential ccflare.admin-token",
                        "Health check fails", "Health check passes again").doesNotContain("WARNING", "Exception");
            } finally {
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try (var left = Files.walk(runtime)) {
                left.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<Long> pingTimes(NotifyReceiver systemd, long after, long before) {
        return systemd.received().stream().filter(m -> m.has("WATCHDOG=1") && m.receivedNanos() > after && m.receivedNanos() < before)
                .map(NotifyReceiver.Message::receivedNanos).toList();
    }
}

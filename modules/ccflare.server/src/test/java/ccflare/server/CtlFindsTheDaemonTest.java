package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.server.DaemonWithSocket.CtlRun;
import ccflare.protocol.DaemonLocations;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ccflarectl} without {@code --socket} finds a real daemon wherever the daemon's own rule
 * put its socket: a HOME that is not the JVM's {@code user.home}, a database named with
 * {@code --db}, {@code CCFLARE_DB_PATH} or {@code XDG_DATA_HOME}, and the system service's socket
 * (moved into a temporary directory through {@link DaemonLocations#SYSTEM_SOCKET_PROPERTY}). When
 * nothing answers, the message lists every place tried.
 */
class CtlFindsTheDaemonTest {

    @TempDir Path home;
    @TempDir Path elsewhere;
    private Path systemDir;
    private Daemon daemon;
    private String systemSocketBefore;

    @BeforeEach
    void moveTheSystemSocket() throws IOException {
        systemDir = Files.createTempDirectory(Path.of("/tmp"), "ccsys");
        systemSocketBefore = System.getProperty(DaemonLocations.SYSTEM_SOCKET_PROPERTY);
        System.setProperty(DaemonLocations.SYSTEM_SOCKET_PROPERTY, systemDir.resolve("ccflare.sock").toString());
    }

    @AfterEach
    void stop() throws IOException {
        if (daemon != null) daemon.stop();
        if (systemSocketBefore == null) System.clearProperty(DaemonLocations.SYSTEM_SOCKET_PROPERTY);
        else System.setProperty(DaemonLocations.SYSTEM_SOCKET_PROPERTY, systemSocketBefore);
        Files.deleteIfExists(systemDir.resolve("ccflare.sock"));
        Files.deleteIfExists(systemDir);
    }

    private void startDaemon(Map<String, String> env, String... args) {
        Map<String, String> all = new HashMap<>(env);
        all.put("PORT", "0");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Launch launch = Main.launch(args, all, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(launch).as(err.toString(StandardCharsets.UTF_8)).isInstanceOf(Main.Launch.Running.class);
        daemon = ((Main.Launch.Running) launch).daemon();
    }

    private static CtlRun ctl(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ccflare.cli.Main.run(args, env, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CtlRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code status} exits 0 and names the socket it reached. */
    private static void reaches(CtlRun run, Path socket) {
        assertThat(run.code()).as(run.all()).isZero();
        assertThat(run.out()).as(run.all()).containsPattern("(?m)^socket +" + java.util.regex.Pattern.quote(socket.toString()) + "$");
    }

    @Test
    void findsTheDaemonUnderAHomeThatIsNotUserHome() {
        assertThat(home.toString()).isNotEqualTo(System.getProperty("user.home"));
        startDaemon(Map.of("HOME", home.toString()));
        // The shell's runtime directory has no daemon in it: the next place, beside the database, is tried.
        reaches(ctl(Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", home.resolve("rt").toString()), "status"),
                home.resolve(".local/share/ccflare/run/ccflare.sock"));
    }

    @Test
    void findsTheDaemonWhoseDatabaseIsNamedByTheVariable() {
        Path db = elsewhere.resolve("db/ccflare.db");
        Map<String, String> env = Map.of("HOME", home.toString(), "CCFLARE_DB_PATH", db.toString());
        startDaemon(env);
        reaches(ctl(env, "status"), elsewhere.resolve("db/run/ccflare.sock"));
    }

    @Test
    void findsTheDaemonWhoseDatabaseIsNamedByTheDbFlagOfBoth() {
        Path db = elsewhere.resolve("flag/ccflare.db");
        startDaemon(Map.of("HOME", home.toString()), "--db", db.toString());
        CtlRun without = ctl(Map.of("HOME", home.toString()), "status");
        assertThat(without.code()).as("the database is not where the default rule says: " + without.all()).isEqualTo(3);
        reaches(ctl(Map.of("HOME", home.toString()), "--db", db.toString(), "status"), elsewhere.resolve("flag/run/ccflare.sock"));
    }

    @Test
    void findsTheDaemonWhoseDataHomeIsMoved() {
        Map<String, String> env = Map.of("HOME", home.toString(), "XDG_DATA_HOME", elsewhere.toString());
        startDaemon(env);
        reaches(ctl(env, "status"), elsewhere.resolve("ccflare/run/ccflare.sock"));
    }

    @Test
    void findsTheDaemonWhoseDatabaseIsNamedInItsConfigFile() throws IOException {
        Path config = Files.createDirectories(home.resolve(".config/ccflare")).resolve("ccflare.json");
        Files.writeString(config, "{\"db_path\": \"" + elsewhere.resolve("file/ccflare.db") + "\"}");
        startDaemon(Map.of("HOME", home.toString()));
        reaches(ctl(Map.of("HOME", home.toString()), "status"), elsewhere.resolve("file/run/ccflare.sock"));
    }

    @Test
    void findsTheSystemServiceSocketFromAnotherUsersSession() {
        // What systemd/ccflare.service gives the daemon: RuntimeDirectory=ccflare → $RUNTIME_DIRECTORY.
        startDaemon(Map.of("HOME", elsewhere.toString(), "STATE_DIRECTORY", elsewhere.resolve("state").toString(),
                "RUNTIME_DIRECTORY", systemDir.toString()));
        reaches(ctl(Map.of("HOME", home.toString()), "status"), systemDir.resolve("ccflare.sock"));
        assertThat(ctl(Map.of("HOME", home.toString()), "list", "--json").out()).isEqualTo("[]\n");
    }

    @Test
    void whenNothingAnswersTheMessageListsEveryPlaceTriedWithItsReason() throws IOException {
        Path runtime = Files.createDirectories(home.resolve("rt/ccflare"));
        // A daemon killed with SIGKILL left its socket behind in the runtime directory.
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(runtime.resolve("ccflare.sock")));
        }
        CtlRun run = ctl(Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", home.resolve("rt").toString()), "list");
        assertThat(run.code()).as(run.all()).isEqualTo(3);
        List<String> expected = new ArrayList<>();
        expected.add("ccflarectl: no ccflare daemon answers at any of the places tried:");
        expected.add("  " + runtime.resolve("ccflare.sock") + "  (connection refused)");
        expected.add("  " + home.resolve(".local/share/ccflare/run/ccflare.sock") + "  (socket missing)");
        expected.add("  " + systemDir.resolve("ccflare.sock") + "  (socket missing)");
        expected.add("Start it with 'ccflare', or pass --socket.");
        assertThat(run.err().lines().toList()).isEqualTo(expected);
        assertThat(run.err()).doesNotContain("systemctl");
        assertThat(run.out()).isEmpty();
    }
}

package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A daemon launched as {@code ccflare} launches it (an environment, port 0, a HOME of its own with
 * the database at {@code data/ccflare.db}), its admin socket in a short directory under /tmp (a
 * Unix socket's path must stay under 108 bytes, which a JUnit temporary directory can exceed), and
 * {@code ccflarectl} run in-process against that socket. Register it with
 * {@code @RegisterExtension}; after each test it stops the daemon and removes both directories.
 */
final class DaemonWithSocket implements BeforeEachCallback, AfterEachCallback {

    /** What one {@code ccflarectl} run printed, and its exit code. */
    record CtlRun(int code, String out, String err) {
        String all() {
            return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }

        /** This run, after checking that it exited 0. */
        CtlRun ok() {
            assertThat(code).as(all()).isZero();
            return this;
        }
    }

    private final String adminToken;
    private Path home;
    private Path shortDir;
    private Path socket;
    private Daemon daemon;

    /** @param adminToken CCFLARE_ADMIN_TOKEN, or null to start without one */
    DaemonWithSocket(String adminToken) {
        this.adminToken = adminToken;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        home = Files.createTempDirectory("ccflare-home");
        shortDir = Files.createTempDirectory(Path.of("/tmp"), "cc");
        socket = shortDir.resolve("ccflare.sock");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (daemon != null) {
            daemon.stop();
            daemon = null;
        }
        delete(shortDir);
        delete(home);
    }

    private static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    Path home() {
        return home;
    }

    Path socket() {
        return socket;
    }

    Daemon daemon() {
        return daemon;
    }

    /** The daemon's environment: HOME, PORT=0, the database, the socket, the token; {@code extra} wins. */
    Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PORT", "0");
        env.put("CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString());
        env.put("CCFLARE_SOCKET_PATH", socket.toString());
        if (adminToken != null) {
            env.put("CCFLARE_ADMIN_TOKEN", adminToken);
        }
        env.putAll(extra);
        return env;
    }

    /** Launches with that environment, whatever the outcome (a refusal is a value too); stderr goes to {@code err}. */
    Main.Launch launch(Map<String, String> extra, ByteArrayOutputStream err) {
        Main.Launch launch = Main.launch(new String[0], env(extra),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        if (launch instanceof Main.Launch.Running running) {
            daemon = running.daemon();
        }
        return launch;
    }

    /** Starts the daemon and checks that it runs. */
    Daemon start(Map<String, String> extra) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Launch launch = launch(extra, err);
        assertThat(launch).as(err.toString(StandardCharsets.UTF_8)).isInstanceOf(Main.Launch.Running.class);
        return daemon;
    }

    Daemon start() {
        return start(Map.of());
    }

    URI uri(String path) {
        return daemon.uri().resolve(path);
    }

    /** {@code ccflarectl --socket SOCKET ARGS…} with nothing on stdin. */
    CtlRun ctl(String... args) {
        return ctlWithInput("", args);
    }

    /** {@code ccflarectl --socket SOCKET ARGS…} with {@code stdin} as its standard input. */
    CtlRun ctlWithInput(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString()));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ccflare.cli.Main.run(all.toArray(String[]::new),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CtlRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

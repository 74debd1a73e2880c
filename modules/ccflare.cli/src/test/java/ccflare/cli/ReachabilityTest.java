package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReachabilityTest {

    /**
     * The one-second budget is about reaching the daemon, not about the JVM loading picocli for the
     * first time (the packaged launcher has an AOT cache for that); load it once before measuring.
     */
    @BeforeAll
    static void loadTheCommandLineOnce() {
        new Cli(Path.of("/tmp/unused.sock")).run("--version");
    }

    static String sentence(Path socket, String reason) {
        return "ccflarectl: no ccflare daemon answers at " + socket + " (" + reason + "). Start it with 'ccflare',"
                + " or pass --socket.\n";
    }

    @Test
    void aMissingSocketExitsThreeWithOneSentence() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cc");
        Path socket = dir.resolve("none.sock");
        var r = new Cli(socket).run("list");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo(sentence(socket, "socket missing"));
        assertThat(r.out()).isEmpty();
        Files.delete(dir);
    }

    @Test
    void warmingUpAClientOfAMissingSocketThrowsNothingAndTheFirstCallStillSaysWhy() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cc");
        Path socket = dir.resolve("none.sock");
        try (DaemonClient client = new DaemonClient(socket)) {
            client.warm();
            Failure f = org.junit.jupiter.api.Assertions.assertThrows(Failure.class, () -> client.get("/health", "health"));
            assertThat(f.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(f.getMessage() + "\n").isEqualTo(sentence(socket, "socket missing"));
        }
        Files.delete(dir);
    }

    @Test
    void aClosedClientStartsNoNewOneForALateCall() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cc");
        DaemonClient client = new DaemonClient(dir.resolve("none.sock"));
        client.close();
        client.warm(); // the TUI's warm-up thread running after the TUI ended
        Failure f = org.junit.jupiter.api.Assertions.assertThrows(Failure.class, () -> client.get("/health", "health"));
        assertThat(f.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(f.getMessage()).contains("closed");
        Files.delete(dir);
    }

    @Test
    void aStoppedDaemonLeavingItsSocketFileExitsThreeWithConnectionRefused() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cc");
        Path socket = dir.resolve("stale.sock");
        // Bind and close: the file stays behind with nobody listening, as after a crash.
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        var r = new Cli(socket).run("status");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).isEqualTo(sentence(socket, "connection refused"));
        Files.delete(socket);
        Files.delete(dir);
    }

    @Test
    void aDaemonThatStopsBetweenCommandsIsReportedUnreachable() throws Exception {
        try (FakeDaemon daemon = new FakeDaemon()) {
            daemon.on("GET /api/accounts", 200, "[]");
            var cli = new Cli(daemon.socket);
            assertThat(cli.run("list").code()).isZero();
            daemon.stop();
            var r = cli.run("list");
            assertThat(r.code()).isEqualTo(3);
            assertThat(r.err()).startsWith("ccflarectl: no ccflare daemon answers at " + daemon.socket);
            }
    }

    @Test
    void aSocketInADirectoryWeMayNotEnterIsPermissionDenied() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root passes every permission check");
        try (FakeDaemon daemon = new FakeDaemon()) {
            Files.setPosixFilePermissions(daemon.dir, PosixFilePermissions.fromString("---------"));
            try {
                var r = new Cli(daemon.socket).run("list");
                assertThat(r.code()).isEqualTo(3);
                assertThat(r.err()).isEqualTo(sentence(daemon.socket, "permission denied"));
            } finally {
                Files.setPosixFilePermissions(daemon.dir, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    @Test
    void theSocketOptionMayFollowTheCommand() throws Exception {
        try (FakeDaemon daemon = new FakeDaemon()) {
            daemon.on("GET /api/accounts", 200, "[]");
            var r = new Cli(daemon.socket).runRaw("list", "--socket", daemon.socket.toString(), "--json");
            assertThat(r.code()).isZero();
            assertThat(r.out()).isEqualTo("[]\n");
        }
    }

    @Test
    void withoutSocketOptionTheEnvironmentVariableIsUsed() throws Exception {
        try (FakeDaemon daemon = new FakeDaemon()) {
            daemon.on("GET /api/accounts", 200, "[]");
            var r = new Cli(daemon.socket).env(Map.of("CCFLARE_SOCKET_PATH", daemon.socket.toString())).runRaw("list");
            assertThat(r.code()).isZero();
            assertThat(daemon.lines()).containsExactly("GET /api/accounts");
        }
    }
}

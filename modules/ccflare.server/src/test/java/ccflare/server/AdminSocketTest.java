package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ccflare.testing.TestHttp;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The admin socket of the real daemon: where it is made and with which modes, what happens to a
 * socket file already there, and who may talk to it. The socket lives in a short directory under
 * /tmp (a Unix socket path has at most 107 bytes). The tests that connect as another user run
 * {@code setpriv … curl --unix-socket} and need root.
 */
class AdminSocketTest {

    private static final String TOKEN = "socket-test-admin-token-0123";

    @TempDir Path home;
    private Path shortDir;
    private final List<Daemon> daemons = new ArrayList<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void shortDirectory() throws IOException {
        shortDir = Files.createTempDirectory(Path.of("/tmp"), "cc");
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Daemon d : daemons) d.stop();
        try (Stream<Path> files = Files.walk(shortDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private Path socket() { return shortDir.resolve("run/ccflare.sock"); }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PORT", "0");
        env.put("CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString());
        env.put("CCFLARE_ADMIN_TOKEN", TOKEN);
        env.put("CCFLARE_SOCKET_PATH", socket().toString());
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null) env.remove(pairs[i]);
            else env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Main.Launch launch(Map<String, String> env) {
        err.reset();
        return Main.launch(new String[0], env, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Daemon started(Map<String, String> env) {
        Main.Launch launch = launch(env);
        assertThat(launch).as(err.toString(StandardCharsets.UTF_8)).isInstanceOf(Main.Launch.Running.class);
        Daemon daemon = ((Main.Launch.Running) launch).daemon();
        daemons.add(daemon);
        return daemon;
    }

    private String stderr() { return err.toString(StandardCharsets.UTF_8); }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static String group(Path p) throws IOException {
        return Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).group().getName();
    }

    @Test
    void servesTheApiOnTheSocketWithoutATokenWhileTheTcpPortStillAsksForIt() throws IOException {
        Daemon daemon = started(env());

        SocketHttp.Reply accounts = SocketHttp.get(socket(), "/api/accounts");
        assertThat(accounts.status()).isEqualTo(200);
        assertThat(accounts.body()).isEqualTo("[]");
        SocketHttp.Reply health = SocketHttp.get(socket(), "/health");
        assertThat(health.body()).contains("\"status\":\"ok\"");
        assertThat(SocketHttp.send(socket(), "POST", "/api/maintenance/analyze", "{}").body()).contains("\"integrity\":\"ok\"");

        assertThat(TestHttp.get(daemon.uri().resolve("/api/accounts")).status()).isEqualTo(401);
    }

    @Test
    void aWebSocketOnTheSocketUpgradesWithoutATokenOrOrigin() throws IOException {
        started(env());

        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket()));
            Channels.newOutputStream(ch).write(("GET /ws/logs HTTP/1.1\r\nHost: ccflare\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = Channels.newInputStream(ch);
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) break;
                head.append((char) c);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101 ").containsIgnoringCase("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }
    }

    @Test
    void curlWithUnixSocketReadsTheAccountsAsTheDocsSay() throws Exception {
        assumeTrue(onPath("curl"), "curl is not installed");
        started(env());

        Result curl = run(List.of("curl", "-s", "-w", "\\n%{http_code}", "--unix-socket", socket().toString(), "http://ccflare/api/accounts"));

        assertThat(curl.code()).isZero();
        assertThat(curl.out()).isEqualTo("[]\n200");
    }

    @Test
    void byDefaultTheSocketIsInAPrivateDirectoryUnderTheRuntimeDirectory() throws IOException {
        started(env("CCFLARE_SOCKET_PATH", null, "XDG_RUNTIME_DIR", shortDir.toString()));

        Path socket = shortDir.resolve("ccflare/ccflare.sock");
        assertThat(mode(socket.getParent())).isEqualTo("rwx------");
        assertThat(mode(socket)).isEqualTo("rw-------");
        assertThat(SocketHttp.get(socket, "/api/accounts").status()).isEqualTo(200);
    }

    @Test
    void anAdminGroupGetsAGroupReadableDirectoryAndAGroupWritableSocket() throws IOException {
        assumeTrue(isRoot(), "changing a file's group to 'users' needs root");
        started(env("CCFLARE_ADMIN_GROUP", "users"));

        assertThat(mode(socket().getParent())).isEqualTo("rwxr-x---");
        assertThat(group(socket().getParent())).isEqualTo("users");
        assertThat(mode(socket())).isEqualTo("rw-rw----");
        assertThat(group(socket())).isEqualTo("users");
    }

    @Test
    void anUnknownAdminGroupStopsStartUpWithExitCode2() {
        assertThat(launch(env("CCFLARE_ADMIN_GROUP", "no-such-group-cc"))).isEqualTo(new Main.Launch.Exit(2));
        assertThat(stderr()).isEqualTo("ccflare: CCFLARE_ADMIN_GROUP=no-such-group-cc: no such group (expected: an existing group)\n");
    }

    @Test
    void aSecondDaemonOnTheSameSocketStopsWithExitCode2AndLeavesTheFirstServing() throws IOException {
        started(env());

        Main.Launch second = launch(env("CCFLARE_DB_PATH", home.resolve("other/ccflare.db").toString()));

        assertThat(second).isEqualTo(new Main.Launch.Exit(2));
        assertThat(stderr()).isEqualTo("ccflare: another ccflare daemon is already serving " + socket() + "\n");
        assertThat(SocketHttp.get(socket(), "/api/accounts").status()).as("the first daemon's socket is intact").isEqualTo(200);
    }

    @Test
    void aStaleSocketLeftByACrashedDaemonIsReplaced() throws IOException {
        Files.createDirectories(socket().getParent());
        // A bound then closed channel leaves its file behind, as a daemon killed with SIGKILL does.
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket()));
        }
        assertThat(socket()).exists();

        started(env());

        assertThat(SocketHttp.get(socket(), "/api/accounts").status()).isEqualTo(200);
    }

    @Test
    void aFileThatIsNotASocketIsLeftAloneAndStopsStartUp() throws IOException {
        Files.createDirectories(socket().getParent());
        Files.writeString(socket(), "precious");

        assertThat(launch(env())).isEqualTo(new Main.Launch.Exit(2));

        assertThat(stderr()).isEqualTo("ccflare: " + socket() + " exists and is not a socket (expected: a free path for the admin socket;"
                + " set CCFLARE_SOCKET_PATH)\n");
        assertThat(Files.readString(socket())).isEqualTo("precious");
    }

    @Test
    void aSocketPathLongerThanTheSystemAllowsStopsStartUpWithOneLineNamingIt() {
        Path tooLong = shortDir.resolve("d".repeat(100)).resolve("ccflare.sock");
        int bytes = tooLong.toString().length();

        assertThat(launch(env("CCFLARE_SOCKET_PATH", tooLong.toString()))).isEqualTo(new Main.Launch.Exit(2));

        assertThat(stderr()).isEqualTo("ccflare: the admin socket path " + tooLong + " is " + bytes
                + " bytes long (expected: at most 107; set CCFLARE_SOCKET_PATH to a shorter path)\n");
        assertThat(home.resolve("data/ccflare.db")).as("nothing opened").doesNotExist();
    }

    @Test
    void stoppingTheDaemonRemovesTheSocketFile() {
        Daemon daemon = started(env());
        assertThat(socket()).exists();

        daemon.stop();

        assertThat(socket()).doesNotExist();
    }

    @Test
    void anotherUserCannotReachTheSocketThroughItsPrivateDirectory() throws Exception {
        assumeTrue(isRoot() && onPath("setpriv") && onPath("curl"), "needs root, setpriv and curl");
        started(env());
        Files.setPosixFilePermissions(shortDir, PosixFilePermissions.fromString("rwx--x--x"));

        Result curl = asUser(65534, 65534, "/api/accounts");

        assertThat(curl.code()).as("curl: couldn't connect (%s)", curl.err()).isEqualTo(7);
    }

    @Test
    void anotherUserIsRefusedWith403AndOneWarningWhenTheModesAreLoosened() throws Exception {
        assumeTrue(isRoot() && onPath("setpriv") && onPath("curl"), "needs root, setpriv and curl");
        started(env());
        loosen();
        ListAppender<ILoggingEvent> log = capture();

        Result nobody = asUser(65534, 65534, "/api/accounts");

        assertThat(nobody.out()).endsWith("\n403");
        assertThat(nobody.out()).startsWith("{\"error\":\"user 'nobody' is not allowed on the admin socket");
        Result stranger = asUser(54321, 54321, "/api/accounts");
        assertThat(stranger.out()).isEqualTo("{\"error\":\"user '54321' is not allowed on the admin socket (expected: user root)\"}\n403");
        List<String> warnings = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("Refused an admin socket connection from user 'nobody' (group 'nogroup')");
        assertThat(warnings.get(1)).startsWith("Refused an admin socket connection from user '54321' (group '54321')");
    }

    @Test
    void aPeerWhosePrimaryGroupIsTheAdminGroupIsAdmittedAndOthersAreNot() throws Exception {
        assumeTrue(isRoot() && onPath("setpriv") && onPath("curl"), "needs root, setpriv and curl");
        started(env("CCFLARE_ADMIN_GROUP", "users"));
        Files.setPosixFilePermissions(shortDir, PosixFilePermissions.fromString("rwx--x--x"));

        Result member = asUser(54321, 100, "/api/accounts");
        assertThat(member.out()).isEqualTo("[]\n200");

        // Not in the group: the 0750 directory keeps it out; with the modes loosened, the peer check does.
        assertThat(asUser(54322, 54322, "/api/accounts").code()).isEqualTo(7);
        loosen();
        assertThat(asUser(54322, 54322, "/api/accounts").out()).endsWith("403");
        // nobody stays out even as a member of the admin group: it stands for every unmapped user.
        assertThat(asUser(65534, 100, "/api/accounts").out()).endsWith("403");
    }

    /** What the test hook does and the product never does: lets every user reach the socket. */
    private void loosen() throws IOException {
        Files.setPosixFilePermissions(shortDir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket().getParent(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(socket(), PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    private static ListAppender<ILoggingEvent> capture() {
        Logger logger = (Logger) LoggerFactory.getLogger(PeerCheck.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    private record Result(int code, String out, String err) {}

    private Result asUser(int uid, int gid, String path) throws Exception {
        return run(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                "curl", "-s", "-S", "-w", "\\n%{http_code}", "--unix-socket", socket().toString(), "http://ccflare" + path));
    }

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 20 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }
}

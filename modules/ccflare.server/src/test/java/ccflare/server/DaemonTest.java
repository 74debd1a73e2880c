package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Outcome;
import ccflare.core.RequestRecord;
import ccflare.db.Database;
import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import ccflare.testing.TestHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole daemon in this JVM: real Jetty on a free port, a real SQLite file, real HTTP. */
class DaemonTest {

    @TempDir Path home;
    private Daemon daemon;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (daemon != null) daemon.stop();
    }

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PORT", "0");
        env.put("CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString());
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    private Main.Launch launch(Map<String, String> env, String... args) {
        return Main.launch(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Daemon started(Map<String, String> env) {
        Main.Launch launch = launch(env);
        assertThat(launch).as(err.toString(StandardCharsets.UTF_8)).isInstanceOf(Main.Launch.Running.class);
        daemon = ((Main.Launch.Running) launch).daemon();
        return daemon;
    }

    private URI uri(String path) { return daemon.uri().resolve(path); }

    @Test
    void listensWithAnAcceptQueueForABurstOfNewConnectionsNotTheJdksFifty() throws Exception {
        started(env());
        assertThat(daemon.acceptQueue()).isEqualTo(Daemon.ACCEPT_QUEUE);
        // What the kernel holds for the socket: ss shows a listener's accept queue limit as Send-Q.
        Path ss = Stream.of("/usr/bin/ss", "/bin/ss", "/usr/sbin/ss", "/sbin/ss").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
        Assumptions.assumeTrue(ss != null, "no ss (iproute2) here to read the kernel's accept queue limit");
        Process p = new ProcessBuilder(ss.toString(), "-Hltn", "sport = :" + daemon.port()).redirectErrorStream(true).start();
        String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(p.waitFor()).as(line).isZero();
        // The kernel caps the queue at net.core.somaxconn: more than the JDK's 50, at most what we asked.
        assertThat(Integer.parseInt(line.split("\\s+")[2])).as(line).isGreaterThan(50).isLessThanOrEqualTo(Daemon.ACCEPT_QUEUE);
    }

    @Test
    void servesHealthKeepsTheApiBehindTheTokenAndAnswersUnknownPathsWithJson404() throws IOException {
        started(env());

        TestHttp.Reply health = TestHttp.get(uri("/health"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"ok\"", "\"database\":\"ok\"", "\"accounts\":0");

        assertThat(TestHttp.get(uri("/api/accounts")).status()).isEqualTo(401);
        String token = Files.readString(home.resolve("data/admin.token")).strip();
        assertThat(TestHttp.get(uri("/api/accounts"), "authorization", "Bearer " + token).status()).isEqualTo(200);

        TestHttp.Reply missing = TestHttp.get(uri("/nowhere"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("content-type")).startsWith("application/json");
        assertThat(missing.body()).isEqualTo("{\"error\":\"not found: GET /nowhere (expected: /v1/…, /health, /api/… or the dashboard at /)\"}");
        assertThat(missing.header("server")).isNull();
    }

    @Test
    void createsThePrivateDataDirectoryDatabaseAndTokenFile() throws IOException {
        started(env());

        Path data = home.resolve("data");
        assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(data.resolve("ccflare.db")).exists();
        assertThat(Files.getPosixFilePermissions(data.resolve("admin.token"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(System.getProperty("org.sqlite.tmpdir")).isNotNull();
    }

    @Test
    void aConfiguredAdminTokenIsUsedAndNoTokenFileIsWritten() {
        started(env("CCFLARE_ADMIN_TOKEN", "configured-admin-token-0123"));

        assertThat(TestHttp.get(uri("/api/accounts"), "authorization", "Bearer configured-admin-token-0123").status()).isEqualTo(200);
        assertThat(home.resolve("data/admin.token")).doesNotExist();
    }

    @Test
    void runtimeSettingsAreServedAndSavedThroughTheApi() throws IOException {
        started(env("CCFLARE_ADMIN_TOKEN", "configured-admin-token-0123"));
        String[] auth = {"authorization", "Bearer configured-admin-token-0123"};

        TestHttp.Reply view = TestHttp.get(uri("/api/config"), auth);
        assertThat(view.status()).isEqualTo(200);
        assertThat(view.body()).contains("\"port\":" + daemon.port(), "\"data_retention_days\":7").doesNotContain("configured-admin-token");

        RawReply changed = patch("/api/config", "{\"data_retention_days\":2}", auth[1]);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body()).contains("\"data_retention_days\":2");
        assertThat(Files.readString(home.resolve(".config/ccflare/ccflare.json"))).contains("\"data_retention_days\" : 2");

        RawReply refused = patch("/api/config", "{\"port\":1}", auth[1]);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("port: cannot be changed while running");
    }

    @Test
    void maintenanceActionsRunAgainstTheDatabase() {
        started(env("CCFLARE_ADMIN_TOKEN", "configured-admin-token-0123"));
        String[] auth = {"authorization", "Bearer configured-admin-token-0123"};

        assertThat(TestHttp.postJson(uri("/api/maintenance/cleanup"), "{}", auth).body()).contains("\"removedRequests\":0");
        assertThat(TestHttp.postJson(uri("/api/maintenance/compact"), "{}", auth).body()).contains("\"ok\":true");
        assertThat(TestHttp.postJson(uri("/api/maintenance/analyze"), "{}", auth).body()).contains("\"integrity\":\"ok\"");
    }

    @Test
    void anInFlightRequestFinishesDuringStopAndIsRecorded() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.behaveByDefault(Behaviour.slowFirstByte(Duration.ofMillis(700)));
            started(env("CCFLARE_ANTHROPIC_BASE_URL", upstream.baseUri().toString(), "CCFLARE_DRAIN_TIMEOUT_MS", "10000"));

            CompletableFuture<TestHttp.Reply> reply = CompletableFuture.supplyAsync(() -> TestHttp.postJson(uri("/v1/messages"),
                    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "x-api-key", "sk-ant-client-own-key"));
            upstream.awaitRequest(0, Duration.ofSeconds(10));
            int port = daemon.port();
            daemon.stop();

            assertThat(reply.get().status()).isEqualTo(200);
            assertThat(connects(port)).as("the listener is closed after stop").isFalse();
        }
        try (Database db = Database.open(home.resolve("data/ccflare.db"), InstantSource.system(), Thread.ofPlatform().factory())) {
            List<RequestRecord> recorded = db.queries().recent(10);
            assertThat(recorded).hasSize(1);
            assertThat(recorded.getFirst().outcome()).isEqualTo(Outcome.OK);
        }
    }

    @Test
    void aStreamCutAtTheDrainDeadlineSaysTheDaemonIsStoppingNotThatTheUpstreamReset() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.behaveByDefault(Behaviour.bulkStream(1_000, 16, Duration.ofMillis(100)));
            started(env("CCFLARE_ANTHROPIC_BASE_URL", upstream.baseUri().toString(), "CCFLARE_DRAIN_TIMEOUT_MS", "500"));

            String text;
            try (TestHttp.OpenStream stream = TestHttp.openStream(uri("/v1/messages"),
                    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "x-api-key", "sk-ant-client-own-key")) {
                assertThat(stream.status()).isEqualTo(200);
                stream.readEvents(2);
                CompletableFuture<Void> stopping = CompletableFuture.runAsync(daemon::stop);
                StringBuilder rest = new StringBuilder();
                for (TestHttp.Line line = stream.nextLine(); line != null; line = stream.nextLine()) rest.append(line.text()).append('\n');
                text = rest.toString();
                stopping.get();
            }
            assertThat(text).contains("event: error").contains("the daemon is stopping").doesNotContain("upstream connection reset");
        }
        try (Database db = Database.open(home.resolve("data/ccflare.db"), InstantSource.system(), Thread.ofPlatform().factory())) {
            List<RequestRecord> recorded = db.queries().recent(10);
            assertThat(recorded).hasSize(1);
            assertThat(recorded.getFirst().errorMessage()).startsWith("the daemon is stopping").doesNotContain("reset");
        }
    }

    @Test
    void aRequestStillWaitingAtTheDrainDeadlineIsAnswered503SayingTheDaemonIsStopping() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.behaveByDefault(Behaviour.hang());
            started(env("CCFLARE_ANTHROPIC_BASE_URL", upstream.baseUri().toString(), "CCFLARE_DRAIN_TIMEOUT_MS", "300",
                    "CCFLARE_FIRST_BYTE_TIMEOUT_MS", "60000"));

            CompletableFuture<TestHttp.Reply> reply = CompletableFuture.supplyAsync(() -> TestHttp.postJson(uri("/v1/messages"),
                    "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "x-api-key", "sk-ant-client-own-key"));
            upstream.awaitRequest(0, Duration.ofSeconds(10));
            daemon.stop();

            assertThat(reply.get().status()).isEqualTo(503);
            assertThat(reply.get().body()).contains("the daemon is stopping");
        }
        try (Database db = Database.open(home.resolve("data/ccflare.db"), InstantSource.system(), Thread.ofPlatform().factory())) {
            List<RequestRecord> recorded = db.queries().recent(10);
            assertThat(recorded).hasSize(1);
            assertThat(recorded.getFirst().errorMessage()).startsWith("the daemon is stopping");
        }
    }

    @Test
    void aPortInUseStopsStartUpWithOneLineAndExitCode2() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Main.Launch launch = launch(env("PORT", Integer.toString(taken.getLocalPort())));

            assertThat(launch).isEqualTo(new Main.Launch.Exit(2));
            assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("ccflare: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use (set PORT or --port)\n");
        }
        // The database opened before the bind was closed again: a second start can open it.
        started(env());
    }

    @Test
    void aHostThatIsNotAnAddressIsNamedNotReportedAsNull() {
        Main.Launch launch = launch(env("HOST", "999.1.1.1"));

        assertThat(launch).isEqualTo(new Main.Launch.Exit(2));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("ccflare: cannot listen on 999.1.1.1:0: '999.1.1.1' is"
                + " not an address of this machine nor a name that resolves to one (set HOST or --host, PORT or --port)\n");
    }

    @Test
    void badConfigurationStopsBeforeAnythingIsCreated() {
        assertThat(launch(env("PORT", "abc"))).isEqualTo(new Main.Launch.Exit(2));

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("ccflare: PORT=abc (expected: an integer 0..65535)\n");
        assertThat(home.resolve("data")).doesNotExist();
    }

    @Test
    void versionHelpAndUsageErrors() {
        assertThat(launch(env(), "--version")).isEqualTo(new Main.Launch.Exit(0));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ccflare " + ccflare.core.Version.current() + "\n");
        out.reset();
        assertThat(launch(env(), "--help")).isEqualTo(new Main.Launch.Exit(0));
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Usage: ccflare [OPTIONS]");
        assertThat(launch(env(), "--bogus")).isEqualTo(new Main.Launch.Exit(2));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("ccflare: unknown option --bogus (see ccflare --help)\n");
    }

    @Test
    void aCorruptDatabaseStopsStartUpWithExitCode1() throws IOException {
        Files.createDirectories(home.resolve("data"));
        Files.writeString(home.resolve("data/ccflare.db"), "this is not a database, it is a text file of some length");

        assertThat(launch(env())).isEqualTo(new Main.Launch.Exit(1));
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("ccflare: cannot open the database: ").doesNotContain("\n\n");
    }

    private record RawReply(int status, String body) {}

    /** PATCH over a plain socket: HttpURLConnection refuses the method, and java.net.http is not read by this module. */
    private RawReply patch(String path, String json, String authorization) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), daemon.port())) {
            s.setSoTimeout(10_000);
            String head = "PATCH " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + daemon.port() + "\r\nAuthorization: " + authorization
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            return new RawReply(status, response.substring(response.indexOf("\r\n\r\n") + 4));
        }
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException other) {
            return false;
        }
    }
}

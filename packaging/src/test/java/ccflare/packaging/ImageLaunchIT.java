package ccflare.packaging;

import static ccflare.packaging.Launches.freePort;
import static ccflare.packaging.Launches.output;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.Exposition;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Launches the built image the way a user does, through {@code bin/ccflare}. Surefire opens every
 * package to every module and so hides a missing {@code exports}/{@code opens} or a JDK module
 * left out of the runtime; only a real launch of the real image proves them.
 */
class ImageLaunchIT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final String VERSION = System.getProperty("ccflare.version", "dev");

    @TempDir Path home;

    private ProcessBuilder ccflare(Map<String, String> env, String... args) {
        return launcher("bin/ccflare", env, args);
    }

    private ProcessBuilder launcher(String program, Map<String, String> env, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = IMAGE.resolve(program).toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("ccflare_") || k.startsWith("XDG_")
                || k.equals("PORT") || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY"));
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        return pb;
    }


    @Test
    void startsServesHealthKeepsItsFilesPrivateAndStopsWithExitZeroOnSigterm() throws Exception {
        int port = freePort();
        Path db = home.resolve("data/ccflare.db");
        Path log = home.resolve("daemon.log");
        // A Unix socket path has at most 107 bytes: the runtime directory is a short one under /tmp.
        Path runtime = Files.createTempDirectory(Path.of("/tmp"), "cc");
        Path socket = runtime.resolve("ccflare/ccflare.sock");
        Process daemon = ccflare(Map.of("PORT", Integer.toString(port), "CCFLARE_DB_PATH", db.toString(),
                "XDG_RUNTIME_DIR", runtime.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            HttpResponse<String> reply = null;
            while (System.nanoTime() < deadline && daemon.isAlive()) {
                try {
                    reply = client.send(health, HttpResponse.BodyHandlers.ofString());
                    if (reply.statusCode() == 200) break;
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            assertThat(reply).as("GET /health within 30 s; daemon output:%n%s", output(log)).isNotNull();
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.body()).contains("\"status\":\"ok\"", "\"version\":\"" + VERSION + "\"");

            assertThat(Files.getPosixFilePermissions(db)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(db.resolveSibling("admin.token")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(socket.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            // SQLite's native library came from the image (lib/native/): nothing was extracted beside the database.
            try (var extracted = Files.list(db.resolveSibling("native"))) {
                assertThat(extracted.toList()).isEmpty();
            }

            // ccflarectl from the image, over the socket (jdk.net in the runtime: the peer check reads SO_PEERCRED).
            Ctl status = ctl("--socket", socket.toString(), "status");
            assertThat(status.code()).as(status.err()).isZero();
            assertThat(status.out()).contains(VERSION, socket.toString());
            Ctl list = ctl("--socket", socket.toString(), "list", "--json");
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(new ObjectMapper().readTree(list.out()).isArray()).as(list.out()).isTrue();

            // GET /metrics: the Prometheus client's jars resolve on the image's module path, and its
            // JVM collectors find java.management and jdk.management in the runtime.
            URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
            assertThat(client.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(401);
            String token = Files.readString(db.resolveSibling("admin.token")).trim();
            HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(metrics).header("authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
            Exposition.Parsed parsed = Exposition.prometheusText(scrape.body());
            assertThat(parsed.sum("ccflare_requests_in_flight")).isZero();
            assertThat(parsed.find("process_open_fds")).hasSize(1);
            assertThat(parsed.find("process_cpu_seconds_total")).hasSize(1);
            assertThat(parsed.find("jvm_memory_used_bytes", "area", "heap")).hasSize(1);

            daemon.destroy(); // SIGTERM
            assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s after SIGTERM").isTrue();
            assertThat(daemon.exitValue()).as(output(log)).isZero();
            assertThat(output(log)).contains("listening on http://127.0.0.1:" + port, "Admin socket " + socket, "Stopped")
                    .doesNotContain("WARNING", "ERROR", "Exception");
            assertThat(socket).as("removed on a clean stop").doesNotExist();
        } finally {
            daemon.destroyForcibly();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
            Files.deleteIfExists(runtime);
        }
    }

    @Test
    void ccflarectlExitsThreeWithOneSentenceWhenNoDaemonAnswers() throws Exception {
        Ctl status = ctl("--socket", "/tmp/nonexistent.sock", "status");

        assertThat(status.code()).isEqualTo(3);
        assertThat(status.err()).isEqualTo("ccflarectl: no ccflare daemon answers at /tmp/nonexistent.sock (socket missing). Start it"
                + " with 'ccflare', or pass --socket.\n");
        assertThat(status.out()).isEmpty();
    }

    @Test
    void installsCcflarectlsCompletionAndManPage() throws IOException {
        assertThat(Files.readString(IMAGE.resolve("share/bash-completion/completions/ccflarectl"))).contains("ccflarectl");
        assertThat(Files.readString(IMAGE.resolve("share/man/man1/ccflarectl.1"))).startsWith(".").contains("ccflarectl");
    }

    private record Ctl(int code, String out, String err) {}

    private Ctl ctl(String... args) throws Exception {
        // Files, not pipes: a chatty process must not block on a full pipe while we wait for it.
        Path out = Files.createTempFile(home, "ctl", ".out");
        Path err = Files.createTempFile(home, "ctl", ".err");
        Process p = launcher("bin/ccflarectl", Map.of(), args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        boolean finished = p.waitFor(30, TimeUnit.SECONDS);
        if (!finished) p.destroyForcibly();
        assertThat(finished).as("ccflarectl %s finished within 30 s; stderr:%n%s", String.join(" ", args), Files.readString(err)).isTrue();
        return new Ctl(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void shipsEveryPageOfTheDocs() throws IOException {
        try (var pages = Files.list(Path.of("../docs"))) {
            List<String> source = pages.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".md")).sorted().toList();
            assertThat(source).contains("accounts.md", "api.md", "cli.md", "configuration.md", "dashboard.md");
            for (String page : source) {
                assertThat(IMAGE.resolve("docs").resolve(page)).as("docs/" + page + " in the image").exists();
            }
        }
    }

    @Test
    void printsItsVersion() throws Exception {
        Process p = ccflare(Map.of(), "--version").redirectErrorStream(true).start();

        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ccflare " + VERSION + "\n");
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void refusesABadSettingWithOneLineAndExitCodeTwo() throws Exception {
        Process p = ccflare(Map.of("PORT", "abc")).start();

        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("ccflare: PORT=abc (expected: an integer 0..65535)\n");
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEmpty();
    }

}

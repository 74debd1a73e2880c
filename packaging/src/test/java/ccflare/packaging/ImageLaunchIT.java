package ccflare.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        String[] command = new String[args.length + 1];
        command[0] = IMAGE.resolve("bin/ccflare").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("ccflare_") || k.startsWith("XDG_")
                || k.equals("PORT") || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY"));
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        return pb;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void startsServesHealthKeepsItsFilesPrivateAndStopsWithExitZeroOnSigterm() throws Exception {
        int port = freePort();
        Path db = home.resolve("data/ccflare.db");
        Path log = home.resolve("daemon.log");
        Process daemon = ccflare(Map.of("PORT", Integer.toString(port), "CCFLARE_DB_PATH", db.toString()))
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

            daemon.destroy(); // SIGTERM
            assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s after SIGTERM").isTrue();
            assertThat(daemon.exitValue()).as(output(log)).isZero();
            assertThat(output(log)).contains("listening on http://127.0.0.1:" + port, "Stopped")
                    .doesNotContain("WARNING", "ERROR", "Exception");
        } finally {
            daemon.destroyForcibly();
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

    private static String output(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}

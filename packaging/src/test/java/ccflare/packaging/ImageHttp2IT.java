package ccflare.packaging;

import static ccflare.packaging.Launches.awaitHealth;
import static ccflare.packaging.Launches.freePort;
import static ccflare.packaging.Launches.output;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.FakeUpstream;
import ccflare.testing.Received;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's daemon speaks HTTP/2 to a TLS upstream that trusts only the certificate named by
 * {@code CCFLARE_UPSTREAM_CA_FILE}: proves the HTTP/2 and ALPN jars are in {@code lib/}, that the
 * module graph binds the JDK ALPN provider, and that the jlinked runtime has what TLS needs.
 */
class ImageHttp2IT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir Path home;

    @Test
    void theImageSpeaksHttp2ToATlsUpstreamTrustedThroughTheCaFile() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.startTls(FakeUpstream.Tls.H2_AND_HTTP11)) {
            Path ca = upstream.certificate().writePem(home.resolve("corp-ca.pem"));
            int port = freePort();
            Path log = home.resolve("daemon.log");
            Path runtime = Files.createTempDirectory(Path.of("/tmp"), "cc");
            ProcessBuilder pb = new ProcessBuilder(IMAGE.resolve("bin/ccflare").toString());
            pb.environment().keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("ccflare_") || k.startsWith("XDG_")
                    || k.equals("PORT") || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY"));
            pb.environment().putAll(Map.of(
                    "HOME", home.toString(),
                    "PORT", Integer.toString(port),
                    "XDG_RUNTIME_DIR", runtime.toString(),
                    "CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString(),
                    "CCFLARE_ANTHROPIC_BASE_URL", upstream.tlsBaseUri().toString(),
                    "CCFLARE_UPSTREAM_CA_FILE", ca.toString()));
            Process daemon = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                awaitHealth(http, base, daemon, log);

                // No account: the request goes through with the client's own key.
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/messages")).timeout(Duration.ofSeconds(15))
                        .header("x-api-key", "sk-client-placeholder").header("anthropic-version", "2023-06-01")
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(r.statusCode()).as("%s%ndaemon output:%n%s", r.body(), output(log)).isEqualTo(200);
                assertThat(r.body()).contains("\"input_tokens\":25");
                assertThat(upstream.requests("/v1/messages")).extracting(Received::protocol).containsExactly("HTTP/2.0");
                daemon.destroy();
                assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(output(log)).doesNotContain("WARNING", "ERROR", "Exception");
            } finally {
                daemon.destroyForcibly();
                http.close();
                Files.deleteIfExists(runtime.resolve("ccflare/ccflare.sock"));
                Files.deleteIfExists(runtime.resolve("ccflare"));
                Files.deleteIfExists(runtime);
            }
        }
    }


}

package ccflare.packaging;

import static ccflare.packaging.Launches.awaitHealth;
import static ccflare.packaging.Launches.freePort;
import static ccflare.packaging.Launches.output;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's daemon translates: an OpenAI-SDK-shaped streaming chat request on
 * {@code /v1/ccflare/openai/chat/completions} is served by an anthropic account (the fake
 * upstream), and the client reads Chat chunks as the upstream streams them. Proves the translating
 * routes and their Jackson trees work in the jlinked runtime, not only on the test module path.
 */
class ImageTranslatingIT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final String TOKEN = "image-translating-admin-token-0123";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"anthropic/claude-sonnet-4-5\",\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Hello\"}]}";

    @TempDir Path home;

    @Test
    void theImagesDaemonStreamsAnOpenAiChatRequestFromAnAnthropicAccountChunkByChunk() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            upstream.usage(40, 12, 0, 0).deltas(4, Duration.ofMillis(200));
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
                    "CCFLARE_ADMIN_TOKEN", TOKEN,
                    "CCFLARE_ANTHROPIC_BASE_URL", upstream.baseUri().toString()));
            Process daemon = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                awaitHealth(http, base, daemon, log);
                HttpResponse<String> added = http.send(HttpRequest.newBuilder(base.resolve("/api/accounts")).timeout(Duration.ofSeconds(15))
                        .header("authorization", "Bearer " + TOKEN).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"work\",\"provider\":\"anthropic\",\"apiKey\":\"sk-ant-image-0123456789\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(added.statusCode()).as("%s%ndaemon output:%n%s", added.body(), output(log)).isEqualTo(201);

                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/ccflare/openai/chat/completions"))
                        .timeout(Duration.ofSeconds(20)).header("authorization", "Bearer sk-unused").header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(r.statusCode()).as(output(log)).isEqualTo(200);
                List<String> data = new ArrayList<>();
                List<Boolean> upstreamOpen = new ArrayList<>();
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (!line.startsWith("data: ")) continue;
                        data.add(line.substring(6));
                        upstreamOpen.add(upstream.inFlight() == 1);
                    }
                }

                assertThat(data).as(output(log)).isNotEmpty();
                assertThat(data.getLast()).isEqualTo("[DONE]");
                assertThat(JSON.readTree(data.getFirst()).path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
                StringBuilder text = new StringBuilder();
                int firstContent = -1;
                JsonNode usage = null;
                for (int i = 0; i < data.size() - 1; i++) {
                    JsonNode chunk = JSON.readTree(data.get(i));
                    assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
                    String piece = chunk.path("choices").path(0).path("delta").path("content").asText("");
                    if (!piece.isEmpty() && firstContent < 0) firstContent = i;
                    text.append(piece);
                    if (chunk.has("usage")) usage = chunk.get("usage");
                }
                assertThat(text.toString()).isNotBlank();
                // The first text chunk reached the client while the upstream was still streaming the rest.
                assertThat(upstreamOpen.get(firstContent)).as("upstream still open at the first text chunk").isTrue();
                assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(40);
                assertThat(usage.path("completion_tokens").asLong()).isEqualTo(12);
                JsonNode sent = JSON.readTree(upstream.requests("/v1/messages").getFirst().bodyText());
                assertThat(sent.path("model").asText()).isEqualTo("claude-sonnet-4-5");
                assertThat(sent.path("system").asText()).isEqualTo("Be brief.");

                daemon.destroy();
                assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(output(log)).doesNotContain("ERROR", "Exception");
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

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The AOT training run's other side, run by train-aot.sh with the image's own runtime (which
 * carries jdk.httpserver for it), at build time and by {@code ccflare-install}; shipped compiled in
 * the image's share/ccflare/training/. Three modes:
 *
 * <ul>
 *   <li>{@code upstream}: a fake Anthropic API on 127.0.0.1 (JSON, or an SSE stream when the body
 *       asks for one, with the rate-limit headers the real one sends); prints its base URL and
 *       serves until stdin closes.
 *   <li>{@code seed DAEMON TOKEN UPSTREAM}: adds two API-key accounts pointing at the upstream,
 *       so the recorded start opens a database that already holds accounts, as a real one does.
 *   <li>{@code drive DAEMON TOKEN}: what a daemon serves right after it starts: proxied
 *       {@code POST /v1/messages} (JSON and streamed), {@code /health} and the API's reads, each
 *       a few times so the cache holds the classes, linkage and method profiles of the first
 *       requests. Fails (exit 1) when an answer is not 200.
 * </ul>
 */
public final class Training {

    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final String HEADERS_NOTE = "anthropic-ratelimit-unified-status";

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "upstream" -> upstream();
            case "seed" -> seed(URI.create(args[1]), args[2], args[3]);
            case "drive" -> drive(URI.create(args[1]), args[2]);
            default -> throw new IllegalArgumentException("mode: " + args[0] + " (expected: upstream, seed or drive)");
        }
    }

    // ---------------------------------------------------------------- the fake upstream

    private static void upstream() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", Training::answer);
        server.start();
        System.out.println("http://127.0.0.1:" + server.getAddress().getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the script closes our stdin (or ends)
        }
        server.stop(0);
    }

    private static void answer(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        var h = ex.getResponseHeaders();
        h.add("request-id", "req_01TrainingUpstream");
        h.add(HEADERS_NOTE, "allowed");
        h.add("anthropic-ratelimit-unified-5h-status", "allowed");
        h.add("anthropic-ratelimit-unified-5h-utilization", "0.12");
        h.add("anthropic-ratelimit-unified-5h-reset", Long.toString(System.currentTimeMillis() / 1000 + 3600));
        h.add("anthropic-ratelimit-requests-limit", "4000");
        h.add("anthropic-ratelimit-requests-remaining", "3999");
        if (!ex.getRequestURI().getPath().startsWith("/v1/messages")) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
        }
        if (ex.getRequestURI().getPath().endsWith("/count_tokens")) {
            send(ex, 200, "application/json", "{\"input_tokens\":12}");
            return;
        }
        if (body.replace(" ", "").contains("\"stream\":true")) {
            h.add("content-type", "text/event-stream; charset=utf-8");
            h.add("cache-control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01Training\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + MODEL + "\",\"content\":[],"
                        + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":412,"
                        + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1024,\"output_tokens\":1}}}\n\n"
                        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                        + "event: ping\ndata: {\"type\": \"ping\"}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                for (int i = 0; i < 3; i++) {
                    out.write(("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                            + "\"delta\":{\"type\":\"text_delta\",\"text\":\" a few words\"}}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write(("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}\n\n"
                        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n").getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        send(ex, 200, "application/json", "{\"id\":\"msg_01Training\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"" + MODEL + "\",\"content\":[{\"type\":\"text\",\"text\":\"Hello from the training upstream.\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":412,"
                + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1024,\"output_tokens\":24}}");
    }

    private static void send(HttpExchange ex, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("content-type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---------------------------------------------------------------- the daemon's clients

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private static void seed(URI daemon, String token, String upstream) throws Exception {
        for (String name : List.of("training-1", "training-2")) {
            expect200(HttpRequest.newBuilder(daemon.resolve("/api/accounts"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"provider\":\"anthropic\","
                            + "\"apiKey\":\"sk-ant-training-" + name + "\",\"baseUrl\":\"" + upstream + "\"}")));
        }
    }

    private static void drive(URI daemon, String token) throws Exception {
        String plain = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String streamed = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // The first request is the one the start-up figure waits for: it comes first and alone.
        for (int round = 0; round < 20; round++) {
            for (String body : List.of(plain, streamed)) {
                expect200(HttpRequest.newBuilder(daemon.resolve("/v1/messages"))
                        .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
            }
            if (round % 5 == 0) {
                expect200(HttpRequest.newBuilder(daemon.resolve("/health")).GET());
                for (String path : List.of("/api/accounts", "/api/stats", "/api/requests?limit=10", "/api/config")) {
                    expect200(HttpRequest.newBuilder(daemon.resolve(path)).header("Authorization", "Bearer " + token).GET());
                }
            }
        }
    }

    private static void expect200(HttpRequest.Builder request) throws Exception {
        HttpRequest r = request.timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(r.method() + " " + r.uri().getPath() + " answered " + response.statusCode()
                    + ": " + response.body());
        }
    }
}

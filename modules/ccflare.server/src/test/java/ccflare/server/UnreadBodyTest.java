package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.TestHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An answer given without reading the request body keeps the client's connection usable. The
 * client here sends the head, then the body a moment later (as the JDK's client and many SDKs do:
 * two writes), then a second request on the same connection. Before the fix the daemon closed the
 * connection after the first answer without saying so (Jetty closes a connection whose body was
 * left unread and had not arrived), and the second request failed with a broken pipe or an EOF.
 */
class UnreadBodyTest {

    private static final String TOKEN = "unread-body-admin-token-0123";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir Path home;
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.stop();
    }

    record Answer(int status, String head, String body) {
        boolean closes() {
            return head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close");
        }
    }

    /** One keep-alive connection, written and read by hand: what a pooled client does on the wire. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        /** Sends the head, waits, then the body, and reads the answer. */
        Answer post(String path, String body, String... headers) throws IOException, InterruptedException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n");
            for (int i = 0; i < headers.length; i += 2) head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(150);
            out.write(bytes);
            out.flush();
            return read();
        }

        Answer get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read();
        }

        private Answer read() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) throw new IOException("the connection ended before an answer (after " + head.size() + " bytes)");
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
            }
            byte[] body = in.readNBytes(length);
            return new Answer(Integer.parseInt(text.substring(9, 12)), text, new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aProxyRefusalBeforeTheBodyLeavesTheConnectionUsable() throws Exception {
        daemon = TestDaemons.start(home, TOKEN, Map.of());
        TestHttp.Reply key = TestHttp.postJson(daemon.uri().resolve("/api/keys"), "{\"name\":\"alice\"}",
                "authorization", "Bearer " + TOKEN);
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        try (Connection c = new Connection(daemon.port())) {
            for (int i = 0; i < 3; i++) {
                Answer refused = c.post("/v1/messages", BODY, "anthropic-version", "2023-06-01", "x-api-key", "ccf_not-a-key");
                assertThat(refused.status()).as(refused.head() + refused.body()).isEqualTo(401);
                assertThat(refused.closes()).as(refused.head()).isFalse();
            }
            Answer next = c.get("/health");
            assertThat(next.status()).as(next.head()).isEqualTo(200);
        }
    }

    @Test
    void anApiRefusalBeforeTheBodyLeavesTheConnectionUsable() throws Exception {
        daemon = TestDaemons.start(home, TOKEN, Map.of());
        try (Connection c = new Connection(daemon.port())) {
            Answer refused = c.post("/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"sk-ant-x\"}");
            assertThat(refused.status()).as(refused.head()).isEqualTo(401);
            assertThat(refused.closes()).as(refused.head()).isFalse();
            Answer next = c.get("/health");
            assertThat(next.status()).as(next.head()).isEqualTo(200);
            Answer unknown = c.post("/nowhere", BODY);
            assertThat(unknown.status()).as(unknown.head()).isEqualTo(404);
            assertThat(c.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void aTranslatingRouteRefusalBeforeTheBodyLeavesTheConnectionUsable() throws Exception {
        daemon = TestDaemons.start(home, TOKEN, Map.of());
        String chat = "{\"model\":\"anthropic/claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (Connection c = new Connection(daemon.port())) {
            Answer foreign = c.post("/v1/ccflare/openai/chat/completions", chat, "Origin", "https://evil.example");
            assertThat(foreign.status()).as(foreign.head() + foreign.body()).isEqualTo(403);
            assertThat(foreign.closes()).as(foreign.head()).isFalse();
            Answer unknown = c.post("/v1/ccflare/openai/embeddings", chat);
            assertThat(unknown.status()).as(unknown.head()).isEqualTo(404);
            Answer models = c.post("/v1/ccflare/openai/models", chat);
            assertThat(models.status()).as(models.head()).isEqualTo(405);
            assertThat(c.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void aBodyDeclaredOverTheLimitIsNotReadAndTheAnswerSaysTheConnectionCloses() throws Exception {
        daemon = TestDaemons.start(home, TOKEN, Map.of("CCFLARE_MAX_BODY_BYTES", "64"));
        try (Connection c = new Connection(daemon.port())) {
            Answer tooLarge = c.post("/v1/messages", BODY, "anthropic-version", "2023-06-01");
            assertThat(tooLarge.status()).as(tooLarge.head()).isEqualTo(413);
            assertThat(tooLarge.closes()).as("a client told to close does not reuse the connection: " + tooLarge.head()).isTrue();
        }
    }
}

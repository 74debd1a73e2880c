package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.FakeUpstream;
import ccflare.testing.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as a web page meets it (issue 16, item 3): a page on another site, or one that
 * rebound its name to 127.0.0.1, cannot spend an account through {@code /v1/**}; the refusal is
 * in the request log; Claude Code's shape of request still goes through; an allow-listed name works.
 */
class ClosedV1Test {

    private static final String TOKEN = "closed-v1-admin-token-0123";
    private static final String[] AUTH = {"authorization", "Bearer " + TOKEN};
    private static final String KEY = "sk-ant-closed-v1-canary";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":8,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"spend\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.stop();
    }

    private void start(Map<String, String> extra) {
        daemon = TestDaemons.start(home, TOKEN, extra);
    }

    private URI uri(String path) { return daemon.uri().resolve(path); }

    private void addAccount(FakeUpstream upstream) {
        TestHttp.Reply added = TestHttp.postJson(uri("/api/accounts"), "{\"name\":\"work\",\"provider\":\"anthropic\",\"apiKey\":\""
                + KEY + "\",\"baseUrl\":\"" + upstream.baseUri() + "\"}", AUTH);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
    }

    /** What a browser sends for {@code fetch(url, {method: 'POST', mode: 'no-cors', body})}, with the given Host and Origin. */
    private String browserPost(String host, String origin) throws Exception {
        try (Socket s = new Socket("127.0.0.1", daemon.uri().getPort())) {
            s.setSoTimeout(10_000);
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            String head = "POST /v1/messages HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin
                    + "\r\nContent-Type: text/plain;charset=UTF-8\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\n"
                    + "User-Agent: Mozilla/5.0\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private JsonNode recordedRequests(int atLeast) throws Exception {
        JsonNode rows = null;
        for (int i = 0; i < 100; i++) {
            TestHttp.Reply reply = TestHttp.get(uri("/api/requests?limit=10"), AUTH);
            rows = JSON.readTree(reply.body());
            if (rows.size() >= atLeast) return rows;
            Thread.sleep(50);
        }
        return rows;
    }

    @Test
    void aCrossSitePageAndARebindingPageCannotSpendAnAccountAndBothRefusalsAreRecorded() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            start(Map.of());
            addAccount(upstream);
            int port = daemon.uri().getPort();

            String crossSite = browserPost("127.0.0.1:" + port, "https://attacker.example");
            assertThat(crossSite).startsWith("HTTP/1.1 403 ").contains("\"type\":\"permission_error\"")
                    .contains("origin 'https://attacker.example' may not use this daemon");
            String rebound = browserPost("attacker.example:" + port, "http://attacker.example:" + port);
            assertThat(rebound).startsWith("HTTP/1.1 421 ").contains("\"type\":\"invalid_request_error\"")
                    .contains("host 'attacker.example:" + port + "' is not served here");
            assertThat(upstream.requests()).as("no request reached the upstream").isEmpty();

            JsonNode rows = recordedRequests(2);
            assertThat(rows).hasSize(2);
            assertThat(rows.findValues("statusCode")).extracting(JsonNode::asInt).containsExactlyInAnyOrder(403, 421);
            for (JsonNode r : rows) assertThat(r.path("accountUsed").isNull() || r.path("accountUsed").asText().isEmpty()).isTrue();

            // Claude Code: loopback Host, no Origin, JSON — served through the account.
            TestHttp.Reply cli = TestHttp.postJson(uri("/v1/messages"), BODY, "x-api-key", "sk-client-placeholder",
                    "anthropic-version", "2023-06-01");
            assertThat(cli.status()).as(cli.body()).isEqualTo(200);
            assertThat(upstream.requests()).hasSize(1);
        }
    }

    @Test
    void aNameOnTheAllowListIsServed() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            start(Map.of("CCFLARE_ALLOWED_HOSTS", "ccflare.lan"));
            addAccount(upstream);
            int port = daemon.uri().getPort();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
                s.getOutputStream().write(("POST /v1/messages HTTP/1.1\r\nHost: ccflare.lan:" + port
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"
                        + BODY).getBytes(StandardCharsets.UTF_8));
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200 ");
            }
            assertThat(browserPost("other.lan:" + port, "http://other.lan")).startsWith("HTTP/1.1 421 ");
        }
    }
}

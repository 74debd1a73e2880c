package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Outcome;
import ccflare.core.RequestRecord;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DNS-rebinding and cross-site defence of {@code /v1/**} (issue 16, item 3): what a web page
 * can send is refused before any account is used, and recorded; what Claude Code and the SDKs
 * send is not affected.
 */
class ProxyClientGateTest {

    static final String REQUEST = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[]}";
    static final String ANSWER = "{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}";

    Upstream upstream;
    ProxyHarness h;

    @BeforeEach void start() throws Exception {
        upstream = new Upstream();
        h = new ProxyHarness(upstream.url());
        h.apiKeyAccount("a", 0);
    }

    @AfterEach void stop() throws Exception {
        h.close();
        upstream.close();
    }

    /** A raw HTTP/1.1 POST with exactly these header lines (after the request line), answered in full. */
    private String rawPost(String path, String... headerLines) throws Exception {
        try (Socket s = new Socket("127.0.0.1", h.port())) {
            s.setSoTimeout(5000);
            byte[] body = REQUEST.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\n");
            for (String line : headerLines) head.append(line).append("\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    @Test void aCrossSiteTextPlainPostFromAWebPageIsRefusedAndRecorded() throws Exception {
        upstream.on("key-a", Upstream.json(200, ANSWER));
        String r = rawPost("/v1/messages", "Host: 127.0.0.1:" + h.port(), "Content-Type: text/plain",
                "Origin: http://attacker.example", "Sec-Fetch-Site: cross-site");

        assertThat(r).startsWith("HTTP/1.1 403 ");
        assertThat(r).contains("{\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"origin"
                + " 'http://attacker.example' may not use this daemon");
        assertThat(upstream.received).as("no account was spent").isEmpty();
        RequestRecord rec = h.log.next();
        assertThat(rec.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(rec.status()).isEqualTo(403);
        assertThat(rec.accountId()).isEmpty();
    }

    @Test void aRebindingPageWithAForeignHostIsRefusedWith421AndRecorded() throws Exception {
        upstream.on("key-a", Upstream.json(200, ANSWER));
        String r = rawPost("/v1/messages", "Host: attacker.example:" + h.port(), "Content-Type: application/json");

        assertThat(r).startsWith("HTTP/1.1 421 ");
        assertThat(r).contains("\"type\":\"invalid_request_error\"").contains("host 'attacker.example:" + h.port()
                + "' is not served here");
        assertThat(upstream.received).isEmpty();
        assertThat(h.log.next().status()).isEqualTo(421);
    }

    @Test void aBrowserRequestWithoutOriginButFromAnotherSiteIsRefused() throws Exception {
        String r = rawPost("/v1/messages", "Host: localhost:" + h.port(), "Sec-Fetch-Site: cross-site");

        assertThat(r).startsWith("HTTP/1.1 403 ").contains("Sec-Fetch-Site: cross-site");
        assertThat(upstream.received).isEmpty();
    }

    @Test void anotherLocalPortIsAnotherOriginToo() throws Exception {
        String r = rawPost("/v1/messages", "Host: localhost:" + h.port(), "Origin: http://localhost:3000");

        assertThat(r).startsWith("HTTP/1.1 403 ");
        assertThat(upstream.received).isEmpty();
    }

    @Test void claudeCodeAndTheSdksWithALoopbackHostAndNoOriginAreServed() throws Exception {
        upstream.on("key-a", Upstream.json(200, ANSWER));
        upstream.on("key-a", Upstream.json(200, ANSWER));
        upstream.on("key-a", Upstream.json(200, ANSWER));
        for (String host : new String[] {"127.0.0.1:" + h.port(), "localhost:" + h.port(), "[::1]:" + h.port()}) {
            String r = rawPost("/v1/messages", "Host: " + host, "Content-Type: application/json",
                    "User-Agent: claude-cli/2.0 (external, cli)", "x-app: cli");
            assertThat(r).as(host).startsWith("HTTP/1.1 200 ").endsWith(ANSWER);
            assertThat(h.log.next().outcome()).isEqualTo(Outcome.OK);
        }
        assertThat(upstream.received).hasSize(3);
    }

    @Test void thisDaemonsOwnPageMayCallIt() throws Exception {
        upstream.on("key-a", Upstream.json(200, ANSWER));
        String r = rawPost("/v1/messages", "Host: 127.0.0.1:" + h.port(), "Origin: http://127.0.0.1:" + h.port(),
                "Sec-Fetch-Site: same-origin", "Content-Type: application/json");

        assertThat(r).startsWith("HTTP/1.1 200 ");
    }
}

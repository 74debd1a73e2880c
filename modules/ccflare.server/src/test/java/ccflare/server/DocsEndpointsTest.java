package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every endpoint README.md and docs/ name ({@code GET /api/stats}, {@code POST
 * /api/accounts/{idOrName}/pause}, …) is one a real daemon serves: asked over its admin socket,
 * none answers "no such endpoint", the catch-all "not found", or "method not allowed". Path
 * parameters get a value no account has, so nothing real is changed; a stream is read only up to
 * its status line. The proxy's {@code /v1/…} routes are not asked here: with no account the
 * daemon would forward to the real provider; ProxyForwardingTest and ClosedV1Test cover them.
 */
class DocsEndpointsTest {

    private static final Path ROOT = Path.of("../..");

    private static final Pattern ENDPOINT = Pattern.compile("\\b(GET|POST|PUT|PATCH|DELETE) (/(?:api|health|metrics|ws)[^\\s`|),]*)");

    @TempDir Path home;
    private Path shortDir;
    private Daemon daemon;

    @BeforeEach
    void start() throws IOException {
        shortDir = Files.createTempDirectory(Path.of("/tmp"), "ccd");
        daemon = TestDaemons.start(home, "docs-endpoints-admin-token-0123456789", Map.of("CCFLARE_SOCKET_PATH", socket().toString()));
    }

    @AfterEach
    void stop() throws IOException {
        if (daemon != null) daemon.stop();
        try (Stream<Path> files = Files.walk(shortDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private Path socket() { return shortDir.resolve("run/ccflare.sock"); }

    /** "METHOD /path" as the docs write them, each once. */
    static Set<String> documented() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        Set<String> out = new LinkedHashSet<>();
        for (Path f : files) {
            Matcher m = ENDPOINT.matcher(Files.readString(f));
            while (m.find()) out.add(m.group(1) + " " + m.group(2));
        }
        return out;
    }

    /** A request line for a documented endpoint: placeholders get values nothing has; "…" and trailing punctuation go. */
    static String concrete(String path) {
        String p = path.replaceAll("[.:;]+$", "");
        p = p.replaceAll("\\{provider}", "anthropic").replaceAll("\\{[^}]*}", "no-such-docs-thing");
        p = p.replaceAll("[&?]…", "").replace("…", "");
        p = p.replace("=N", "=5").replace("=ID", "=no-such-docs-thing");
        return p;
    }

    /** Sends one request with an empty JSON object for a body, and returns the status line and as much body as is there. */
    private String ask(String method, String path) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket()));
            boolean body = !method.equals("GET") && !method.equals("DELETE");
            String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (body ? "Content-Type: application/json\r\nContent-Length: 2\r\n" : "") + "\r\n" + (body ? "{}" : "");
            Channels.newOutputStream(ch).write(head.getBytes(StandardCharsets.UTF_8));
            InputStream in = Channels.newInputStream(ch);
            // Enough for a status line and a short error body; a stream never ends, so never read to the end.
            byte[] buf = new byte[4096];
            int n = 0;
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) break;
                n += r;
                String sofar = new String(buf, 0, n, StandardCharsets.UTF_8);
                int split = sofar.indexOf("\r\n\r\n");
                if (split >= 0 && (sofar.contains("text/event-stream") || sofar.length() > split + 4)) break;
            }
            return new String(buf, 0, n, StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyEndpointTheDocsNameIsServed() throws IOException {
        Set<String> endpoints = documented();
        assertThat(endpoints).as("endpoints named in the docs").hasSizeGreaterThan(30);
        Map<String, String> unknown = new LinkedHashMap<>();
        for (String e : endpoints) {
            String method = e.substring(0, e.indexOf(' '));
            String path = concrete(e.substring(e.indexOf(' ') + 1));
            String answer = ask(method, path);
            String status = answer.lines().findFirst().orElse("");
            if (answer.contains("no such endpoint") || answer.contains("not found: " + method) || status.contains(" 405 ")) {
                unknown.put(e + " (asked as " + method + " " + path + ")", status);
            }
        }
        assertThat(unknown).as("endpoints the docs name that the daemon does not serve").isEmpty();
    }

    @Test
    void theCheckSeesAnEndpointThatDoesNotExist() throws IOException {
        assertThat(ask("GET", "/api/frobnicate")).contains("no such endpoint");
        assertThat(ask("DELETE", "/api/stats")).contains(" 405 ");
        assertThat(concrete("/api/accounts/{idOrName}/pause")).isEqualTo("/api/accounts/no-such-docs-thing/pause");
        assertThat(concrete("/api/requests?limit=N&before=ID&…")).isEqualTo("/api/requests?limit=5&before=no-such-docs-thing");
    }
}

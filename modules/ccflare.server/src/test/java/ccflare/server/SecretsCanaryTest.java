package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import ccflare.testing.Received;
import ccflare.testing.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secrets canary: distinctive secrets go into a real daemon (an API key, an OAuth sign-in through the
 * real flow, refreshes rotating the tokens on every request), traffic of every kind runs with DEBUG
 * logging, some of it failing, and then everything the daemon ever showed or stored is searched for the
 * secrets: its log (the live history and the console output), every recorded payload, every admin API
 * answer, the live request stream, the answers the client got, and the raw bytes of the database files.
 * The same scan must find a harmless marker in the places that hold request data, so a scan that reads
 * nothing cannot pass.
 */
class SecretsCanaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEX = HexFormat.of().formatHex(randomBytes());
    private static final String API_KEY = "sk-ant-canary-apikey-" + HEX;
    private static final String ADMIN_TOKEN = "canary-admin-token-" + HEX;
    private static final String AUTH_CODE = "canary-auth-code-" + HEX;
    private static final String MARKER = "canary-visible-marker-" + HEX;
    private static final String PLACEHOLDER = "sk-client-placeholder";
    private static final String[] ADMIN = {"authorization", "Bearer " + ADMIN_TOKEN};

    @TempDir Path home;
    private Daemon daemon;
    private final PrintStream originalOut = System.out;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final ByteArrayOutputStream launchOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream launchErr = new ByteArrayOutputStream();
    /** Everything collected, by where it came from. */
    private final Map<String, String> evidence = new LinkedHashMap<>();

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        if (daemon != null) daemon.stop();
    }

    @Test
    void noSecretAppearsInLogsPayloadsApiOutputLiveStreamsOrDatabaseBytesAfterTrafficRefreshesAndFailures() throws Exception {
        // Logback's console appender writes to whatever System.out is at the time of each write.
        System.setOut(new PrintStream(new Tee(originalOut, console), true, StandardCharsets.UTF_8));
        try (FakeUpstream upstream = FakeUpstream.start()) {
            // Shorter than the proxy's 30 s safety window: every use of the subscription account refreshes.
            upstream.tokenExpiresIn(Duration.ofSeconds(1));
            start(upstream);
            // In this JVM Logback may be configured before LOG_LEVEL is read; the settings API sets it for sure.
            TestHttp.Reply debug = patchJson("/api/config", "{\"log_level\":\"DEBUG\"}");
            assertThat(debug.status()).as(debug.body()).isEqualTo(200);

            Capture liveRequests = Capture.open(uri("/api/requests/stream"));
            Capture liveLogs = Capture.open(uri("/api/logs/stream?tail=1000"));

            TestHttp.Reply added = admin(TestHttp.postJson(uri("/api/accounts"),
                    "{\"name\":\"canary-key\",\"provider\":\"anthropic\",\"apiKey\":\"" + API_KEY + "\",\"priority\":0}", ADMIN));
            assertThat(added.status()).as(added.body()).isEqualTo(201);
            signInSubscription(upstream);

            // Traffic: the API key serves JSON and a stream, then fails one request with a 400.
            client(TestHttp.postJson(uri("/v1/messages"), body(false), clientHeaders()), 200);
            clientStream(200);
            upstream.behave(API_KEY, Behaviour.clientError(400));
            client(TestHttp.postJson(uri("/v1/messages"), body(false), clientHeaders()), 400);
            // The API key is rate limited: the subscription account takes over, refreshing on every request.
            upstream.behave(API_KEY, Behaviour.rateLimited429(60, 0));
            clientStream(200);
            client(TestHttp.postJson(uri("/v1/messages"), body(false), clientHeaders()), 200);
            // The upstream refuses the access token once: a forced refresh and a retry.
            upstream.behaveByDefault(Behaviour.sequence(Behaviour.clientError(401), Behaviour.ok()));
            client(TestHttp.postJson(uri("/v1/messages"), body(false), clientHeaders()), 200);
            // The upstream fails once with a 500 while streaming: a failed attempt, then a retry.
            upstream.behaveByDefault(Behaviour.failTimes(1, Behaviour.serverError(500), Behaviour.ok()));
            clientStream(200);
            // The token endpoint is down: the refresh fails and so does the request.
            upstream.behaveTokenEndpoint(Behaviour.serverError(503));
            TestHttp.Reply noRefresh = record("client refresh failing", TestHttp.postJson(uri("/v1/messages"), body(false), clientHeaders()));
            assertThat(noRefresh.status()).as(noRefresh.body()).isGreaterThanOrEqualTo(400);
            assertThat(upstream.tokenRequests()).as("the failing refresh reached the token endpoint")
                    .isEqualTo(upstream.issuedTokens().size() + 1);

            // The secrets: the API key, the admin token, the authorization code, the PKCE verifier, every token pair.
            Set<String> secrets = new LinkedHashSet<>(List.of(API_KEY, ADMIN_TOKEN, AUTH_CODE));
            List<Received> tokenCalls = upstream.requests("/v1/oauth/token");
            secrets.add(param(tokenCalls.getFirst(), "code_verifier"));
            upstream.issuedTokens().forEach(t -> {
                secrets.add(t.accessToken());
                secrets.add(t.refreshToken());
            });
            // The sign-in, a refresh per request and the forced refresh: the tokens really rotated.
            assertThat(upstream.issuedTokens()).hasSizeGreaterThanOrEqualTo(5);
            // The fake upstream really received the secrets, so they were live in the daemon.
            assertThat(upstream.requestsWithCredential(API_KEY)).isNotEmpty();
            assertThat(upstream.requests().stream().map(Received::credential).filter(c -> c != null && c.startsWith("fake-access-")))
                    .isNotEmpty();

            collectApi();
            awaitSummaries(liveRequests);
            evidence.put("log history", getJson("/api/logs/history?limit=1000").toString());
            evidence.put("GET /metrics", TestHttp.get(uri("/metrics"), ADMIN).body());
            snapshotDatabase("while running");
            daemon.stop();
            daemon = null;
            evidence.put("SSE /api/requests/stream", liveRequests.close());
            evidence.put("SSE /api/logs/stream", liveLogs.close());
            snapshotDatabase("after stop");
            System.out.flush();
            evidence.put("console (stdout)", console.toString(StandardCharsets.UTF_8));
            evidence.put("launch out", launchOut.toString(StandardCharsets.UTF_8));
            evidence.put("launch err", launchErr.toString(StandardCharsets.UTF_8));

            // The scan reads real data: each source holds what it should.
            assertThat(evidence.get("log history")).contains("\"level\":\"DEBUG\"", "refreshed tokens of account 'canary-sub'");
            assertThat(evidence.get("console (stdout)")).contains(" DEBUG ", "refreshed tokens of account 'canary-sub'");
            assertThat(evidence.get("SSE /api/logs/stream")).contains("refreshed tokens of account 'canary-sub'");
            assertThat(evidence.get("SSE /api/requests/stream")).contains("\"accountUsed\":\"canary-sub\"", "\"accountUsed\":\"canary-key\"");
            assertThat(evidence.entrySet().stream().filter(e -> e.getKey().startsWith("GET /api/requests/")).map(Map.Entry::getValue))
                    .anyMatch(v -> v.contains(MARKER));
            assertThat(evidence.get("db ccflare.db after stop")).contains(MARKER, "canary-sub");
            assertThat(evidence.get("GET /api/accounts")).contains("canary-key", "canary-sub");
            assertThat(evidence.get("GET /metrics")).contains("account=\"canary-sub\"", "account=\"canary-key\"");

            List<String> leaks = new ArrayList<>();
            evidence.forEach((source, text) -> {
                for (String secret : secrets) {
                    if (text.contains(secret)) leaks.add(secret + " in " + source + ": …" + around(text, secret) + "…");
                }
            });
            assertThat(leaks).as("secrets found (%d sources scanned, %d secrets)", evidence.size(), secrets.size()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ daemon and traffic

    private void start(FakeUpstream upstream) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PORT", "0");
        env.put("CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString());
        env.put("CCFLARE_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("LOG_LEVEL", "DEBUG");
        env.put("CCFLARE_ANTHROPIC_BASE_URL", upstream.baseUri().toString());
        env.put("CCFLARE_CLAUDE_CODE_BASE_URL", upstream.baseUri().toString());
        env.put("CCFLARE_CLAUDE_OAUTH_AUTHORIZE_URL", upstream.uri("/oauth/authorize").toString());
        env.put("CCFLARE_CLAUDE_OAUTH_TOKEN_URL", upstream.uri("/v1/oauth/token").toString());
        Main.Launch launch = Main.launch(new String[0], env, new PrintStream(launchOut, true, StandardCharsets.UTF_8),
                new PrintStream(launchErr, true, StandardCharsets.UTF_8));
        assertThat(launch).as(launchErr.toString(StandardCharsets.UTF_8)).isInstanceOf(Main.Launch.Running.class);
        daemon = ((Main.Launch.Running) launch).daemon();
    }

    /** Signs in a claude-code account the way a user does: init, the provider's page (faked), complete with CODE#STATE. */
    private void signInSubscription(FakeUpstream upstream) throws IOException {
        TestHttp.Reply init = admin(TestHttp.postJson(uri("/api/auth/claude-code/init"), "{\"name\":\"canary-sub\",\"priority\":1}", ADMIN));
        assertThat(init.status()).as(init.body()).isEqualTo(201);
        JsonNode started = JSON.readTree(init.body());
        Map<String, String> query = query(URI.create(started.get("authorizeUrl").asText()));
        upstream.expectAuthorization(AUTH_CODE, query.get("code_challenge"));
        String flowId = started.get("flowId").asText();
        TestHttp.Reply complete = admin(TestHttp.postJson(uri("/api/auth/claude-code/complete"),
                "{\"flowId\":\"" + flowId + "\",\"code\":\"" + AUTH_CODE + "#" + query.get("state") + "\"}", ADMIN));
        assertThat(complete.status()).as(complete.body()).isEqualTo(201);
        admin(TestHttp.get(uri("/api/auth/flows/" + flowId), ADMIN));
    }

    private void clientStream(int status) {
        TestHttp.StreamedReply reply = TestHttp.streamLines(uri("/v1/messages?beta=true"), body(true), clientHeaders());
        evidence.put("client stream " + evidence.size(), reply.headers() + "\n" + reply.text());
        assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    }

    private void client(TestHttp.Reply reply, int status) {
        record("client " + evidence.size(), reply);
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    }

    private TestHttp.Reply record(String source, TestHttp.Reply reply) {
        evidence.put(source + " " + evidence.size(), reply.headers() + "\n" + reply.body());
        return reply;
    }

    /** An admin API answer: kept as evidence. */
    private TestHttp.Reply admin(TestHttp.Reply reply) {
        return record("admin answer", reply);
    }

    private static String[] clientHeaders() {
        return new String[] {"x-api-key", PLACEHOLDER, "anthropic-version", "2023-06-01"};
    }

    private static String body(boolean stream) {
        return "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":64,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + MARKER + "\"}]}";
    }

    private TestHttp.Reply patchJson(String path, String json) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(path))
                    .header(ADMIN[0], ADMIN[1]).header("content-type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).timeout(TestHttp.TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return record("admin answer", new TestHttp.Reply(r.statusCode(), r.headers().map(), r.body()));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("PATCH " + path, e);
        }
    }

    // ------------------------------------------------------------------ collection

    private URI uri(String path) { return daemon.uri().resolve(path); }

    private JsonNode getJson(String path) throws IOException {
        TestHttp.Reply reply = TestHttp.get(uri(path), ADMIN);
        assertThat(reply.status()).as(path + " " + reply.body()).isEqualTo(200);
        evidence.put("GET " + path, reply.headers() + "\n" + reply.body());
        return JSON.readTree(reply.body());
    }

    /** Every admin view that shows accounts, requests or settings, and every recorded request in detail. */
    private void collectApi() throws IOException {
        JsonNode accounts = getJson("/api/accounts");
        for (JsonNode a : accounts) getJson("/api/accounts/" + a.get("id").asText());
        getJson("/api/stats");
        getJson("/api/analytics?range=1h");
        getJson("/api/config");
        evidence.put("GET /health", TestHttp.get(uri("/health")).body());
        JsonNode requests = getJson("/api/requests?limit=1000");
        assertThat(requests.size()).isEqualTo(8);
        int payloads = 0;
        for (JsonNode r : requests) {
            String path = "/api/requests/" + r.get("id").asText();
            JsonNode detail = getJson(path);
            if (detail.has("payload")) payloads++;
            // A body stored as base64 is searched decoded too.
            List<String> decoded = new ArrayList<>();
            detail.findParents("bodyEncoding").forEach(p -> {
                if (p.path("bodyEncoding").asText().equals("base64")) {
                    decoded.add(new String(Base64.getDecoder().decode(p.path("body").asText()), StandardCharsets.ISO_8859_1));
                }
            });
            if (!decoded.isEmpty()) evidence.put("GET " + path + " (base64 decoded)", String.join("\n", decoded));
        }
        assertThat(payloads).as("requests recorded with a payload").isGreaterThanOrEqualTo(5);
    }

    private void awaitSummaries(Capture live) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && count(live.text(), "event: summary") < 8) Thread.sleep(20);
    }

    /** The raw bytes of every database file (main, WAL, shared memory), read as Latin-1 so each byte is one char. */
    private void snapshotDatabase(String when) throws IOException {
        Path data = home.resolve("data");
        try (Stream<Path> files = Files.list(data)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("ccflare.db")).toList()) {
                evidence.put("db " + p.getFileName() + " " + when, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
    }

    private static String param(Received tokenCall, String name) throws IOException {
        JsonNode body = JSON.readTree(tokenCall.bodyText());
        String value = body.path(name).asText("");
        assertThat(value).as(name + " in the code exchange").isNotEmpty();
        return value;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    private static String around(String text, String secret) {
        int i = text.indexOf(secret);
        return text.substring(Math.max(0, i - 80), Math.min(text.length(), i + secret.length() + 40)).replaceAll("[^\\x20-\\x7e]", ".");
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override public synchronized void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override public synchronized void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }

    /** An event stream read on its own thread into a buffer until the daemon closes it or the test hangs up. */
    private static final class Capture {
        private final StringBuffer text = new StringBuffer();
        private final InputStream body;
        private final Thread reader;

        private Capture(InputStream body) {
            this.body = body;
            this.reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) text.append(line).append('\n');
                } catch (IOException closed) {
                    // The daemon stopped or the test hung up: what was read is the capture.
                }
            });
        }

        static Capture open(URI uri) throws IOException, InterruptedException {
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).header(ADMIN[0], ADMIN[1]).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).as(uri.toString()).isEqualTo(200);
            return new Capture(r.body());
        }

        String text() { return text.toString(); }

        /** Waits briefly for the stream's end (the daemon closes it on stop), then hangs up. */
        String close() throws InterruptedException, IOException {
            reader.join(Duration.ofSeconds(5));
            body.close();
            reader.join(Duration.ofSeconds(1));
            return text.toString();
        }
    }
}

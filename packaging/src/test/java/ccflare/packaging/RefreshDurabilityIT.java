package ccflare.packaging;

import static ccflare.packaging.Launches.freePort;
import static ccflare.packaging.Launches.output;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.FakeUpstream;
import ccflare.testing.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A claude-code account's rotated refresh token outlives the daemon process: the built image is
 * launched through {@code bin/ccflare}, signs in against the fake provider in this JVM, and every
 * request refreshes (tokens expire in 1 s, inside the proxy's 30 s safety window), so every request
 * rotates the refresh token and the provider refuses a used one with {@code invalid_grant}. The
 * daemon is then killed with SIGKILL right after a response (no shutdown hook, no checkpoint) or
 * stopped with SIGTERM, and the next daemon on the same data directory must refresh with the token
 * the previous one was last given.
 */
class RefreshDurabilityIT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "refresh-durability-admin-token";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir Path home;
    private FakeUpstream upstream;
    private Process daemon;
    private URI base;
    private int starts;

    @BeforeEach
    void provider() {
        upstream = FakeUpstream.start();
        upstream.tokenExpiresIn(Duration.ofSeconds(1));
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (daemon != null) {
            daemon.destroyForcibly();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
        upstream.close();
    }

    @Test
    void aDaemonKilledWithSigkillRightAfterARefreshRestartsWithTheRotatedRefreshToken() throws Exception {
        start();
        signIn();

        // Each request refreshes first; the response arrives only after the rotated tokens were committed.
        assertThat(proxied()).isEqualTo(200);
        assertThat(refreshes()).hasSize(1);
        kill9();

        start();
        assertThat(proxied()).as("the first request after SIGKILL refreshes with the rotated token").isEqualTo(200);
        kill9();

        start();
        assertThat(proxied()).as("and again after a second SIGKILL").isEqualTo(200);
        assertThat(refreshes()).hasSize(3);
        assertEveryRefreshUsedTheLatestTokenAndNoneWasRefused();
        assertStillSignedIn();
    }

    @Test
    void aRotatedRefreshTokenSurvivesAGracefulRestart() throws Exception {
        start();
        signIn();
        assertThat(proxied()).isEqualTo(200);
        assertThat(proxied()).isEqualTo(200);
        stopGracefully();

        start();
        assertThat(proxied()).as("the first request after a restart refreshes with the rotated token").isEqualTo(200);
        assertThat(refreshes()).hasSize(3);
        assertEveryRefreshUsedTheLatestTokenAndNoneWasRefused();
        assertStillSignedIn();
        stopGracefully();
    }

    // ------------------------------------------------------------------ the provider's view

    /** The refresh-token grants the provider received, in order. */
    private List<Map<String, String>> refreshes() {
        List<Map<String, String>> out = new ArrayList<>();
        for (Received r : upstream.requests("/v1/oauth/token")) {
            Map<String, String> p = params(r);
            if ("refresh_token".equals(p.get("grant_type"))) out.add(p);
        }
        return out;
    }

    private void assertEveryRefreshUsedTheLatestTokenAndNoneWasRefused() {
        List<FakeUpstream.Tokens> issued = upstream.issuedTokens();
        List<Map<String, String>> refreshes = refreshes();
        // The sign-in's code exchange issued the first pair, each refresh one more.
        assertThat(issued).hasSize(refreshes.size() + 1);
        // Every request to the token endpoint issued a pair: none was refused with invalid_grant.
        assertThat(upstream.tokenRequests()).isEqualTo(issued.size());
        for (int i = 0; i < refreshes.size(); i++) {
            assertThat(refreshes.get(i).get("refresh_token")).as("refresh #%d used the refresh token issued last before it", i + 1)
                    .isEqualTo(issued.get(i).refreshToken());
        }
        // And each proxied request carried the access token of the refresh just before it.
        List<String> bearers = upstream.requests("/v1/messages").stream().map(Received::credential).toList();
        assertThat(bearers).containsExactlyElementsOf(issued.subList(1, issued.size()).stream().map(FakeUpstream.Tokens::accessToken).toList());
    }

    private void assertStillSignedIn() throws Exception {
        JsonNode health = JSON.readTree(get("/health").body());
        assertThat(health.get("status").asText()).as(health.toString()).isEqualTo("ok");
        assertThat(health.has("needsReauth")).as(health.toString()).isFalse();
    }

    private static Map<String, String> params(Received r) {
        Map<String, String> p = new HashMap<>();
        String body = r.bodyText().strip();
        if (body.startsWith("{")) {
            try {
                JSON.readTree(body).properties().forEach(e -> p.put(e.getKey(), e.getValue().asText()));
            } catch (IOException e) {
                throw new AssertionError("token request body is not JSON: " + body, e);
            }
            return p;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) p.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return p;
    }

    // ------------------------------------------------------------------ the daemon

    private void start() throws Exception {
        starts++;
        int port = freePort();
        Path log = home.resolve("daemon-" + starts + ".log");
        ProcessBuilder pb = new ProcessBuilder(IMAGE.resolve("bin/ccflare").toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("ccflare_") || k.startsWith("XDG_")
                || k.equals("PORT") || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY"));
        pb.environment().putAll(Map.of(
                "HOME", home.toString(),
                "PORT", Integer.toString(port),
                "CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString(),
                "CCFLARE_ADMIN_TOKEN", ADMIN_TOKEN,
                "CCFLARE_CLAUDE_CODE_BASE_URL", upstream.baseUri().toString(),
                "CCFLARE_CLAUDE_OAUTH_AUTHORIZE_URL", upstream.uri("/oauth/authorize").toString(),
                "CCFLARE_CLAUDE_OAUTH_TOKEN_URL", upstream.uri("/v1/oauth/token").toString()));
        daemon = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        base = URI.create("http://127.0.0.1:" + port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && daemon.isAlive()) {
            try {
                if (get("/health").statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("daemon #" + starts + " not serving /health within 30 s:\n" + output(log));
    }

    /** SIGKILL by PID (bin/ccflare execs the JVM, so the process is the daemon itself). */
    private void kill9() throws Exception {
        long pid = daemon.pid();
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).as("killed within 10 s").isTrue();
        assertThat(daemon.exitValue()).as("exit status of a SIGKILLed process").isEqualTo(128 + 9);
        assertThat(output(home.resolve("daemon-" + starts + ".log"))).doesNotContain("Stopped");
        daemon = null;
    }

    private void stopGracefully() throws Exception {
        daemon.destroy(); // SIGTERM
        assertThat(daemon.waitFor(15, TimeUnit.SECONDS)).as("stopped within 15 s after SIGTERM").isTrue();
        assertThat(daemon.exitValue()).as(output(home.resolve("daemon-" + starts + ".log"))).isZero();
        daemon = null;
    }

    /** Signs in the claude-code account through the admin API, the way `ccflarectl add --mode claude-code` does. */
    private void signIn() throws Exception {
        HttpResponse<String> init = post("/api/auth/claude-code/init", "{\"name\":\"max\"}");
        assertThat(init.statusCode()).as(init.body()).isEqualTo(201);
        JsonNode started = JSON.readTree(init.body());
        Map<String, String> query = new HashMap<>();
        for (String pair : URI.create(started.get("authorizeUrl").asText()).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        upstream.expectAuthorization("durability-code", query.get("code_challenge"));
        HttpResponse<String> complete = post("/api/auth/claude-code/complete", "{\"flowId\":\"" + started.get("flowId").asText()
                + "\",\"code\":\"durability-code#" + query.get("state") + "\"}");
        assertThat(complete.statusCode()).as(complete.body()).isEqualTo(201);
        assertThat(upstream.issuedTokens()).hasSize(1);
    }

    /** A client request through the proxy; answers its status. */
    private int proxied() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/messages")).timeout(Duration.ofSeconds(15))
                .header("x-api-key", "sk-client-placeholder").header("anthropic-version", "2023-06-01")
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("proxied request answered " + r.statusCode() + ": " + r.body() + "\ndaemon output:\n"
                    + output(home.resolve("daemon-" + starts + ".log")));
        }
        return r.statusCode();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
                .header("authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(15))
                .header("authorization", "Bearer " + ADMIN_TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }


}

package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiAccessTest extends AgainstApiFixture {

    @Test
    void apiOverTcpWithoutTokenIs401WithBearerChallenge() throws Exception {
        var r = f.tcp("GET", "/api/accounts", List.of("Host: " + f.host()), null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("www-authenticate")).isEqualTo("Bearer");
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.error()).isEqualTo(ApiHandler.UNAUTHORISED);
    }

    @Test
    void apiOverTcpWithWrongTokenOrWrongSchemeIs401() throws Exception {
        for (String auth : List.of("Authorization: Bearer nope", "Authorization: Bearer " + ApiFixture.TOKEN + "x",
                "Authorization: Basic " + ApiFixture.TOKEN, "x-api-key: " + ApiFixture.TOKEN)) {
            var r = f.tcp("GET", "/api/accounts", List.of("Host: " + f.host(), auth), null);
            assertThat(r.status()).as(auth).isEqualTo(401);
        }
    }

    @Test
    void tokenInTheQueryStringIsNotAccepted() throws Exception {
        var r = f.tcp("GET", "/api/accounts?token=" + ApiFixture.TOKEN + "&access_token=" + ApiFixture.TOKEN,
                List.of("Host: " + f.host()), null);
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void apiOverTcpWithTheTokenIsServedAndBearerIsCaseInsensitive() throws Exception {
        assertThat(f.get("/api/accounts").status()).isEqualTo(200);
        var r = f.tcp("GET", "/api/accounts", List.of("Host: " + f.host(), "Authorization: bearer " + ApiFixture.TOKEN), null);
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void everyRouteInTheTableRequiresTheTokenOverTcpExceptHealth() throws Exception {
        for (String route : f.api.routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[a-zA-Z]+}", "x");
            var r = f.tcp(method, path, List.of("Host: " + f.host(), "Content-Type: application/json"),
                    method.equals("GET") || method.equals("DELETE") ? null : "{}");
            if (path.equals("/health")) assertThat(r.status()).as(route).isEqualTo(200);
            else assertThat(r.status()).as(route).isEqualTo(401);
        }
    }

    @Test
    void unixSocketNeedsNoTokenAndNoLoopbackHost() throws Exception {
        var r = f.unix("GET", "/api/accounts", List.of("Host: ccflare"), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[]");
        var added = f.unix("POST", "/api/accounts", List.of("Host: ccflare", "Content-Type: application/json"),
                "{\"name\":\"via-socket\",\"provider\":\"anthropic\",\"apiKey\":\"k\"}");
        assertThat(added.status()).isEqualTo(201);
    }

    @Test
    void healthNeedsNoTokenOverTcp() throws Exception {
        var r = f.tcp("GET", "/health", List.of("Host: localhost:" + f.port()), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("ok");
    }

    @Test
    void foreignHostHeadersAreRefusedWith421EvenWithTheToken() throws Exception {
        for (String host : List.of("evil.example:" + f.port(), "127.0.0.1.nip.io:" + f.port(), "localhost.evil.example",
                "[::2]:" + f.port(), "localhost.:" + f.port())) {
            var r = f.tcp("GET", "/api/accounts", List.of("Host: " + host, "Authorization: Bearer " + ApiFixture.TOKEN), null);
            assertThat(r.status()).as(host).isEqualTo(421);
            assertThat(r.error()).as(host).contains("is not served here").contains("DNS rebinding");
        }
        var health = f.tcp("GET", "/health", List.of("Host: evil.example"), null);
        assertThat(health.status()).isEqualTo(421);
        // Jetty itself answers 400 to a Host it cannot parse; either way nothing is served.
        for (String host : List.of("localhost:80x", "127.0.0.1:" + f.port() + ":1", "localhost@evil.example")) {
            var r = f.tcp("GET", "/api/accounts", List.of("Host: " + host, "Authorization: Bearer " + ApiFixture.TOKEN), null);
            assertThat(r.status()).as(host).isIn(400, 421);
            assertThat(r.body()).doesNotContain("[]");
        }
    }

    @Test
    void missingHostHeaderOverHttp10IsRefused() throws Exception {
        var r = RawHttp.tcp(f.port(), "GET /api/accounts HTTP/1.0\r\nAuthorization: Bearer " + ApiFixture.TOKEN + "\r\n\r\n");
        assertThat(r.status()).isEqualTo(421);
        assertThat(r.error()).startsWith("missing Host header");
    }

    @Test
    void everyLoopbackSpellingIsAccepted() throws Exception {
        for (String host : List.of("localhost", "LOCALHOST:" + f.port(), "127.0.0.1", "127.0.0.1:" + f.port(),
                "[::1]", "[::1]:" + f.port())) {
            var r = f.tcp("GET", "/api/accounts", List.of("Host: " + host, "Authorization: Bearer " + ApiFixture.TOKEN), null);
            assertThat(r.status()).as(host).isEqualTo(200);
        }
    }

    @Test
    void foreignOriginIsRefusedWith403AndLoopbackOriginIsServed() throws Exception {
        var evil = f.tcp("POST", "/api/stats/reset", List.of("Host: " + f.host(), "Authorization: Bearer " + ApiFixture.TOKEN,
                "Origin: https://evil.example"), null);
        assertThat(evil.status()).isEqualTo(403);
        assertThat(evil.error()).contains("origin 'https://evil.example' may not use this API");
        var nullOrigin = f.tcp("GET", "/api/accounts", List.of("Host: " + f.host(), "Authorization: Bearer " + ApiFixture.TOKEN,
                "Origin: null"), null);
        assertThat(nullOrigin.status()).isEqualTo(403);
        var local = f.tcp("GET", "/api/accounts", List.of("Host: " + f.host(), "Authorization: Bearer " + ApiFixture.TOKEN,
                "Origin: http://localhost:" + f.port()), null);
        assertThat(local.status()).isEqualTo(200);
    }

    @Test
    void noCorsHeadersEvenOnAPreflight() throws Exception {
        var r = f.tcp("OPTIONS", "/api/accounts", List.of("Host: " + f.host(), "Origin: http://localhost:3000",
                "Access-Control-Request-Method: POST"), null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
        var ok = f.get("/api/accounts");
        assertThat(ok.headers().keySet()).noneMatch(h -> h.startsWith("access-control-"));
    }

    @Test
    void textPlainPostIsRefusedWith415() throws Exception {
        var r = f.tcp("POST", "/api/accounts", List.of("Host: " + f.host(), "Authorization: Bearer " + ApiFixture.TOKEN,
                "Content-Type: text/plain"), "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\"}");
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.error()).isEqualTo("content-type: 'text/plain' (expected: application/json)");
        assertThat(f.accounts.size()).isZero();
    }

    @Test
    void unknownApiPathIs404NamingMethodAndPath() throws Exception {
        var r = f.get("/api/nothing/here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error()).isEqualTo("no such endpoint: GET /api/nothing/here");
        assertThat(f.get("/api").error()).isEqualTo("no such endpoint: GET /api");
    }

    @Test
    void wrongMethodOnAKnownPathIs405WithAllow() throws Exception {
        var r = f.call("PUT", "/api/accounts", "{}");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("allow")).isEqualTo("GET, POST");
        assertThat(r.error()).isEqualTo("method PUT not allowed on /api/accounts (expected: GET, POST)");
        var pause = f.get("/api/accounts/x/pause");
        assertThat(pause.status()).isEqualTo(405);
        assertThat(pause.header("allow")).isEqualTo("POST");
        assertThat(f.call("POST", "/health", null).header("allow")).isEqualTo("GET");
    }

    @Test
    void metricsHasTheApisGateTokenOverTcpHostCheckedAndFreeOnTheSocket() throws Exception {
        var none = f.tcp("GET", "/metrics", List.of("Host: " + f.host()), null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("www-authenticate")).isEqualTo("Bearer");
        var foreign = f.tcp("GET", "/metrics", List.of("Host: evil.example", "Authorization: Bearer " + ApiFixture.TOKEN), null);
        assertThat(foreign.status()).isEqualTo(421);
        var withToken = f.get("/metrics");
        assertThat(withToken.status()).isEqualTo(200);
        assertThat(withToken.header("content-type")).startsWith("text/plain; version=0.0.4");
        assertThat(withToken.header("cache-control")).isEqualTo("no-store");
        ccflare.testing.Exposition.prometheusText(withToken.body());
        var overSocket = f.unix("GET", "/metrics", List.of("Host: ccflare"), null);
        assertThat(overSocket.status()).isEqualTo(200);
        assertThat(overSocket.body()).contains("# TYPE ccflare_live_events_dropped_total counter");
        assertThat(f.tcp("GET", "/metricsx", List.of("Host: " + f.host()), null).status()).isEqualTo(418);
    }

    @Test
    void otherPathsAreLeftToTheNextHandler() throws Exception {
        assertThat(f.tcp("GET", "/v1/messages", List.of("Host: " + f.host()), null).status()).isEqualTo(418);
        assertThat(f.tcp("GET", "/apix", List.of("Host: " + f.host()), null).status()).isEqualTo(418);
        assertThat(f.tcp("GET", "/robots.txt", List.of("Host: " + f.host()), null).status()).isEqualTo(418);
        // /favicon.ico is the dashboard's icon (browsers ask for it by that name)
        assertThat(f.tcp("GET", "/favicon.ico", List.of("Host: " + f.host()), null).status()).isEqualTo(200);
        assertThat(f.tcp("GET", "/assetsx", List.of("Host: " + f.host()), null).status()).isEqualTo(418);
        // "/" is the dashboard's (DashboardServingTest), which sits after the API in the fixture as in the daemon.
        assertThat(f.tcp("GET", "/", List.of("Host: " + f.host()), null).status()).isEqualTo(200);
    }

    @Test
    void responsesAreJsonAndNeverCached() throws Exception {
        var r = f.get("/api/accounts");
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.header("cache-control")).isEqualTo("no-store");
        assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void bodyOverOneMebibyteIs413() throws Exception {
        String big = "{\"name\":\"" + "a".repeat(ApiCall.MAX_BODY_BYTES) + "\"}";
        var r = f.post("/api/accounts", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).startsWith("request body over 1048576 bytes");
    }

    @Test
    void contextToStringNeverShowsTheToken() {
        assertThat(new ApiContext(f.accounts, f.queries, f.daemon, f.daemon, "secret-token-value", f.clock).toString())
                .doesNotContain("secret-token-value");
    }

    @Test
    void anEmptyAdminTokenIsRefusedAtConstruction() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new ApiContext(f.accounts, f.queries, f.daemon, f.daemon, " ", f.clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("adminToken: empty");
    }
}

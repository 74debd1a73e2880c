package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard as a browser meets it, over a real Jetty on loopback and the real Unix socket: the
 * one-time login code from the socket traded for a cookie, the pasted token, the cookie as a
 * credential for {@code /api/**} with its CSRF rule, expiry on the manual clock, the files with
 * their ETag, cache policy and gzip, and the security headers.
 */
class DashboardServingTest {

    private static final String INDEX = "<!doctype html><title>ccflare</title><script type=\"module\" src=\"/assets/app.js\"></script>";
    private static final String APP = "export const answer = 42;\n".repeat(40);
    private static final Map<String, String> FILES = Map.of(
            "index.html", INDEX,
            "assets/app.js", APP,
            "assets/chart.0123abcd.js", "export default 1;\n",
            "assets/vendor/uplot/1.6.30/uPlot.min.css", ".uplot{display:block}\n".repeat(20));

    @TempDir Path dir;
    private ApiFixture f;

    @BeforeEach
    void start() throws Exception {
        StaticAssets assets = StaticAssets.of(FILES.keySet(), n -> Optional.ofNullable(FILES.get(n)).map(s -> s.getBytes(StandardCharsets.UTF_8)));
        f = new ApiFixture(dir, null, assets);
        f.daemon.browserUri = URI.create("http://127.0.0.1:" + f.port() + "/");
    }

    @AfterEach
    void stop() throws Exception { f.close(); }

    private String origin() { return "http://" + f.host(); }

    private RawHttp.Reply browser(String method, String target, String cookie, String... more) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Host: " + f.host(), "User-Agent: Mozilla/5.0"));
        if (cookie != null) headers.add("Cookie: " + cookie);
        headers.addAll(List.of(more));
        return f.tcp(method, target, headers, null);
    }

    private RawHttp.Reply browserJson(String method, String target, String cookie, String body, String... more) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Host: " + f.host(), "Content-Type: application/json"));
        if (cookie != null) headers.add("Cookie: " + cookie);
        headers.addAll(List.of(more));
        return f.tcp(method, target, headers, body);
    }

    /** A login link over the admin socket, as ccflarectl dashboard asks for it. */
    private URI loginLink() throws Exception {
        RawHttp.Reply r = f.unix("POST", "/api/dashboard/login", List.of("Host: ccflare"), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return URI.create(r.json().path("url").asText());
    }

    /** {@code name=value} of the Set-Cookie header. */
    private static String cookieOf(RawHttp.Reply r) {
        String set = r.header("set-cookie");
        assertThat(set).as("set-cookie").isNotNull();
        return set.split(";", 2)[0];
    }

    private String signIn() throws Exception {
        URI link = loginLink();
        RawHttp.Reply visit = browser("GET", link.getRawPath() + "?" + link.getRawQuery(), null);
        assertThat(visit.status()).isEqualTo(303);
        return cookieOf(visit);
    }

    @Test
    void withoutACookieTheRootSaysHowToGetInNotA401() throws Exception {
        RawHttp.Reply page = browser("GET", "/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).startsWith("text/html");
        assertThat(page.body()).contains("ccflarectl dashboard", "admin.token", "<form method=\"post\" action=\"/login\"")
                .doesNotContain("<script", "style=");
        assertThat(page.header("cache-control")).isEqualTo("no-store");
        assertSecurityHeaders(page);
        // The API still wants a credential.
        assertThat(browser("GET", "/api/accounts", null).status()).isEqualTo(401);
    }

    @Test
    void theLoginLinkWorksOnceAndLeavesNothingInTheAddressBar() throws Exception {
        URI link = loginLink();
        assertThat(link.getHost()).isEqualTo("127.0.0.1");
        assertThat(link.getPort()).isEqualTo(f.port());
        assertThat(link.getRawQuery()).matches("login=[A-Za-z0-9_-]{40,}");
        String target = link.getRawPath() + "?" + link.getRawQuery();

        RawHttp.Reply visit = browser("GET", target, null);
        assertThat(visit.status()).isEqualTo(303);
        assertThat(visit.header("location")).isEqualTo("/");
        String setCookie = visit.header("set-cookie");
        assertThat(setCookie).startsWith("ccflare_session=v1.").contains("; Path=/", "; HttpOnly", "; SameSite=Strict", "Max-Age=")
                .doesNotContain("Secure");
        assertThat(setCookie).doesNotContain(link.getRawQuery().substring(6)).doesNotContain(ApiFixture.TOKEN);
        String cookie = cookieOf(visit);

        RawHttp.Reply dashboard = browser("GET", "/", cookie);
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.body()).isEqualTo(INDEX);
        assertSecurityHeaders(dashboard);
        assertThat(browser("GET", "/api/accounts", cookie).status()).isEqualTo(200);

        RawHttp.Reply again = browser("GET", target, null);
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.body()).contains("already used");
        assertThat(again.header("set-cookie")).isNull();
        // Signed in already: the stale link just goes to the bare address.
        assertThat(browser("GET", target, cookie).status()).isEqualTo(303);
    }

    @Test
    void aLinkOlderThanAMinuteIsRefusedAndAnUnknownOneToo() throws Exception {
        URI link = loginLink();
        f.clock.advance(Duration.ofSeconds(61));
        RawHttp.Reply late = browser("GET", link.getRawPath() + "?" + link.getRawQuery(), null);
        assertThat(late.status()).isEqualTo(401);
        assertThat(late.body()).contains("expired");
        assertThat(late.header("set-cookie")).isNull();

        RawHttp.Reply unknown = browser("GET", "/?login=bm90LWEtY29kZS1vZi10aGlzLWRhZW1vbi1hdC1hbGwtZXZlcg", null);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.body()).contains("not valid here");
    }

    @Test
    void onlyAnAdministratorMayMintALink() throws Exception {
        RawHttp.Reply anonymous = browserJson("POST", "/api/dashboard/login", null, "{}", "Origin: " + origin());
        assertThat(anonymous.status()).isEqualTo(401);
        String cookie = signIn();
        RawHttp.Reply bySession = browserJson("POST", "/api/dashboard/login", cookie, "{}", "Origin: " + origin());
        assertThat(bySession.status()).isEqualTo(403);
        assertThat(bySession.error()).contains("admin socket");
        RawHttp.Reply byToken = f.post("/api/dashboard/login", "{}");
        assertThat(byToken.status()).as(byToken.body()).isEqualTo(200);
        assertThat(byToken.json().path("expiresAt").asText()).isEqualTo("2026-03-01T12:01:00Z");
    }

    @Test
    void thePastedTokenSignsInAndAWrongOneSaysSo() throws Exception {
        List<String> form = List.of("Host: " + f.host(), "Origin: " + origin(), "Content-Type: application/x-www-form-urlencoded");
        RawHttp.Reply wrong = f.tcp("POST", "/login", form, "token=not-the-token");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("not the admin token");
        assertThat(wrong.header("set-cookie")).isNull();

        RawHttp.Reply right = f.tcp("POST", "/login", form, "token=" + ApiFixture.TOKEN);
        assertThat(right.status()).isEqualTo(303);
        assertThat(right.header("location")).isEqualTo("/");
        assertThat(browser("GET", "/api/stats", cookieOf(right)).status()).isEqualTo(200);

        // Under Referrer-Policy: no-referrer a browser sends the form's Origin as "null"; a foreign one is refused.
        List<String> opaque = List.of("Host: " + f.host(), "Origin: null", "Content-Type: application/x-www-form-urlencoded");
        assertThat(f.tcp("POST", "/login", opaque, "token=" + ApiFixture.TOKEN).status()).isEqualTo(303);
        List<String> foreign = List.of("Host: " + f.host(), "Origin: https://evil.example", "Content-Type: application/x-www-form-urlencoded");
        assertThat(f.tcp("POST", "/login", foreign, "token=" + ApiFixture.TOKEN).status()).isEqualTo(403);

        RawHttp.Reply notAForm = f.tcp("POST", "/login", List.of("Host: " + f.host(), "Content-Type: application/json"), "{}");
        assertThat(notAForm.status()).isEqualTo(415);
    }

    @Test
    void theSessionEndsAfterThirtyDaysOnLogoutAndWhenTampered() throws Exception {
        String cookie = signIn();
        String value = cookie.substring(cookie.indexOf('=') + 1);
        String tampered = "ccflare_session=" + value.substring(0, value.length() - 2) + (value.endsWith("AA") ? "BB" : "AA");
        assertThat(browser("GET", "/api/accounts", tampered).status()).isEqualTo(401);
        assertThat(browser("GET", "/", tampered).body()).contains("ccflarectl dashboard");

        f.clock.advance(Duration.ofDays(29));
        assertThat(browser("GET", "/api/accounts", cookie).status()).isEqualTo(200);
        f.clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(browser("GET", "/api/accounts", cookie).status()).isEqualTo(401);
        RawHttp.Reply page = browser("GET", "/", cookie);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("ccflarectl dashboard").doesNotContain("type=\"module\"");

        String second = signIn();
        RawHttp.Reply out = browser("POST", "/logout", second, "Origin: " + origin());
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.header("set-cookie")).startsWith("ccflare_session=;").contains("Max-Age=0");
        assertThat(browser("GET", "/api/accounts", second).status()).isEqualTo(401);
    }

    @Test
    void aCookieChangesThingsOnlyFromTheDashboardsOwnPage() throws Exception {
        String cookie = signIn();
        f.post("/api/accounts", "{\"name\":\"work\",\"provider\":\"anthropic\",\"apiKey\":\"sk-ant-dash-0123456789\"}");

        RawHttp.Reply noOrigin = browserJson("POST", "/api/accounts/work/pause", cookie, "{}");
        assertThat(noOrigin.status()).isEqualTo(403);
        assertThat(noOrigin.error()).contains("missing Origin");
        RawHttp.Reply foreign = browserJson("POST", "/api/accounts/work/pause", cookie, "{}", "Origin: https://evil.example");
        assertThat(foreign.status()).isEqualTo(403);
        RawHttp.Reply otherPort = browserJson("POST", "/api/accounts/work/pause", cookie, "{}", "Origin: http://127.0.0.1:1");
        assertThat(otherPort.status()).isEqualTo(403);
        assertThat(f.get("/api/accounts/work").json().path("paused").asBoolean()).isFalse();

        RawHttp.Reply own = browserJson("POST", "/api/accounts/work/pause", cookie, "{}", "Origin: " + origin());
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(f.get("/api/accounts/work").json().path("paused").asBoolean()).isTrue();

        // A rebinding page: the cookie is not sent to another name, and a foreign Host is refused anyway.
        RawHttp.Reply rebound = f.tcp("GET", "/api/accounts", List.of("Host: attacker.example:" + f.port(), "Cookie: " + cookie), null);
        assertThat(rebound.status()).isEqualTo(421);
        assertThat(f.tcp("GET", "/", List.of("Host: attacker.example:" + f.port()), null).status()).isEqualTo(421);
    }

    @Test
    void filesCarryETagsCachePolicyAndGzip() throws Exception {
        RawHttp.Reply app = browser("GET", "/assets/app.js", null);
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.header("content-type")).startsWith("text/javascript");
        assertThat(app.header("cache-control")).isEqualTo("no-cache");
        assertThat(app.body()).isEqualTo(APP);
        String etag = app.header("etag");
        assertThat(etag).startsWith("\"").endsWith("\"");
        assertSecurityHeaders(app);

        RawHttp.Reply same = browser("GET", "/assets/app.js", null, "If-None-Match: " + etag);
        assertThat(same.status()).isEqualTo(304);
        assertThat(same.body()).isEmpty();

        RawHttp.Reply zipped = browser("GET", "/assets/app.js", null, "Accept-Encoding: gzip, br");
        assertThat(zipped.header("content-encoding")).isEqualTo("gzip");
        assertThat(zipped.header("vary")).containsIgnoringCase("accept-encoding");
        assertThat(Integer.parseInt(zipped.header("content-length"))).isLessThan(APP.length() / 4);
        assertThat(browser("GET", "/assets/app.js", null, "If-None-Match: " + zipped.header("etag")).status()).isEqualTo(304);

        assertThat(browser("GET", "/assets/chart.0123abcd.js", null).header("cache-control")).contains("immutable");
        RawHttp.Reply vendor = browser("GET", "/assets/vendor/uplot/1.6.30/uPlot.min.css", null);
        assertThat(vendor.header("content-type")).startsWith("text/css");
        assertThat(vendor.header("cache-control")).isEqualTo("public, max-age=31536000, immutable");
    }

    @Test
    void onlyTheDashboardsOwnFilesAreServed() throws Exception {
        assertThat(browser("GET", "/assets/missing.js", null).status()).isEqualTo(404);
        for (String probe : List.of("/assets/../index.html", "/assets/%2e%2e/%2e%2e/admin.token", "/assets/..%2fadmin.token",
                "/assets/vendor/../../../../../etc/passwd", "/assets/%00")) {
            RawHttp.Reply r = browser("GET", probe, null);
            assertThat(r.status()).as(probe).isIn(400, 404);
            assertThat(r.body()).as(probe).doesNotContain("root:", "<title>ccflare</title>");
        }
        assertThat(browser("POST", "/assets/app.js", null).status()).isEqualTo(405);
        RawHttp.Reply framed = browser("GET", "/", null, "Origin: https://evil.example");
        assertThat(framed.status()).isEqualTo(403);
    }

    @Test
    void theRealModuleCarriesUplotFromItsWebJar() {
        StaticAssets real = StaticAssets.fromModule(Api.class.getModule());
        assertThat(real.find("assets/vendor/uplot/1.6.30/uPlot.iife.min.js")).isPresent();
        assertThat(real.find("assets/vendor/uplot/1.6.30/uPlot.min.css")).isPresent();
        assertThat(real.find("assets/vendor/uplot/1.6.30/LICENSE")).isPresent();
    }

    /** Every file the page names (index.html's src/href, every module's imports) is one the module carries, and every module is preloaded. */
    @Test
    void everyFileThePageNamesIsInTheModuleAndEveryModuleIsPreloaded() {
        StaticAssets real = StaticAssets.fromModule(Api.class.getModule());
        String index = new String(real.find("index.html").orElseThrow().bytes(), StandardCharsets.UTF_8);
        var named = java.util.regex.Pattern.compile("(?:src|href)=\"/(assets/[^\"]+)\"").matcher(index).results()
                .map(m -> m.group(1)).toList();
        assertThat(named).contains("assets/app.js", "assets/app.css");
        assertThat(real.find(DashboardHandler.ICON)).as("the icon /favicon.ico answers with").isPresent()
                .get().extracting(StaticAssets.Asset::contentType).isEqualTo("image/svg+xml");
        for (String name : named) assertThat(real.find(name)).as(name + " named by index.html").isPresent();
        var imports = java.util.regex.Pattern.compile("(?m)^import .* from '([^']+)';");
        List<String> modules = real.names().stream().filter(n -> n.startsWith("assets/") && n.endsWith(".js")
                && !n.startsWith("assets/vendor/")).toList();
        assertThat(modules).hasSizeGreaterThan(5);
        for (String module : modules) {
            assertThat(named).as(module + " is preloaded by index.html").contains(module);
            String text = new String(real.find(module).orElseThrow().bytes(), StandardCharsets.UTF_8);
            java.net.URI base = java.net.URI.create("/" + module);
            for (var m : imports.matcher(text).results().toList()) {
                String target = base.resolve(m.group(1)).getPath().substring(1);
                assertThat(real.find(target)).as(module + " imports " + m.group(1)).isPresent();
            }
        }
    }

    private static void assertSecurityHeaders(RawHttp.Reply r) {
        assertThat(r.header("content-security-policy")).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
        assertThat(r.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(r.header("referrer-policy")).isEqualTo("no-referrer");
    }
}

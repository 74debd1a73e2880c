package ccflare.packaging;

import static ccflare.packaging.Launches.awaitHealth;
import static ccflare.packaging.Launches.freePort;
import static ccflare.packaging.Launches.output;
import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard as a user meets it: the image's daemon started as {@code bin/ccflare} is started,
 * {@code bin/ccflarectl dashboard} prints the link, and Debian's Chromium (headless, through its
 * chromedriver) opens it. Accounts and requests are real: the proxy forwards to the fake upstream,
 * the records land in the daemon's SQLite file, and the page reads them through the API and the
 * live WebSockets. Screenshots of every view, light and dark, go to {@code target/screenshots/}
 * (or to {@code -Dccflare.screenshots=DIR}, which is how {@code docs/images/} is refreshed).
 */
class DashboardBrowserIT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final String TOKEN = "browser-test-admin-token-0123456789";
    private static final String KEY_WORK = "sk-ant-browser-work-0123456789";
    private static final String KEY_SPARE = "sk-ant-browser-spare-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final List<String> VIEWS = List.of("overview", "accounts", "requests", "analytics", "logs", "settings");

    private static Path home;
    private static Path runtime;
    private static Path log;
    private static Process daemon;
    private static FakeUpstream upstream;
    private static URI base;
    private static HttpClient http;
    private static ChromeDriverService service;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        Files.deleteIfExists(Path.of("target/dashboard-figures.txt"));
        home = Files.createTempDirectory("ccflare-browser");
        runtime = Files.createTempDirectory(Path.of("/tmp"), "cc");
        log = home.resolve("daemon.log");
        upstream = FakeUpstream.start();
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port);
        ProcessBuilder pb = new ProcessBuilder(IMAGE.resolve("bin/ccflare").toString());
        cleanEnvironment(pb.environment());
        pb.environment().putAll(Map.of("PORT", Integer.toString(port), "CCFLARE_ADMIN_TOKEN", TOKEN,
                "CCFLARE_CLAUDE_OAUTH_AUTHORIZE_URL", upstream.baseUri() + "/oauth/authorize",
                "CCFLARE_CLAUDE_OAUTH_TOKEN_URL", upstream.baseUri() + "/v1/oauth/token"));
        daemon = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        awaitHealth(http, base, daemon, log);
        addAccount("work", KEY_WORK, 0);
        addAccount("spare", KEY_SPARE, 10);

        service = Browsers.driverService();
        driver = new ChromeDriver(service, Browsers.headless("1366,900"));
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) driver.quit();
        if (service != null) service.stop();
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(15, TimeUnit.SECONDS)) daemon.destroyForcibly();
        }
        if (upstream != null) upstream.close();
        if (http != null) http.close();
        for (Path dir : new Path[] {runtime, home}) {
            if (dir == null) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @BeforeEach
    void freshBrowser() {
        driver.get(base + "/signin.css");
        driver.manage().deleteAllCookies();
        driver.manage().logs().get(LogType.BROWSER); // drop what earlier tests left
        upstream.behaveByDefault(Behaviour.ok());
    }

    // --- signing in --------------------------------------------------------------------------------

    @Test
    void theLinkFromCcflarectlSignsInOnceAndLeavesOnlyTheBareAddress() throws Exception {
        String link = dashboardLink();
        assertThat(link).startsWith(base + "/?login=");
        driver.get(link);
        awaitView("overview");
        assertThat(driver.getCurrentUrl()).doesNotContain("login=").doesNotContain(TOKEN).startsWith(base + "/");
        Cookie session = driver.manage().getCookieNamed("ccflare_session");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat((String) driver.executeScript("return document.cookie")).doesNotContain("ccflare_session");
        assertNoConsoleErrors("overview after signing in");

        driver.manage().deleteAllCookies();
        driver.get(link);
        assertThat(driver.findElement(By.tagName("body")).getText()).contains("already used", "ccflarectl dashboard");
        assertThat(driver.findElements(By.id("view"))).isEmpty();
    }

    @Test
    void withoutACookieTheSignInPageSaysHowAndTakesTheToken() {
        // An expired (or forged) cookie is no session either.
        driver.manage().addCookie(new Cookie("ccflare_session", "v1.1700000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        driver.get(base + "/#/accounts");
        assertThat(driver.findElement(By.tagName("h1")).getText()).contains("ccflare");
        assertThat(driver.findElement(By.tagName("body")).getText()).contains("ccflarectl dashboard", "admin.token");
        WebElement field = driver.findElement(By.id("token"));
        field.sendKeys("not-the-token");
        field.submit();
        assertThat(new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[role=alert]")))
                .getText()).contains("not the admin token");
        driver.manage().logs().get(LogType.BROWSER); // Chromium logs the 401 of the refused form: expected
        field = driver.findElement(By.id("token"));
        field.sendKeys(TOKEN);
        field.submit();
        awaitView("overview");
        assertThat(driver.getPageSource()).doesNotContain(TOKEN);
        assertNoConsoleErrors("overview after the token form");
    }

    @Test
    void aPageOfAnotherOriginCannotUseTheApiOrTheProxy() throws Exception {
        signIn();
        int before = upstream.requests("/v1/messages").size();
        String script = """
                const base = '%s';
                const results = [];
                async function attempt(name, run) {
                  try { const r = await run(); results.push(name + ':' + (r.type === 'opaque' ? 'opaque' : r.status)); }
                  catch (e) { results.push(name + ':blocked'); }
                }
                (async () => {
                  await attempt('read', () => fetch(base + '/api/accounts', {credentials: 'include'}));
                  await attempt('pause', () => fetch(base + '/api/accounts/work/pause', {method: 'POST', mode: 'no-cors',
                      credentials: 'include', headers: {'content-type': 'text/plain'}, body: '{}'}));
                  await attempt('spend', () => fetch(base + '/v1/messages', {method: 'POST', mode: 'no-cors',
                      headers: {'content-type': 'text/plain'},
                      body: JSON.stringify({model: 'claude-sonnet-4-5', max_tokens: 5, messages: [{role: 'user', content: 'hi'}]})}));
                  await new Promise(done => {
                    const ws = new WebSocket(base.replace('http', 'ws') + '/ws/requests');
                    ws.onopen = () => { results.push('ws:open'); ws.close(); done(); };
                    ws.onerror = () => { results.push('ws:blocked'); done(); };
                  });
                  document.title = 'done ' + results.join(' ');
                })();
                """.formatted(base);
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        evil.createContext("/", exchange -> {
            byte[] page = ("<!doctype html><title>evil</title><script>" + script + "</script>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        evil.start();
        try {
            // Another port of the same loopback name: the nearest a page can get without rebinding DNS.
            driver.get("http://localhost:" + evil.getAddress().getPort() + "/");
            new WebDriverWait(driver, WAIT).until(d -> d.getTitle().startsWith("done"));
            String title = driver.getTitle();
            assertThat(title).contains("read:blocked", "ws:blocked").doesNotContain("read:200", "ws:open");
            assertThat(account("work").path("paused").asBoolean()).as(title).isFalse();
            assertThat(upstream.requests("/v1/messages")).as(title).hasSize(before);
        } finally {
            evil.stop(0);
            driver.manage().logs().get(LogType.BROWSER); // the evil page's own failures are not the dashboard's
        }
    }

    // --- views ---------------------------------------------------------------------------------------

    @Test
    void accountsArePausedAndAddedFromThePageAndTheProxyFollows() throws Exception {
        signIn();
        open("accounts");
        WebElement work = row("work");
        assertThat(work.findElement(By.cssSelector("td.provider")).getText()).containsIgnoringCase("anthropic");
        assertThat(work.findElement(By.cssSelector("td.state")).getText()).containsIgnoringCase("active");
        work.findElement(By.cssSelector("button[data-action=pause]")).click();
        await(d -> row("work").findElement(By.cssSelector("td.state")).getText().contains("paused"));
        assertThat(account("work").path("paused").asBoolean()).isTrue();

        // The proxy skips the paused account: the request is served by the other one.
        int spareBefore = upstream.requestsWithCredential(KEY_SPARE).size();
        HttpResponse<String> served = proxy(false, "which account?");
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        assertThat(upstream.requestsWithCredential(KEY_SPARE)).hasSize(spareBefore + 1);

        await(d -> row("work").findElement(By.cssSelector("button[data-action=resume]"))).click();
        await(d -> row("work").findElement(By.cssSelector("td.state")).getText().contains("active"));
        assertThat(account("work").path("paused").asBoolean()).isFalse();

        WebElement form = driver.findElement(By.id("add-account"));
        form.findElement(By.name("name")).sendKeys("added-from-page");
        new org.openqa.selenium.support.ui.Select(form.findElement(By.name("provider"))).selectByValue("anthropic");
        form.findElement(By.name("apiKey")).sendKeys("sk-ant-added-from-page-0123456789");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("table#accounts tr[data-account='added-from-page']")));
        assertThat(account("added-from-page").path("provider").asText()).isEqualTo("anthropic");
        assertThat(driver.getPageSource()).doesNotContain("sk-ant-added-from-page-0123456789");
        remove("added-from-page");
        assertNoConsoleErrors("accounts");
    }

    @Test
    void requestsArriveLiveAndADetailShowsTheConversation() throws Exception {
        signIn();
        open("requests");
        JsonNode newest = JSON.readTree(api("GET", "/api/requests?limit=1", null).body());
        String before = newest.size() > 0 ? newest.get(0).path("id").asText() : null;
        HttpResponse<String> streamed = proxy(true, "Tell me about the browser test");
        assertThat(streamed.statusCode()).isEqualTo(200);
        JsonNode latest = latestRequest(before);
        String id = latest.path("id").asText();
        WebElement row = new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("table#requests tr[data-request-id='" + id + "']")));
        new WebDriverWait(driver, WAIT).until(d -> rowText(id, "td.status").contains("200"));
        assertThat(driver.getCurrentUrl()).as("the live row arrived without a reload").contains("#/requests");

        upstream.behaveByDefault(Behaviour.clientError(400));
        HttpResponse<String> failed = proxy(false, "this one fails");
        assertThat(failed.statusCode()).isEqualTo(400);
        String failedId = latestRequest(id).path("id").asText();
        new WebDriverWait(driver, WAIT).until(d -> !d.findElements(
                By.cssSelector("table#requests tr[data-request-id='" + failedId + "']")).isEmpty()
                && rowText(failedId, "td.status").contains("400"));

        row = driver.findElement(By.cssSelector("table#requests tr[data-request-id='" + id + "']"));
        row.click();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section#request-detail .conversation")));
        assertThat(driver.getCurrentUrl()).endsWith("#/requests/" + id);
        WebElement conversation = driver.findElement(By.cssSelector("section#request-detail .conversation"));
        new WebDriverWait(driver, WAIT).until(d -> !conversation.findElements(By.cssSelector(".turn[data-role=assistant]")).isEmpty());
        assertThat(conversation.findElement(By.cssSelector(".turn[data-role=user]")).getText()).contains("Tell me about the browser test");
        assertThat(conversation.findElement(By.cssSelector(".turn[data-role=assistant]")).getText()).contains("Hello from fake upstream");
        // A reload shows the same view: the state is in the URL.
        driver.navigate().refresh();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("section#request-detail .conversation")));
        assertNoConsoleErrors("requests and detail");
    }

    @Test
    void everyViewRendersInLightAndDarkWithoutConsoleErrors() throws Exception {
        signIn();
        proxy(true, "a request so the charts have something");
        Path shots = Path.of(System.getProperty("ccflare.screenshots", "target/screenshots"));
        Files.createDirectories(shots);
        for (String theme : List.of("light", "dark")) {
            for (String view : VIEWS) {
                // The theme first: a hash change re-renders the view, so the charts take the theme's colours.
                driver.executeScript("document.documentElement.dataset.theme = arguments[0]", theme);
                open(view);
                Thread.sleep(300); // let charts and live rows settle before the picture; not an assertion
                Files.write(shots.resolve("dashboard-" + view + "-" + theme + ".png"), driver.getScreenshotAs(OutputType.BYTES));
                assertNoConsoleErrors(view + " (" + theme + ")");
            }
        }
        driver.executeScript("document.documentElement.removeAttribute('data-theme')");
        assertThat(driver.findElement(By.id("live-status")).getAttribute("data-state")).isEqualTo("live");
    }

    /**
     * The figures of issue 11 item 4, measured here and written to {@code target/dashboard-figures.txt}
     * (not asserted: speed is judged by people reading figures, not by timed tests). The time is
     * from navigation start to the mark the page sets when the overview is ready (fetched and
     * drawn); the bytes are what the network carried for the page and every file it loaded, with an
     * empty cache.
     */
    @Test
    void theFirstViewsCostIsMeasured() throws Exception {
        signIn();
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
        try {
            driver.get(base + "/#/overview");
            new WebDriverWait(driver, WAIT, Duration.ofMillis(20)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("main#view[data-view='overview'][data-ready='true']")));
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) driver.executeScript("""
                    const nav = performance.getEntriesByType('navigation')[0];
                    const files = performance.getEntriesByType('resource');
                    const ready = performance.getEntriesByName('ccflare:ready:overview')[0];
                    return {readyMs: ready.startTime, domContentLoadedMs: nav.domContentLoadedEventEnd,
                            transferBytes: nav.transferSize + files.reduce((a, r) => a + r.transferSize, 0),
                            decodedBytes: nav.decodedBodySize + files.reduce((a, r) => a + r.decodedBodySize, 0),
                            files: files.length + 1};
                    """);
            String line = "first view (overview, empty cache, loopback): ready at %.0f ms, DOMContentLoaded %.0f ms, %s files, %.1f KiB transferred, %.1f KiB decoded%n"
                    .formatted(((Number) f.get("readyMs")).doubleValue(), ((Number) f.get("domContentLoadedMs")).doubleValue(), f.get("files"),
                            ((Number) f.get("transferBytes")).doubleValue() / 1024, ((Number) f.get("decodedBytes")).doubleValue() / 1024);
            figure(line);
            assertThat(((Number) f.get("transferBytes")).longValue()).isPositive();
        } finally {
            driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", false));
        }
    }

    /** A subscription added by signing in from the page (the fake upstream is the token endpoint), then signed in again. */
    @Test
    void aSubscriptionIsSignedInFromThePageAndSignedInAgain() throws Exception {
        signIn();
        open("accounts");
        WebElement form = driver.findElement(By.id("add-oauth"));
        form.findElement(By.name("name")).sendKeys("max-from-page");
        new org.openqa.selenium.support.ui.Select(form.findElement(By.name("provider"))).selectByValue("claude-code");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        try {
            String first = pasteTheCode(form, "page-code-1");
            await(d -> form.findElement(By.cssSelector(".flow .ok")).getText().contains("max-from-page added"));
            row("max-from-page");
            JsonNode added = account("max-from-page");
            assertThat(added.path("provider").asText()).isEqualTo("claude-code");
            assertThat(added.path("hasCredentials").asBoolean()).isTrue();
            assertThat(driver.getPageSource()).doesNotContain(upstream.issuedTokens().getLast().accessToken(), first);

            row("max-from-page").findElement(By.cssSelector("button[data-action=reauth]")).click();
            pasteTheCode(form, "page-code-2");
            await(d -> form.findElement(By.cssSelector(".flow .ok")).getText().contains("max-from-page signed in again"));
            JsonNode renewed = account("max-from-page");
            assertThat(renewed.path("id").asText()).as("the same account, not a new one").isEqualTo(added.path("id").asText());
            assertThat(upstream.requests("/v1/oauth/token")).hasSizeGreaterThanOrEqualTo(2);
            assertThat(driver.findElements(By.cssSelector("table#accounts tr[data-account^='max-from-page']"))).hasSize(1);
            assertNoConsoleErrors("signing in from the page");
        } finally {
            remove("max-from-page");
        }
    }

    /** Reads the flow's authorize link, tells the fake provider which code it will accept, pastes CODE#STATE and finishes. */
    private static String pasteTheCode(WebElement form, String code) {
        String url = await(d -> {
            List<WebElement> links = form.findElements(By.cssSelector(".flow a[data-authorize]"));
            return links.isEmpty() ? null : links.getFirst().getAttribute("href");
        });
        Map<String, String> q = new java.util.HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        upstream.expectAuthorization(code, q.get("code_challenge"));
        String pasted = code + "#" + q.get("state");
        form.findElement(By.name("code")).sendKeys(pasted);
        form.findElement(By.cssSelector("button[data-action=finish-sign-in]")).click();
        return pasted;
    }

    /**
     * Ten thousand requests in the history: the list shows a page of them, the next page comes from
     * the server by cursor, filters run on the server, and the page scrolls. The figures (page
     * times, frame times while scrolling) go to {@code target/dashboard-figures.txt}.
     */
    @Test
    void tenThousandRequestsArePagedFilteredAndScrolled() throws Exception {
        long have = JSON.readTree(api("GET", "/api/stats", null).body()).path("totalRequests").asLong();
        long sendStart = System.nanoTime();
        sendMany(Math.max(0, 10_000 - (int) have));
        upstream.behaveByDefault(Behaviour.clientError(400));
        for (int i = 0; i < 3; i++) assertThat(proxy(false, "fails " + i).statusCode()).isEqualTo(400);
        upstream.behaveByDefault(Behaviour.ok());
        long total = 0;
        for (int i = 0; i < 200 && total < 10_003; i++) {
            total = JSON.readTree(api("GET", "/api/stats", null).body()).path("totalRequests").asLong();
            if (total < 10_003) Thread.sleep(50);
        }
        assertThat(total).isGreaterThanOrEqualTo(10_003);
        double sendSeconds = (System.nanoTime() - sendStart) / 1e9;

        signIn();
        open("requests");
        List<WebElement> rows = driver.findElements(By.cssSelector("table#requests tbody tr"));
        assertThat(rows).hasSize(100);
        JsonNode firstPage = JSON.readTree(api("GET", "/api/requests?limit=100", null).body());
        String lastOfFirst = firstPage.get(99).path("id").asText();
        assertThat(rows.get(99).getAttribute("data-request-id")).isEqualTo(lastOfFirst);

        double olderMs = timedPageChange(() -> driver.findElement(By.id("older")).click());
        assertThat(driver.getCurrentUrl()).contains("before=" + lastOfFirst);
        JsonNode secondPage = JSON.readTree(api("GET", "/api/requests?limit=100&before=" + lastOfFirst, null).body());
        List<WebElement> second = driver.findElements(By.cssSelector("table#requests tbody tr"));
        assertThat(second).hasSize(100);
        assertThat(second.get(0).getAttribute("data-request-id")).isEqualTo(secondPage.get(0).path("id").asText());
        assertThat(driver.findElement(By.id("newest")).isDisplayed()).isTrue();

        @SuppressWarnings("unchecked")
        Map<String, Object> frames = (Map<String, Object>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const gaps = []; let last = null; let n = 0;
                window.scrollTo(0, 0);
                function step(t) {
                  if (last != null) gaps.push(t - last);
                  last = t; window.scrollBy(0, 40);
                  if (++n < 120) requestAnimationFrame(step);
                  else { gaps.sort((a, b) => a - b);
                         done({frames: gaps.length, p50: gaps[Math.floor(gaps.length / 2)],
                               p95: gaps[Math.floor(gaps.length * 0.95)], max: gaps[gaps.length - 1],
                               scrolled: window.scrollY}); }
                }
                requestAnimationFrame(step);
                """);
        assertThat(((Number) frames.get("scrolled")).doubleValue()).as("the page scrolled").isPositive();

        // Filters run on the server: a status class finds the three failures among ten thousand.
        driver.get(base + "/#/requests");
        awaitView("requests");
        WebElement filters = driver.findElement(By.id("request-filters"));
        filters.findElement(By.name("status")).sendKeys("4xx");
        double filterMs = timedPageChange(() -> filters.findElement(By.cssSelector("button[type=submit]")).click());
        assertThat(driver.getCurrentUrl()).contains("status=4xx");
        List<WebElement> failed = driver.findElements(By.cssSelector("table#requests tbody tr"));
        assertThat(failed).hasSizeGreaterThanOrEqualTo(3);
        for (WebElement tr : failed) assertThat(tr.findElement(By.cssSelector("td.status")).getText()).startsWith("4");
        assertNoConsoleErrors("a long history");

        figure(("history of %d requests (sent through the proxy in %.1f s): newest page of 100 rows; older page in %.0f ms;"
                + " status filter in %.0f ms; scrolling %s frames, frame gap p50 %.1f ms, p95 %.1f ms, max %.1f ms%n")
                .formatted(total, sendSeconds, olderMs, filterMs, frames.get("frames"),
                        ((Number) frames.get("p50")).doubleValue(), ((Number) frames.get("p95")).doubleValue(),
                        ((Number) frames.get("max")).doubleValue()));
    }

    /** Every view on a phone-sized window: nothing wider than the screen except inside a table's own scroller. */
    @Test
    void everyViewFitsAPhoneScreen() throws Exception {
        signIn();
        Path shots = Path.of(System.getProperty("ccflare.screenshots", "target/screenshots"));
        Files.createDirectories(shots);
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            for (String view : VIEWS) {
                open(view);
                Thread.sleep(200); // let charts size themselves before measuring; not an assertion
                Number overflow = (Number) driver.executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                assertThat(overflow.intValue()).as(view + " is wider than a 390 px screen by " + overflow + " px").isLessThanOrEqualTo(0);
                if (view.equals("overview") || view.equals("accounts") || view.equals("requests")) {
                    Files.write(shots.resolve("dashboard-" + view + "-phone.png"), driver.getScreenshotAs(OutputType.BYTES));
                }
            }
            assertNoConsoleErrors("a phone screen");
        } finally {
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 900));
        }
    }

    // --- helpers -------------------------------------------------------------------------------------

    /** Runs action (which changes the requests view's address) and returns ms from it to the view's ready mark. */
    private static double timedPageChange(Runnable action) {
        driver.executeScript("performance.clearMarks(); window.__t0 = performance.now();");
        action.run();
        return ((Number) new WebDriverWait(driver, WAIT).until(d -> driver.executeScript(
                "const m = performance.getEntriesByName('ccflare:ready:requests');"
                        + " return m.length ? m[m.length - 1].startTime - window.__t0 : null;"))).doubleValue();
    }

    private static void figure(String line) throws IOException {
        Files.writeString(Path.of("target/dashboard-figures.txt"), line, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        System.out.print(line);
    }

    /** n small requests through the proxy, eight at a time. */
    private static void sendMany(int n) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "claude-sonnet-4-5", "max_tokens", 16,
                "messages", List.of(Map.of("role", "user", "content", "history"))));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/messages")).timeout(WAIT)
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", "sk-client-placeholder").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        var next = new java.util.concurrent.atomic.AtomicInteger();
        var failures = new java.util.concurrent.atomic.AtomicInteger();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                pool.submit(() -> {
                    while (next.getAndIncrement() < n) {
                        try {
                            if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) failures.incrementAndGet();
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        assertThat(failures.get()).as("requests that failed while filling the history").isZero();
    }


    private static void signIn() throws Exception {
        driver.get(dashboardLink());
        awaitView("overview");
    }

    private static void open(String view) {
        driver.get(base + "/#/" + view);
        awaitView(view);
    }

    private static void awaitView(String view) {
        new WebDriverWait(driver, WAIT).withMessage(() -> "view " + view + " never became ready; console: " + consoleLines()
                        + "\ndaemon: " + output(log))
                .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main#view[data-view='" + view + "'][data-ready='true']")));
    }

    /** Waits for a condition over elements that the page may re-render meanwhile. */
    private static <T> T await(java.util.function.Function<org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class).until(condition);
    }

    private static WebElement row(String account) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("table#accounts tbody tr[data-account='" + account + "']")));
    }

    private static String rowText(String id, String cell) {
        try {
            return driver.findElement(By.cssSelector("table#requests tr[data-request-id='" + id + "'] " + cell)).getText();
        } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
            return "";
        }
    }

    private static void assertNoConsoleErrors(String where) {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) errors.add(e.getMessage());
        }
        assertThat(errors).as("console errors on " + where).isEmpty();
    }

    private static List<String> consoleLines() {
        List<String> lines = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) lines.add(e.getLevel() + " " + e.getMessage());
        return lines;
    }

    /** What a user runs: the image's ccflarectl, finding the daemon's socket by itself. */
    private static String dashboardLink() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(IMAGE.resolve("bin/ccflarectl").toString(), "dashboard");
        cleanEnvironment(pb.environment());
        Path out = home.resolve("ctl.out");
        Process ctl = pb.redirectErrorStream(false).redirectOutput(out.toFile()).redirectError(home.resolve("ctl.err").toFile()).start();
        assertThat(ctl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ctl.exitValue()).as(Files.readString(home.resolve("ctl.err"))).isZero();
        return Files.readString(out).strip();
    }

    private static void cleanEnvironment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("ccflare_") || k.startsWith("XDG_")
                || k.equals("PORT") || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY") || k.equals("BROWSER"));
        env.putAll(Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", runtime.toString(),
                "CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString()));
    }

    private static HttpResponse<String> api(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(WAIT).header("authorization", "Bearer " + TOKEN);
        if (json != null) b.header("content-type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void addAccount(String name, String key, int priority) throws Exception {
        HttpResponse<String> r = api("POST", "/api/accounts", JSON.writeValueAsString(Map.of("name", name, "provider", "anthropic",
                "apiKey", key, "priority", priority, "baseUrl", upstream.baseUri().toString())));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static void remove(String name) throws Exception {
        api("DELETE", "/api/accounts/" + name, null);
    }

    private static JsonNode account(String name) throws Exception {
        return JSON.readTree(api("GET", "/api/accounts/" + name, null).body());
    }

    /** The newest recorded request that is not {@code notId}. */
    private static JsonNode latestRequest(String notId) throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode rows = JSON.readTree(api("GET", "/api/requests?limit=1", null).body());
            if (rows.size() > 0 && rows.get(0).path("statusCode").asInt() > 0 && !rows.get(0).path("id").asText().equals(notId)) {
                return rows.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no request recorded");
    }

    /** A Claude-Code-shaped request through the proxy, streamed or not. */
    private static HttpResponse<String> proxy(boolean stream, String prompt) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "claude-sonnet-4-5", "max_tokens", 64, "stream", stream,
                "system", "You are a test.", "messages", List.of(Map.of("role", "user", "content", prompt))));
        return http.send(HttpRequest.newBuilder(base.resolve("/v1/messages")).timeout(WAIT)
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", "sk-client-placeholder")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

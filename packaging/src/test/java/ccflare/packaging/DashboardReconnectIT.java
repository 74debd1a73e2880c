package ccflare.packaging;

import static ccflare.packaging.Launches.awaitHealth;
import static ccflare.packaging.Launches.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard outlives a daemon restart: with the page open, the image's daemon is stopped
 * (SIGTERM) and started again on the same port and database; the header says the live feed is
 * disconnected meanwhile, then live again by itself, and the session cookie still works (its key
 * follows the admin token, which the restart keeps), so the views load again without signing in.
 */
class DashboardReconnectIT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final String TOKEN = "reconnect-test-admin-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir Path home;
    private Path runtime;
    private Process daemon;
    private ChromeDriverService service;
    private ChromeDriver driver;
    private HttpClient http;

    @AfterEach
    void stop() throws Exception {
        if (driver != null) driver.quit();
        if (service != null) service.stop();
        stopDaemon();
        if (http != null) http.close();
        if (runtime != null) {
            try (Stream<Path> files = Files.walk(runtime)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void theLiveFeedSaysItIsDisconnectedAndReconnectsAfterARestart() throws Exception {
        runtime = Files.createTempDirectory(Path.of("/tmp"), "cc");
        int port = freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        startDaemon(port, base);

        service = Browsers.driverService();
        driver = new ChromeDriver(service, Browsers.headless("1280,800"));
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);

        driver.get(base + "/signin.css");
        driver.get(dashboardLink());
        await("main#view[data-view='overview'][data-ready='true']");
        await("#live-status[data-state='live']");

        stopDaemon();
        await("#live-status[data-state='disconnected']");
        assertThat(driver.findElement(By.id("live-status")).getText()).contains("disconnected");

        startDaemon(port, base);
        await("#live-status[data-state='live']");
        // The same cookie still opens the views: nothing to sign in again.
        driver.get(base + "/#/accounts");
        await("main#view[data-view='accounts'][data-ready='true']");
        assertThat(driver.findElements(By.cssSelector("main#view .alert"))).isEmpty();
    }

    private void await(String css) {
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    }

    private void startDaemon(int port, URI base) throws Exception {
        Path log = home.resolve("daemon.log");
        ProcessBuilder pb = new ProcessBuilder(IMAGE.resolve("bin/ccflare").toString());
        environment(pb.environment());
        pb.environment().putAll(Map.of("PORT", Integer.toString(port), "CCFLARE_ADMIN_TOKEN", TOKEN));
        daemon = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitHealth(http, base, daemon, log);
    }

    private void stopDaemon() throws InterruptedException {
        if (daemon == null) return;
        daemon.destroy();
        if (!daemon.waitFor(20, TimeUnit.SECONDS)) daemon.destroyForcibly();
        daemon = null;
    }

    private String dashboardLink() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(IMAGE.resolve("bin/ccflarectl").toString(), "dashboard");
        environment(pb.environment());
        Path out = home.resolve("ctl.out");
        Process ctl = pb.redirectOutput(out.toFile()).redirectError(home.resolve("ctl.err").toFile()).start();
        assertThat(ctl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ctl.exitValue()).as(Files.readString(home.resolve("ctl.err"))).isZero();
        return Files.readString(out).strip();
    }

    private void environment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("ccflare_") || k.startsWith("XDG_")
                || k.equals("PORT") || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY") || k.equals("BROWSER"));
        env.putAll(Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", runtime.toString(),
                "CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString()));
    }
}

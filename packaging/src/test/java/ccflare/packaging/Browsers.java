package ccflare.packaging;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's Chromium, headless, the way the browser tests run it: no background networking (this
 * machine's closed network refuses it), a new empty profile, the console log kept.
 */
final class Browsers {

    private Browsers() {}

    static ChromeOptions headless(String windowSize) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
                "--disable-extensions", "--no-first-run", "--disable-quic", "--window-size=" + windowSize,
                "--user-data-dir=" + Files.createTempDirectory("ccflare-chromium"));
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        return options;
    }

    static ChromeDriverService driverService() {
        return new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    }
}

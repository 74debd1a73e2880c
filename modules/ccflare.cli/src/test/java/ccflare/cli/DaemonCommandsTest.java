package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonCommandsTest extends AgainstFakeDaemon {

    @Test
    void statusShowsHealthUptimeAndAccountCounts() {
        daemon.on("GET /health", 200, Samples.HEALTH).on("GET /api/accounts", 200, Samples.ACCOUNTS);
        var r = cli.run("status");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("ccflare 0.1.0, ok", "2h 5m", daemon.socket.toString(),
                "3 (1 paused, 1 rate limited, 0 need re-auth)");
    }

    @Test
    void statusJsonIsTheHealthAnswer() {
        daemon.on("GET /health", 200, Samples.HEALTH);
        var r = cli.run("--json", "status");
        assertThat(r.code()).isZero();
        assertThat(Json.tree(r.out().getBytes(StandardCharsets.UTF_8)).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void analyzeRunsTheMaintenanceActionAndPrintsSizesAndCounts() {
        daemon.on("POST /api/maintenance/analyze", 200, Samples.ANALYZE);
        var r = cli.run("analyze");
        assertThat(r.code()).isZero();
        assertThat(daemon.lines()).containsExactly("POST /api/maintenance/analyze");
        assertThat(r.out()).contains("12.0 MiB (12,582,912 bytes)", "4.0 KiB", "integrity", "rows.requests", "1,234");
    }

    @Test
    void configGetPrintsAllSettingsSortedOrOneValue() {
        daemon.on("GET /api/config", 200, Samples.CONFIG);
        var all = cli.run("config", "get");
        assertThat(all.code()).isZero();
        assertThat(all.out().lines().toList()).first().asString().startsWith("data_retention_days");
        assertThat(all.out()).containsPattern("(?m)^log_level +INFO$");
        var one = cli.run("config", "get", "data_retention_days");
        assertThat(one.out()).isEqualTo("7\n");
        var json = cli.run("config", "get", "log_level", "--json");
        assertThat(Json.tree(json.out().getBytes(StandardCharsets.UTF_8)).path("log_level").asText()).isEqualTo("INFO");
    }

    @Test
    void configGetOfAnUnknownKeyFailsNamingTheKnownOnes() {
        daemon.on("GET /api/config", 200, Samples.CONFIG);
        var r = cli.run("config", "get", "nope");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no setting named 'nope'", "data_retention_days");
    }

    @Test
    void configSetSendsNumbersAsNumbersAndWordsAsStrings() {
        daemon.on("PATCH /api/config", 200, "{\"data_retention_days\":14,\"log_level\":\"DEBUG\"}");
        var r = cli.run("config", "set", "data_retention_days", "14");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("data_retention_days = 14\n");
        var body = Json.tree(daemon.last().body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.path("data_retention_days").isInt()).isTrue();
        cli.run("config", "set", "log_level", "DEBUG");
        assertThat(Json.tree(daemon.last().body().getBytes(StandardCharsets.UTF_8)).path("log_level").isTextual()).isTrue();
    }

    @Test
    void configSetRejectedByTheDaemonExitsOneWithItsReason() {
        daemon.on("PATCH /api/config", 400, "{\"error\":\"data_retention_days: 900 (expected: 1..365)\"}");
        var r = cli.run("config", "set", "data_retention_days", "900");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ccflarectl: data_retention_days: 900 (expected: 1..365)\n");
    }

    @Test
    void configWithoutASubcommandIsAUsageError() {
        assertThat(cli.run("config").code()).isEqualTo(2);
    }

    @Test
    void dashboardPrintsTheOneTimeLinkTheDaemonIssues() {
        daemon.on("POST /api/dashboard/login", 200,
                "{\"url\":\"http://127.0.0.1:8181/?login=abcDEF_123-xyz\",\"expiresAt\":\"2026-03-01T12:01:00Z\"}");
        var r = cli.run("dashboard");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("http://127.0.0.1:8181/?login=abcDEF_123-xyz\n");
        assertThat(r.err()).contains("once", "ccflarectl dashboard again").doesNotContain("token");
        var json = cli.run("--json", "dashboard");
        assertThat(json.out()).contains("\"url\"", "\"expiresAt\"");
    }

    @Test
    void dashboardOpenHandsTheLinkToTheBrowser(@TempDir Path tmp) throws Exception {
        daemon.on("POST /api/dashboard/login", 200,
                "{\"url\":\"http://127.0.0.1:8181/?login=opened\",\"expiresAt\":\"2026-03-01T12:01:00Z\"}");
        Path seen = tmp.resolve("seen");
        Path browser = tmp.resolve("browser.sh");
        Files.writeString(browser, "#!/bin/sh\nprintf '%s' \"$1\" > " + seen + "\n");
        Files.setPosixFilePermissions(browser, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        var r = cli.env(Map.of("BROWSER", browser.toString())).run("dashboard", "--open");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(seen)).isEqualTo("http://127.0.0.1:8181/?login=opened");

        var missing = cli.env(Map.of("BROWSER", tmp.resolve("no-such-browser").toString())).run("dashboard", "--open");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).contains("?login=opened");
        assertThat(missing.err()).contains("could not open the browser", "paste the link");
    }

    @Test
    void dashboardAgainstADaemonWithoutLoginLinksSaysSo() {
        var r = cli.run("dashboard");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("issuing dashboard login links");
    }
}

package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every flag of the original ccflare still works, end to end against the fake API. */
class LegacyFlagsTest extends AgainstFakeDaemon {

    @Test
    void listFlag() {
        daemon.on("GET /api/accounts", 200, Samples.ACCOUNTS);
        var r = cli.run("--list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("personal-max");
    }

    @Test
    void addAccountFlagWithProviderAndKeyFile(@TempDir Path tmp) throws Exception {
        Path key = tmp.resolve("k");
        Files.writeString(key, "sk-test");
        daemon.on("POST /api/accounts", 201, "{\"id\":\"x\",\"name\":\"work\",\"provider\":\"anthropic\",\"priority\":0}");
        var r = cli.run("--add-account", "work", "--provider", "anthropic", "--api-key-file", key.toString());
        assertThat(r.code()).isZero();
        var body = Json.tree(daemon.last().body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.path("name").asText()).isEqualTo("work");
        assertThat(body.path("apiKey").asText()).isEqualTo("sk-test");
    }

    @Test
    void addAccountFlagAloneStartsTheClaudeSignInAsTheOriginalDid() {
        var r = cli.run("--add-account", "max", "--mode", "max", "--tier", "5");
        assertThat(daemon.lines()).containsExactly("POST /api/auth/claude-code/init");
        assertThat(r.err()).contains("--tier is ignored");
        assertThat(r.code()).isEqualTo(1); // this fake daemon has no OAuth endpoints
    }

    @Test
    void removeFlag() {
        daemon.on("DELETE /api/accounts/work", 200, Samples.action("Account 'work' removed"));
        assertThat(cli.run("--remove", "work", "--yes").code()).isZero();
        assertThat(daemon.lines()).containsExactly("DELETE /api/accounts/work");
        assertThat(cli.run("--remove", "work").code()).isEqualTo(2); // still asks; no terminal here
    }

    @Test
    void pauseAndResumeFlags() {
        daemon.on("POST /api/accounts/work/pause", 200, Samples.action("Account 'work' paused"));
        daemon.on("POST /api/accounts/work/resume", 200, Samples.action("Account 'work' resumed"));
        assertThat(cli.run("--pause", "work").code()).isZero();
        assertThat(cli.run("--resume=work").code()).isZero();
        assertThat(daemon.lines()).containsExactly("POST /api/accounts/work/pause", "POST /api/accounts/work/resume");
    }

    @Test
    void resetStatsClearHistoryAnalyzeAndStatsFlags() {
        daemon.on("POST /api/stats/reset", 200, Samples.action("Statistics reset"))
              .on("DELETE /api/requests", 200, Samples.action("History cleared"))
              .on("POST /api/maintenance/analyze", 200, Samples.ANALYZE)
              .on("GET /api/stats", 200, Samples.STATS);
        assertThat(cli.run("--reset-stats", "--yes").code()).isZero();
        assertThat(cli.run("--clear-history", "--yes").code()).isZero();
        assertThat(cli.run("--analyze").code()).isZero();
        assertThat(cli.run("--json", "--stats").code()).isZero();
        assertThat(daemon.lines()).containsExactly("POST /api/stats/reset", "DELETE /api/requests",
                "POST /api/maintenance/analyze", "GET /api/stats");
    }

    @Test
    void logsFlagWithAndWithoutACount() {
        daemon.on("GET /api/logs/history?limit=5", 200, Samples.LOGS).on("GET /api/logs/history?limit=100", 200, Samples.LOGS);
        assertThat(cli.run("--logs", "5").code()).isZero();
        assertThat(cli.run("--logs").code()).isZero();
        assertThat(daemon.lines()).containsExactly("GET /api/logs/history?limit=5", "GET /api/logs/history?limit=100");
    }

    @Test
    void rewriteLeavesSubcommandsAndLaterFlagsAlone() {
        List<String> notes = new ArrayList<>();
        assertThat(LegacyFlags.rewrite(List.of("list", "--json"), notes)).containsExactly("list", "--json");
        assertThat(LegacyFlags.rewrite(List.of("--socket", "/s", "--json", "--pause", "w"), notes))
                .containsExactly("--socket", "/s", "--json", "pause", "w");
        assertThat(LegacyFlags.rewrite(List.of("--add-account", "a", "--mode", "console"), notes))
                .containsExactly("add", "a", "--provider", "anthropic");
        assertThat(LegacyFlags.rewrite(List.of("--add-account", "a", "--provider", "openai", "--mode", "max"), notes))
                .containsExactly("add", "a", "--provider", "openai");
        assertThat(LegacyFlags.rewrite(List.of("--logs=7"), notes)).containsExactly("logs", "-n", "7");
        assertThat(notes).hasSize(1);
    }
}

package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageTest {

    final Cli cli = new Cli(Path.of("/tmp/ccflarectl-test-no-such.sock"));

    @Test
    void helpListsEveryCommandAndExitsZero() {
        var r = cli.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("status", "list", "add", "remove", "pause", "resume", "rename", "priority", "stats",
                "requests", "logs", "reset-stats", "clear-history", "analyze", "config", "dashboard", "--socket", "--json",
                "Exit status");
    }

    @Test
    void subcommandHelpWorks() {
        var r = cli.run("add", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--api-key-file", "--api-key-stdin").doesNotContain("--api-key=");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        var r = cli.run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("ccflarectl ").doesNotContain("${");
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageError() {
        var r = cli.run("frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("ccflarectl: ").contains("--help");
        assertThat(cli.run("list", "--bogus").code()).isEqualTo(2);
        assertThat(cli.run("pause").code()).isEqualTo(2);
    }

    @Test
    void theOriginalsServerAndModelFlagsAreUsageErrors() {
        assertThat(cli.run("--serve").code()).isEqualTo(2);
        assertThat(cli.run("--get-model").code()).isEqualTo(2);
    }

    @Test
    void noCommandAtAllPrintsUsageAndIsAUsageError() {
        var r = cli.run();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: ccflarectl");
    }

    @Test
    void withoutSocketOptionEveryPlaceOfTheSharedRuleIsTriedAndTheDbOptionMovesOne() {
        var r = cli.env(Map.of("HOME", "/home/u", "XDG_RUNTIME_DIR", "/run/user/1")).runRaw("--db", "/srv/cc/ccflare.db", "list");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("/run/user/1/ccflare/ccflare.sock  (socket missing)", "/srv/cc/run/ccflare.sock  (socket missing)")
                .doesNotContain("/home/u");
    }

    @Test
    void displayFormatsMatchTheOriginalUi() {
        assertThat(Display.cost(0.0123)).isEqualTo("$0.0123");
        assertThat(Display.cost(0)).isEqualTo("$0.0000");
        assertThat(Display.duration(123)).isEqualTo("123ms");
        assertThat(Display.duration(1234)).isEqualTo("1.2s");
        assertThat(Display.duration(90_000)).isEqualTo("1.5m");
        assertThat(Display.duration(5_400_000)).isEqualTo("1.5h");
        assertThat(Display.count(1234567)).isEqualTo("1,234,567");
        assertThat(Display.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Display.span(Duration.ofMinutes(125))).isEqualTo("2h 5m");
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        assertThat(Display.relative(now.minusSeconds(2), now)).isEqualTo("just now");
        assertThat(Display.relative(now.minusSeconds(42), now)).isEqualTo("42s ago");
        assertThat(Display.relative(now.minusSeconds(3 * 3600), now)).isEqualTo("3h ago");
        assertThat(Display.relative(now.plusSeconds(300), now)).isEqualTo("in 5m");
    }
}

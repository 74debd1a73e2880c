package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageTest {

    final Cli cli = new Cli(Path.of("/tmp/ccflarectl-test-no-such.sock"));

    @Test
    void helpListsEveryCommandAndExitsZero() {
        var r = cli.run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("status", "list", "add", "remove", "pause", "resume", "rename", "priority", "stats",
                "requests", "logs", "reset-stats", "clear-history", "analyze", "import", "config", "dashboard", "--socket", "--json",
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
    void aOneShotCommandLineHoldsOnlyTheCommandItRuns() {
        assertThat(CtlCommand.commandLine(new CtlCommand(), List.of("--socket", "/s", "list")).getSubcommands()).containsOnlyKeys("list", "ls");
        assertThat(CtlCommand.commandLine(new CtlCommand(), List.of("--version")).getSubcommands()).isEmpty();
        assertThat(CtlCommand.commandLine(new CtlCommand(), List.of("-V")).getSubcommands()).isEmpty();
        // The help lists every command, with or without the version flag beside it.
        assertThat(commands(List.of("--version", "--help"))).isEqualTo(CtlCommand.COMMANDS.size());
        assertThat(commands(List.of())).isEqualTo(CtlCommand.COMMANDS.size());
        assertThat(commands(List.of("help", "list"))).isEqualTo(CtlCommand.COMMANDS.size());
    }

    /** The commands (not their names: aliases and the hidden completion helper share one) of the model for {@code args}. */
    private static long commands(List<String> args) {
        return CtlCommand.commandLine(new CtlCommand(), args).getSubcommands().values().stream()
                .map(c -> c.getCommandSpec().userObject().getClass()).distinct().count();
    }

    @Test
    void theVersionFlagWithACommandStillRunsThatCommandsParser() {
        // "-V" after a command word is that command's (inherited) version option; the word decides the model.
        var r = cli.run("list", "--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("ccflarectl ");
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
        var serve = cli.run("--serve");
        assertThat(serve.code()).isEqualTo(2);
        assertThat(serve.err()).startsWith("ccflarectl: --serve ").contains("run 'ccflare'");
        assertThat(cli.run("--json", "--serve").err()).contains("run 'ccflare'");
        assertThat(cli.run("--get-model").code()).isEqualTo(2);
    }

    @Test
    void helpShowsEachCommandsOwnDescription() {
        var r = cli.run("--help");
        assertThat(r.out()).containsPattern("(?m)^  status +Whether the daemon is up and healthy")
                .containsPattern("(?m)^  list, ls +List the accounts")
                .containsPattern("(?m)^  reset-stats +Delete every recorded request")
                .containsPattern("(?m)^  tui +A full-screen terminal UI");
        // The summary appears once, at the top, not once per command.
        assertThat(r.out().split("Administer a running ccflare daemon", -1)).hasSize(2);
        assertThat(cli.run("requests", "--help").out()).containsPattern("(?m)^  show +One request in full");
    }

    @Test
    void theEnvironmentSectionWrapsWithItsExplanationsIndented() {
        var r = cli.run("--help");
        List<String> env = r.out().lines().dropWhile(l -> !l.equals("Environment:")).skip(1).toList();
        assertThat(env).first().asString().startsWith("  CCFLARE_SOCKET_PATH ");
        int column = env.getFirst().indexOf("the socket");
        // Every wrapped line continues under the explanation column, none starts at the margin.
        List<String> continuations = env.stream().filter(l -> !l.startsWith("  CCFLARE_") && !l.startsWith("  HOME")
                && !l.startsWith("  NO_COLOR")).toList();
        assertThat(continuations).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith(" ".repeat(column)));
        assertThat(env).anySatisfy(l -> assertThat(l).startsWith("  CCFLARE_DB_PATH "))
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(Math.max(80, column + 60)));
    }

    @Test
    void anUnknownCommandIsNamedWithTheClosestCommand() {
        var r = cli.run("stauts");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("ccflarectl: unknown command 'stauts'; did you mean 'status'?\nTry 'ccflarectl --help'.\n");
        assertThat(cli.run("reqests").err()).startsWith("ccflarectl: unknown command 'reqests'; did you mean 'requests'?");
        assertThat(cli.run("config", "gte").err()).startsWith("ccflarectl: unknown command 'gte' of 'ccflarectl config'; did you mean 'get'?");
        assertThat(cli.run("frobnicate").err()).startsWith("ccflarectl: unknown command 'frobnicate'\n");
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

package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Shell completion: the hidden {@code __complete} command against a daemon, and the three scripts
 * run by the real shells (bash, zsh and fish, which scripts/test.sh installs) with a stand-in
 * {@code ccflarectl} on the PATH that answers {@code __complete} as the real one would.
 */
class CompletionTest extends AgainstFakeDaemon {

    @TempDir Path dir;

    @Test
    void completeAccountsPrintsTheDaemonsNamesSortedAndNothingWithoutADaemon() {
        daemon.on("GET /api/accounts", 200, Samples.ACCOUNTS);
        var r = cli.run("__complete", "accounts");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().toList()).containsExactly("personal-max", "team", "work");
        daemon.on("GET /api/config", 200, "{\"port\":8080,\"data_retention_days\":7,\"log_level\":\"INFO\"}");
        assertThat(cli.run("__complete", "settings").out().lines().toList()).containsExactly("data_retention_days", "log_level", "port");
        var none = new Cli(dir.resolve("nothing.sock")).run("__complete", "accounts");
        assertThat(none.code()).isZero();
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).isEmpty();
        assertThat(cli.run("__complete", "frobs").code()).isEqualTo(ExitCode.USAGE.code);
    }

    @Test
    void completeIsNotInTheHelpOrTheManPage() {
        var help = cli.run("--help");
        assertThat(help.out() + help.err()).doesNotContain("__complete");
        assertThat(ManPage.render(CtlCommand.commandLine(new CtlCommand()).getCommandSpec())).doesNotContain("__complete");
    }

    /** A stand-in ccflarectl that knows three accounts, one with a space in its name, and two settings. */
    private Path fakeCtl() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path ctl = bin.resolve("ccflarectl");
        Files.writeString(ctl, """
                #!/bin/sh
                [ "$1" = __complete ] || exit 2
                case $2 in
                  accounts) printf 'personal-max\\nwork\\nwork key\\n' ;;
                  settings) printf 'data_retention_days\\nlog_level\\n' ;;
                esac
                """);
        Files.setPosixFilePermissions(ctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private Path script(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String run(Path bin, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void bashCompletesAccountNamesFromTheDaemonOneWordEach() throws Exception {
        Path bin = fakeCtl();
        Path s = script("ccflarectl.bash", ShellScripts.bash(CtlCommand.commandLine(new CtlCommand())));
        String probe = "source " + s + "\n"
                + "ask() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE};"
                + " COMPREPLY=(); _complete_ccflarectl ccflarectl \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\" 2>/dev/null;"
                + " printf '[%s]' \"${COMPREPLY[@]}\"; echo; }\n"
                + "ask ccflarectl pause ''\n"
                + "ask ccflarectl requests --account w\n"
                + "ask ccflarectl config set ''\n"
                + "ask ccflarectl add x --provider ''\n"
                + "ask ccflarectl pa\n";
        List<String> lines = run(bin, "bash", "-c", probe).lines().toList();
        assertThat(lines.get(0)).contains("[personal-max]", "[work]").containsAnyOf("[work key]", "[work\\ key]");
        assertThat(lines.get(1)).contains("[work]").doesNotContain("personal-max");
        assertThat(lines.get(2)).contains("[data_retention_days]", "[log_level]");
        assertThat(lines.get(3)).contains("[anthropic]", "[codex]");
        assertThat(lines.get(4)).contains("[pause]");
    }

    @Test
    void fishCompletesCommandsProvidersAndAccountNames() throws Exception {
        Path bin = fakeCtl();
        Path s = script("ccflarectl.fish", ShellScripts.fish(CtlCommand.commandLine(new CtlCommand()).getCommandSpec()));
        assertThat(run(bin, "fish", "-n", s.toString())).isEmpty();
        String out = run(bin, "fish", "-c", "source " + s + "; complete -C 'ccflarectl pause '; echo ---;"
                + " complete -C 'ccflarectl add x --provider '; echo ---; complete -C 'ccflarectl re'; echo ---;"
                + " complete -C 'ccflarectl config get '");
        String[] parts = out.split("---\n");
        assertThat(parts[0].lines().map(l -> l.split("\t")[0]).toList()).contains("personal-max", "work", "work key");
        assertThat(parts[1]).contains("anthropic", "claude-code", "codex", "openai");
        assertThat(parts[2].lines().map(l -> l.split("\t")[0]).toList()).contains("remove", "rename", "requests", "reset-stats", "resume");
        assertThat(parts[3]).contains("data_retention_days", "log_level");
    }

    @Test
    void zshScriptIsValidAndDescribesEveryCommand() throws Exception {
        Path bin = fakeCtl();
        CommandLine cl = CtlCommand.commandLine(new CtlCommand());
        String text = ShellScripts.zsh(cl.getCommandSpec());
        Path s = script("_ccflarectl", text);
        assertThat(run(bin, "zsh", "-n", s.toString())).isEmpty();
        List<String> missing = new ArrayList<>();
        for (var c : ShellScripts.commands(cl.getCommandSpec())) if (!text.contains("'" + c.name() + ":")) missing.add(c.name());
        assertThat(missing).as("commands without a description in the zsh script").isEmpty();
        assertThat(text).contains("_ccflarectl_asked accounts", "_ccflarectl_asked settings", "(anthropic openai claude-code codex)")
                .doesNotContain("__complete:");
        // The names helper, run by zsh itself, splits the daemon's answer into one name a line.
        String names = run(bin, "zsh", "-c", "names=(${(f)\"$(ccflarectl __complete accounts 2>/dev/null)\"}); print -l -- $names; print $#names");
        assertThat(names.lines().toList()).containsExactly("personal-max", "work", "work key", "3");
    }
}

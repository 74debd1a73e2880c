package ccflare.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * Build-time generator ({@code exec-maven-plugin}, phase {@code process-classes}; public only so
 * the plugin can call it): writes the completion scripts ({@link ShellScripts}: {@code
 * completion/ccflarectl} for bash, {@code completion/_ccflarectl} for zsh, {@code
 * completion/ccflarectl.fish} for fish), and
 * {@code man/ccflarectl.1} with {@link ManPage}, under the given directory. Any failure fails
 * the build instead of leaving a file out.
 */
public final class GeneratedFiles {

    private GeneratedFiles() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("args: " + List.of(args) + " (expected: the target directory)");
        Path target = Path.of(args[0]);
        CommandLine cl = CtlCommand.commandLine(new CtlCommand());
        write(target.resolve("completion/ccflarectl"), ShellScripts.bash(cl));
        write(target.resolve("completion/_ccflarectl"), ShellScripts.zsh(cl.getCommandSpec()));
        write(target.resolve("completion/ccflarectl.fish"), ShellScripts.fish(cl.getCommandSpec()));
        write(target.resolve("man/ccflarectl.1"), ManPage.render(cl.getCommandSpec()));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}

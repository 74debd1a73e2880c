package ccflare.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Build-time generator ({@code exec-maven-plugin}, phase {@code process-classes}; public only so
 * the plugin can call it): writes {@code completion/ccflarectl} (bash completion, also loadable
 * by zsh through {@code bashcompinit}) with picocli's {@link AutoComplete}, and
 * {@code man/ccflarectl.1} with {@link ManPage}, under the given directory. Any failure fails
 * the build instead of leaving a file out.
 */
public final class GeneratedFiles {

    private GeneratedFiles() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("args: " + List.of(args) + " (expected: the target directory)");
        Path target = Path.of(args[0]);
        CommandLine cl = CtlCommand.commandLine(new CtlCommand());
        write(target.resolve("completion/ccflarectl"), AutoComplete.bash("ccflarectl", cl));
        write(target.resolve("man/ccflarectl.1"), ManPage.render(cl.getCommandSpec()));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}

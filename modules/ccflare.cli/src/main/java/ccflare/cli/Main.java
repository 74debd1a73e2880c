package ccflare.cli;

import ccflare.protocol.DaemonLocations;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code ccflarectl} entry point. {@link #run(String[], InputStream, PrintStream, PrintStream)}
 * does everything but {@code System.exit}, so tests run the real command line in-process.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        // Jetty logs through SLF4J; the CLI ships no provider, and SLF4J's "no providers" notice is noise here.
        if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
        int code = run(args, System.in, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs one command line against the daemon and returns the exit code (see {@link ExitCode}).
     * A person counts as present (confirmations are asked, colours used) only when {@code in} and
     * {@code out} are the process's own streams and those are a terminal.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), in, out, err);
    }

    /**
     * As {@link #run(String[], InputStream, PrintStream, PrintStream)}, in the environment {@code env}
     * instead of the process's (as the daemon's {@code launch} takes one), so a test can give both
     * the same HOME, database and runtime directory.
     */
    public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        java.io.Console console = System.console();
        boolean terminal = in == System.in && out == System.out && console != null && console.isTerminal();
        String noColor = env.get("NO_COLOR");
        boolean colour = terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
        // $HOME as the daemon reads it, not user.home (the passwd entry): under sudo or in a container they differ.
        Io io = new Io(in, out, err, env, DaemonLocations.home(env), InstantSource.system(), terminal, colour);
        return run(args, io);
    }

    /**
     * "unknown command 'x'" with the closest command (picocli's own suggestion), when the first
     * argument picocli could not match is a word where a command of {@code ex}'s command belongs.
     */
    private static java.util.Optional<String> unknownCommand(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u)) return java.util.Optional.empty();
        CommandLine cmd = u.getCommandLine();
        if (cmd.getSubcommands().isEmpty() || u.getUnmatched().isEmpty()) return java.util.Optional.empty();
        String word = u.getUnmatched().getFirst();
        if (word.startsWith("-")) return java.util.Optional.empty();
        // Only for a command that takes no words of its own: there a stray word can only be a command.
        if (!cmd.getCommandSpec().positionalParameters().isEmpty()) return java.util.Optional.empty();
        String where = cmd.getCommandSpec().parent() == null ? "" : " of '" + cmd.getCommandSpec().qualifiedName() + "'";
        return java.util.Optional.of("unknown command '" + word + "'" + where
                + closest(word, cmd.getSubcommands().keySet()).map(c -> "; did you mean '" + c + "'?").orElse(""));
    }

    /**
     * The command name nearest to {@code word} by edit distance (a swap of two neighbours counts as
     * one edit), when it is near enough to be a typo: picocli's own suggestion ranks by shared
     * letter pairs and offers {@code stats} for {@code stauts} and for {@code frobnicate}.
     */
    static java.util.Optional<String> closest(String word, java.util.Collection<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = editDistance(word, name);
            boolean better = d < bestDistance
                    || d == bestDistance && Math.abs(name.length() - word.length()) < Math.abs(best.length() - word.length());
            if (better) {
                best = name;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, word.length() / 3) ? java.util.Optional.of(best) : java.util.Optional.empty();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /** Runs with everything given, for tests that need a terminal, an environment or a clock of their own. */
    static int run(String[] args, Io io) {
        List<String> notes = new ArrayList<>();
        List<String> rewritten = LegacyFlags.rewrite(Arrays.asList(args), notes);
        for (String note : notes) io.err().println("ccflarectl: " + note);
        var refusal = LegacyFlags.refusal(rewritten);
        if (refusal.isPresent()) {
            io.err().println("ccflarectl: " + refusal.get());
            return ExitCode.USAGE.code;
        }

        CtlCommand root = new CtlCommand();
        root.attach(io);
        CommandLine cl = CtlCommand.commandLine(root, rewritten);
        CtlCommand.addEnvironmentSection(cl);
        cl.setOut(new PrintWriter(io.out(), true));
        cl.setErr(new PrintWriter(io.err(), true));
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(io.colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setExitCodeExceptionMapper(t -> t instanceof Failure f ? f.exitCode().code : ExitCode.FAILED.code);
        cl.setParameterExceptionHandler((ex, argv) -> {
            PrintWriter w = ex.getCommandLine().getErr();
            w.println("ccflarectl: " + unknownCommand(ex).orElse(ex.getMessage()));
            w.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.USAGE.code;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof Failure f) {
                // The unreachable sentence already starts with the program name.
                io.err().println(f.exitCode() == ExitCode.UNREACHABLE ? f.getMessage() : "ccflarectl: " + f.getMessage());
                return f.exitCode().code;
            }
            if (ex instanceof ccflare.protocol.Json.BadJsonException) {
                io.err().println("ccflarectl: the daemon answered something that is not the JSON expected (" + ex.getMessage() + ")");
                return ExitCode.FAILED.code;
            }
            io.err().println("ccflarectl: unexpected error: " + ex);
            return ExitCode.FAILED.code;
        });
        try {
            return cl.execute(rewritten.toArray(String[]::new));
        } finally {
            io.out().flush();
            root.close();
        }
    }
}

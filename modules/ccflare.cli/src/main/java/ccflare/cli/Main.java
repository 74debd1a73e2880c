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

    /** Runs with everything given, for tests that need a terminal, an environment or a clock of their own. */
    static int run(String[] args, Io io) {
        List<String> notes = new ArrayList<>();
        List<String> rewritten = LegacyFlags.rewrite(Arrays.asList(args), notes);
        for (String note : notes) io.err().println("ccflarectl: " + note);

        CtlCommand root = new CtlCommand();
        root.attach(io);
        CommandLine cl = new CommandLine(root);
        cl.setOut(new PrintWriter(io.out(), true));
        cl.setErr(new PrintWriter(io.err(), true));
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(io.colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setExitCodeExceptionMapper(t -> t instanceof Failure f ? f.exitCode().code : ExitCode.FAILED.code);
        cl.setParameterExceptionHandler((ex, argv) -> {
            PrintWriter w = ex.getCommandLine().getErr();
            w.println("ccflarectl: " + ex.getMessage());
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

package ccflare.cli;

import ccflare.protocol.DaemonLocations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code ccflarectl} command: the global options and the list of subcommands. It has a no-arg
 * constructor so the build's code generators (completion script, man pages) can instantiate it;
 * {@link Main} hands it the {@link Io} before running.
 */
@Command(name = "ccflarectl",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = CtlCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        // No header: with INHERIT scope every subcommand would inherit it, and the command list
        // shows a command's header before its description (each command then read the same).
        description = {
                CtlCommand.SUMMARY,
                "",
                "ccflarectl talks HTTP to the ccflare daemon's admin socket. The socket's directory permissions"
                        + " decide who may use it; no token is needed.",
                "",
                "The original ccflare's flags (--list, --add-account NAME, --remove NAME, --pause NAME,"
                        + " --resume NAME, --stats, --logs [N], --reset-stats, --clear-history, --analyze)"
                        + " are accepted as aliases of the subcommands."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:success",
                "1:the operation failed (the daemon's error message is printed)",
                "2:usage error (bad arguments, or a confirmation that cannot be asked)",
                "3:no daemon answers at the socket"})
final class CtlCommand implements Callable<Integer> {

    /** What ccflarectl is, in one line: the first line of the help and the man page's NAME. */
    static final String SUMMARY = "Administer a running ccflare daemon over its Unix socket.";

    /**
     * The subcommands, in the order of the help's command list. Not in {@code @Command(subcommands)}:
     * picocli builds a command's whole model by reflection when it is added, and a one-shot command
     * only needs its own ({@link #commandLine(CtlCommand, List)}); the help, the man page and the
     * completion script get them all.
     */
    static final List<Class<?>> COMMANDS = List.of(
            DaemonCommands.Status.class,
            AccountCommands.ListAccounts.class,
            AccountCommands.Add.class,
            AccountCommands.Remove.class,
            AccountCommands.Pause.class,
            AccountCommands.Resume.class,
            AccountCommands.Rename.class,
            AccountCommands.Priority.class,
            KeyCommands.Keys.class,
            TrafficCommands.Stats.class,
            TrafficCommands.Requests.class,
            TrafficCommands.Logs.class,
            TrafficCommands.ResetStats.class,
            TrafficCommands.ClearHistory.class,
            DaemonCommands.Analyze.class,
            ImportCommand.class,
            DaemonCommands.Config.class,
            DaemonCommands.Dashboard.class,
            TuiCommand.class,
            Completion.class,
            CommandLine.HelpCommand.class);

    /**
     * The command line for {@code args}: when the first word is one of {@link #COMMANDS}' names
     * (other than {@code help}), the root with only that command; when there is no word and the
     * version is asked for (without the help), the root alone; else the root with all of them.
     */
    static CommandLine commandLine(CtlCommand root, List<String> args) {
        CommandLine cl = new CommandLine(root);
        Optional<String> word = firstWord(args);
        Optional<Class<?>> only = word.filter(w -> !w.equals("help")).flatMap(CtlCommand::command);
        if (only.isEmpty() && word.isEmpty() && versionOnly(args)) return cl;
        for (Class<?> c : only.map(List::<Class<?>>of).orElse(COMMANDS)) cl.addSubcommand(c);
        return cl;
    }

    /** Whether {@code args} ask for the version and not the help, which lists every command. */
    private static boolean versionOnly(List<String> args) {
        return (args.contains("-V") || args.contains("--version")) && !args.contains("-h") && !args.contains("--help");
    }

    /** All commands: for the help, the man page and the completion script. */
    static CommandLine commandLine(CtlCommand root) {
        return commandLine(root, List.of());
    }

    /** The first argument that is not an option or the value of one of the root's options. */
    private static Optional<String> firstWord(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--socket") || a.equals("--db")) i++;
            else if (!a.startsWith("-")) return Optional.of(a);
            else if (!a.startsWith("--socket=") && !a.startsWith("--db=") && !a.equals("--json")) return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Class<?>> command(String name) {
        for (Class<?> c : COMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (command != null && (command.name().equals(name) || List.of(command.aliases()).contains(name))) return Optional.of(c);
        }
        return Optional.empty();
    }

    /** The environment variables ccflarectl reads, for the help's and the man page's Environment section. */
    static final Map<String, String> ENVIRONMENT = environment();

    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CCFLARE_SOCKET_PATH", "the socket when --socket is not given; else the first that answers of"
                + " the config file's socket_path, $RUNTIME_DIRECTORY/ccflare.sock, $XDG_RUNTIME_DIR/ccflare/ccflare.sock, run/ccflare.sock beside the"
                + " database, and /run/ccflare/ccflare.sock (the system service)");
        env.put("CCFLARE_DB_PATH", "the daemon's database when --db is not given; else the config file's db_path,"
                + " else $STATE_DIRECTORY/ccflare.db,"
                + " else $XDG_DATA_HOME/ccflare/ccflare.db, else $HOME/.local/share/ccflare/ccflare.db");
        env.put("CCFLARE_CONFIG_PATH", "the daemon's config file, whose db_path and socket_path are honoured; else"
                + " $XDG_CONFIG_HOME/ccflare/ccflare.json, else $HOME/.config/ccflare/ccflare.json");
        env.put("HOME", "read as the daemon reads it (not the passwd entry, which differs under sudo)");
        env.put("NO_COLOR", "no colours even on a terminal");
        return java.util.Collections.unmodifiableMap(env);
    }

    /** The help section key of {@link #ENVIRONMENT}, after the exit status. */
    static final String SECTION_ENVIRONMENT = "environment";

    /**
     * Adds the Environment section to the root command's help, as a picocli text table (the
     * explanations wrap to the terminal width, indented under their column).
     */
    static void addEnvironmentSection(CommandLine cl) {
        endExitStatusWithNewline(cl);
        CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        List<String> keys = new java.util.ArrayList<>(usage.sectionKeys());
        keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST) + 1, SECTION_ENVIRONMENT);
        usage.sectionKeys(keys);
        Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
        sections.put(SECTION_ENVIRONMENT, help -> help.createHeading("%nEnvironment:%n") + help.createTextTable(ENVIRONMENT));
        usage.sectionMap(sections);
    }

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The daemon's admin socket (default: $CCFLARE_SOCKET_PATH, else the first that answers of"
                    + " $XDG_RUNTIME_DIR/ccflare/ccflare.sock, run/ccflare.sock beside the database, /run/ccflare/ccflare.sock).")
    Path socket;

    @Option(names = "--db", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The database the daemon was started with (its --db or $CCFLARE_DB_PATH):"
                    + " the socket is looked for beside it. Never opened.")
    Path database;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the API's JSON as it is, for scripts (jq).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private Io io;
    private DaemonClient client;

    void attach(Io io) { this.io = io; }

    Io io() {
        if (io == null) throw new IllegalStateException("io: not attached (Main.run attaches it before executing)");
        return io;
    }

    /** Where to look for the daemon: {@code --socket}, else the shared rule of {@link DaemonLocations#socketCandidates}. */
    List<Path> socketPlaces() {
        if (socket != null) return List.of(socket);
        Path home = io().home();
        Optional<Path> db = Optional.ofNullable(database)
                .map(d -> Path.of(DaemonLocations.expandHome(d.toString(), home)).toAbsolutePath().normalize());
        return DaemonLocations.socketCandidates(io().env(), home, db);
    }

    /** The one socket to use (the TUI's): the first place that answers now, else the first place. */
    Path socketPath() {
        List<Path> places = socketPlaces();
        return DaemonClient.firstAnswering(places).orElse(places.getFirst());
    }

    DaemonClient daemon() {
        if (client == null) client = new DaemonClient(socketPlaces());
        return client;
    }

    void close() {
        if (client != null) client.close();
    }

    /** picocli's exit code list, the last section of a subcommand's help, ends without a newline. */
    private static void endExitStatusWithNewline(CommandLine cl) {
        CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        Map<String, CommandLine.IHelpSectionRenderer> sections = new LinkedHashMap<>(usage.sectionMap());
        CommandLine.IHelpSectionRenderer list = sections.get(CommandLine.Model.UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST);
        if (list != null) {
            sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST, help -> {
                String text = list.render(help);
                return text.isEmpty() || text.endsWith("\n") ? text : text + System.lineSeparator();
            });
            usage.sectionMap(sections);
        }
        for (CommandLine sub : cl.getSubcommands().values()) endExitStatusWithNewline(sub);
    }

    /** Without a subcommand there is nothing to do: show the usage and report a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(io().err());
        return ExitCode.USAGE.code;
    }

    /** The version from the build ({@code version.properties}, filtered by Maven). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ccflarectl " + version()};
        }

        static String version() {
            try (InputStream in = CtlCommand.class.getResourceAsStream("version.properties")) {
                if (in == null) return "unknown";
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "unknown");
                return v.contains("${") ? "unknown" : v;
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}

package ccflare.server;

import ccflare.core.Version;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the command line asks for. The daemon takes a handful of {@code --key value} flags and
 * nothing else, so this is a small loop rather than picocli: picocli belongs to {@code ccflarectl},
 * and pulling it (and its reflective {@code opens}) into the daemon for six flags would cost more
 * start-up time and module wiring than the loop it replaces.
 */
sealed interface Invocation {

    /** Start the daemon with these flags ({@code --port} → {@code 8080}). */
    record Run(Map<String, String> flags) implements Invocation {
        public Run { flags = Map.copyOf(flags); }
    }

    /** Print the usage and exit 0. */
    record Help() implements Invocation {}

    /** Print {@code ccflare <version>} and exit 0. */
    record ShowVersion() implements Invocation {}

    /**
     * Parses {@code --key value}, {@code --key=value}, {@code --help}/{@code -h} and {@code --version}/{@code -V}.
     *
     * @throws StartupException exit code 2, for an unknown flag, a missing value or a stray argument
     */
    static Invocation parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> { return new Help(); }
                case "--version", "-V" -> { return new ShowVersion(); }
                default -> { }
            }
            if (!arg.startsWith("--")) throw usage("unexpected argument '" + arg + "'");
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (ConfigKeys.ALL.stream().noneMatch(k -> k.flag().equals(name))) throw usage("unknown option " + name);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw usage("option " + name + " needs a value");
            }
            if (flags.put(name, value) != null) throw usage("option " + name + " given twice");
        }
        return new Run(flags);
    }

    /** The {@code --help} text, derived from the key table. */
    static String usageText() {
        StringBuilder b = new StringBuilder();
        b.append("Usage: ccflare [OPTIONS]\n\n")
                .append("ccflare ").append(Version.current())
                .append(" - a multi-account proxy for Claude Code, Codex and the Anthropic/OpenAI APIs.\n\n")
                .append("Options (a flag wins over the environment, which wins over the config file):\n");
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            if (!k.hasFlag()) continue;
            b.append(String.format("  %-20s %s%n", k.flag() + " <value>", k.description()));
            b.append(String.format("  %-20s (%s; env %s; default %s)%n", "", k.parser().expectation(), k.env(),
                    k.defaultDoc().replace("`", "")));
        }
        b.append(String.format("  %-20s %s%n", "-h, --help", "Print this help and exit."));
        b.append(String.format("  %-20s %s%n", "-V, --version", "Print the version and exit."));
        b.append("\nEvery setting, its environment variable and its config file key: docs/configuration.md\n")
                .append("Exit codes: 0 stopped cleanly, 1 failed while running, 2 bad configuration or usage.\n");
        return b.toString();
    }

    private static StartupException usage(String problem) {
        return new StartupException(2, "ccflare: " + problem + " (see ccflare --help)", null);
    }
}

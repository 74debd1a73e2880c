package ccflare.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Accepts the original ccflare's flags ({@code --list}, {@code --pause NAME}, {@code --logs 50}…)
 * by rewriting them into the subcommands before picocli parses, so muscle memory and old scripts
 * keep working. Only the first argument after the global options is looked at; anything else is
 * left to picocli.
 */
final class LegacyFlags {

    /** Flag → subcommand. */
    private static final Map<String, String> SIMPLE = Map.ofEntries(
            Map.entry("--add-account", "add"),
            Map.entry("--list", "list"),
            Map.entry("--remove", "remove"),
            Map.entry("--pause", "pause"),
            Map.entry("--resume", "resume"),
            Map.entry("--reset-stats", "reset-stats"),
            Map.entry("--clear-history", "clear-history"),
            Map.entry("--analyze", "analyze"),
            Map.entry("--stats", "stats"),
            Map.entry("--logs", "logs"));

    /** Flags of the original that are not ccflarectl's business → what to do instead. */
    private static final Map<String, String> REFUSED = Map.of(
            "--serve", "--serve is the original's way to start the proxy; here the daemon is its own command:"
                    + " run 'ccflare' (see 'ccflare --help'), then use ccflarectl to administer it");

    private LegacyFlags() {}

    /** Why the command line cannot run, when its first argument is an original flag with no counterpart here. */
    static java.util.Optional<String> refusal(List<String> args) {
        int at = firstCommandIndex(args);
        return at < 0 ? java.util.Optional.empty() : java.util.Optional.ofNullable(REFUSED.get(flagName(args.get(at))));
    }

    /**
     * The arguments with a leading legacy flag replaced by its subcommand. {@code notes} receives
     * one line per flag that was dropped as meaningless here.
     */
    static List<String> rewrite(List<String> args, List<String> notes) {
        int at = firstCommandIndex(args);
        if (at < 0 || !SIMPLE.containsKey(flagName(args.get(at)))) return args;
        String flag = flagName(args.get(at));
        List<String> out = new ArrayList<>(args.subList(0, at));
        out.add(SIMPLE.get(flag));
        List<String> rest = new ArrayList<>(args.subList(at + 1, args.size()));
        String inlineValue = inlineValue(args.get(at));
        if (inlineValue != null) rest.addFirst(inlineValue);
        switch (flag) {
            case "--logs" -> {
                // --logs [N]: the optional count becomes -n N.
                if (!rest.isEmpty() && rest.getFirst().matches("\\d+")) {
                    out.add("-n");
                    out.add(rest.removeFirst());
                }
            }
            case "--add-account" -> rest = addAccount(rest, notes);
            default -> { }
        }
        out.addAll(rest);
        return out;
    }

    /** {@code --mode max} meant a Claude subscription (OAuth); without --provider that is the original's default. */
    private static List<String> addAccount(List<String> rest, List<String> notes) {
        List<String> out = new ArrayList<>();
        String provider = null;
        boolean explicit = false;
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            String name = flagName(a);
            String value = inlineValue(a);
            if ((name.equals("--mode") || name.equals("--tier")) && value == null && i + 1 < rest.size()) value = rest.get(++i);
            switch (name) {
                case "--mode" -> {
                    if ("console".equals(value)) {
                        provider = "anthropic";
                        notes.add("--mode console: console accounts are Anthropic API-key accounts here"
                                + " (--provider anthropic); pass the key with --api-key-file or --api-key-stdin");
                    } else {
                        provider = "claude-code";
                    }
                }
                case "--tier" -> notes.add("--tier is ignored: rate limits are read from the provider's headers");
                default -> {
                    if (name.equals("--provider")) explicit = true;
                    out.add(a);
                }
            }
        }
        if (!explicit) {
            if (provider == null) provider = "claude-code";
            out.add("--provider");
            out.add(provider);
        }
        return out;
    }

    /** Index of the first argument that is not a global option (or its value), -1 when none. */
    private static int firstCommandIndex(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--json")) continue;
            if (a.equals("--socket") || a.equals("--db")) {
                i++;
                continue;
            }
            if (a.startsWith("--socket=") || a.startsWith("--db=")) continue;
            return i;
        }
        return -1;
    }

    private static String flagName(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
    }

    private static String inlineValue(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--") && eq > 0 ? arg.substring(eq + 1) : null;
    }
}

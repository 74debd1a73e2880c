package ccflare.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The completion scripts of {@code ccflarectl}, from picocli's model of the commands: bash by
 * picocli's own {@link AutoComplete} (with the account and setting names asked of the daemon at
 * Tab time instead of fixed at build time), and native zsh and fish scripts written from the same
 * model, so the three offer the same commands, options, providers, account names and settings.
 */
final class ShellScripts {

    private ShellScripts() {}

    /**
     * picocli writes a parameter's candidates as a bash array of quoted words; for {@link
     * Completion.Accounts} and {@link Completion.Settings} the one word is the command
     * substitution, which would arrive as one word holding every name. Read it line by line instead.
     */
    private static final Pattern ASKED = Pattern.compile(
            "local (\\w+)=\\(\"\\$\\(ccflarectl __complete (\\w+) 2>/dev/null\\)\"\\)");

    static String bash(CommandLine cl) {
        String script = AutoComplete.bash("ccflarectl", cl);
        Matcher m = ASKED.matcher(script);
        StringBuilder out = new StringBuilder();
        int replaced = 0;
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(
                    "local " + m.group(1) + "; mapfile -t " + m.group(1) + " < <(ccflarectl __complete " + m.group(2) + " 2>/dev/null)"));
            replaced++;
        }
        m.appendTail(out);
        if (replaced == 0) throw new IllegalStateException("bash completion: picocli's script no longer has the candidate arrays this rewrites");
        return out.toString();
    }

    /** What completes a parameter: the daemon's names, fixed words, file names, or nothing. */
    sealed interface Values {
        record Asked(String what) implements Values {}
        record Words(List<String> words) implements Values {}
        record Files() implements Values {}
        record Free() implements Values {}
    }

    static Values values(ArgSpec arg) {
        Iterable<String> c = arg.completionCandidates();
        if (c instanceof Completion.Accounts) return new Values.Asked("accounts");
        if (c instanceof Completion.Settings) return new Values.Asked("settings");
        if (c != null) {
            List<String> words = new ArrayList<>();
            c.forEach(words::add);
            if (!words.isEmpty()) return new Values.Words(words);
        }
        if (Path.class.isAssignableFrom(arg.type()) || java.io.File.class.isAssignableFrom(arg.type())) return new Values.Files();
        return new Values.Free();
    }

    /** The visible subcommands of {@code spec}, each once (aliases map to the same command). */
    static List<CommandSpec> commands(CommandSpec spec) {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandLine sub : spec.subcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (!s.usageMessage().hidden() && !out.contains(s)) out.add(s);
        }
        return out;
    }

    private static String firstLine(String[] description) {
        return description.length == 0 ? "" : description[0].replace("%n", " ").strip();
    }

    private static List<OptionSpec> visibleOptions(CommandSpec spec) {
        return spec.options().stream().filter(o -> !o.hidden()).toList();
    }

    // ---- zsh ----------------------------------------------------------------------------------

    static String zsh(CommandSpec root) {
        StringBuilder sb = new StringBuilder();
        sb.append("#compdef ccflarectl\n")
                .append("# zsh completion for ccflarectl, generated from its commands at build time (ccflare.cli.ShellScripts).\n")
                .append("# Account and setting names are asked of the running daemon when you press Tab.\n\n")
                .append("_ccflarectl_asked() {\n")
                .append("  local -a names\n")
                .append("  names=(${(f)\"$(ccflarectl __complete $1 2>/dev/null)\"})\n")
                .append("  _describe -t $1 $1 names\n")
                .append("}\n\n");
        zshFunction(sb, "_ccflarectl", root);
        sb.append("_ccflarectl \"$@\"\n");
        return sb.toString();
    }

    private static void zshFunction(StringBuilder sb, String name, CommandSpec spec) {
        List<CommandSpec> subs = commands(spec);
        List<String> nested = new ArrayList<>();
        sb.append(name).append("() {\n");
        sb.append("  local curcontext=\"$curcontext\" state line\n  typeset -A opt_args\n");
        sb.append("  _arguments -C -s \\\n");
        for (OptionSpec o : visibleOptions(spec)) sb.append("    ").append(zshOption(o)).append(" \\\n");
        if (!subs.isEmpty()) {
            sb.append("    '1: :->command' \\\n    '*:: :->argument'\n");
            sb.append("  case $state in\n    command)\n      local -a commands\n      commands=(\n");
            for (CommandSpec s : subs) {
                sb.append("        ").append(zshQuote(s.name() + ":" + firstLine(s.usageMessage().description()))).append('\n');
            }
            sb.append("      )\n      _describe -t commands command commands\n      ;;\n    argument)\n      case $line[1] in\n");
            for (CommandSpec s : subs) {
                List<String> names = new ArrayList<>(List.of(s.name()));
                names.addAll(List.of(s.aliases()));
                String fn = name + "_" + s.name().replace('-', '_');
                sb.append("        ").append(String.join("|", names)).append(") ").append(fn).append(" ;;\n");
                nested.add(fn);
            }
            sb.append("      esac\n      ;;\n  esac\n}\n\n");
            for (int i = 0; i < subs.size(); i++) zshFunction(sb, nested.get(i), subs.get(i));
            return;
        }
        List<PositionalParamSpec> positionals = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        for (PositionalParamSpec p : positionals) {
            int from = p.index().min() + 1;
            String label = p.paramLabel().replaceAll("[<>]", "").toLowerCase(Locale.ROOT);
            String action = zshAction(values(p));
            String spot = p.arity().max() > 1 || p.index().isUnspecified() && p.arity().isVariable() ? "*" : Integer.toString(from);
            sb.append("    ").append(zshQuote(spot + ":" + label + ":" + action)).append(" \\\n");
        }
        sb.setLength(sb.length() - 3); // the last " \\\n"
        sb.append("\n}\n\n");
    }

    private static String zshOption(OptionSpec o) {
        String help = firstLine(o.description()).replace("[", "(").replace("]", ")");
        String[] names = o.names();
        String group = names.length > 1 ? "(" + String.join(" ", names) + ")" : "";
        String which = names.length > 1 ? "{" + String.join(",", names) + "}" : names[0];
        String takes = o.typeInfo().isBoolean() || o.arity().max() == 0
                ? ""
                : ":" + o.paramLabel().replaceAll("[<>]", "").toLowerCase(Locale.ROOT) + ":" + zshAction(values(o));
        // {a,b} must stay outside the quotes for zsh's brace expansion.
        return (group.isEmpty() ? "" : zshQuote(group)) + which + zshQuote((names.length == 1 && !takes.isEmpty() && names[0].startsWith("--") ? "=" : "")
                + "[" + help + "]" + takes);
    }

    private static String zshAction(Values v) {
        return switch (v) {
            case Values.Asked a -> "_ccflarectl_asked " + a.what();
            case Values.Words w -> "(" + String.join(" ", w.words()) + ")";
            case Values.Files f -> "_files";
            case Values.Free f -> " ";
        };
    }

    private static String zshQuote(String s) { return "'" + s.replace("'", "'\\''") + "'"; }

    // ---- fish ---------------------------------------------------------------------------------

    static String fish(CommandSpec root) {
        StringBuilder sb = new StringBuilder();
        sb.append("# fish completion for ccflarectl, generated from its commands at build time (ccflare.cli.ShellScripts).\n")
                .append("# Account and setting names are asked of the running daemon when you press Tab.\n")
                .append("complete -c ccflarectl -f\n");
        for (OptionSpec o : visibleOptions(root)) sb.append(fishOption("", o));
        List<CommandSpec> subs = commands(root);
        String none = String.join(" ", subs.stream().flatMap(s -> java.util.stream.Stream.concat(
                java.util.stream.Stream.of(s.name()), java.util.stream.Stream.of(s.aliases()))).toList());
        for (CommandSpec s : subs) {
            sb.append("complete -c ccflarectl -n 'not __fish_seen_subcommand_from ").append(none).append("' -a ")
                    .append(s.name()).append(" -d ").append(fishQuote(firstLine(s.usageMessage().description()))).append('\n');
        }
        for (CommandSpec s : subs) fishCommand(sb, s, List.of(s.name()));
        return sb.toString();
    }

    private static void fishCommand(StringBuilder sb, CommandSpec spec, List<String> path) {
        List<String> names = new ArrayList<>(List.of(spec.name()));
        names.addAll(List.of(spec.aliases()));
        String condition = "__fish_seen_subcommand_from " + String.join(" ", names);
        List<CommandSpec> subs = commands(spec);
        if (!subs.isEmpty()) {
            for (CommandSpec s : subs) {
                sb.append("complete -c ccflarectl -n '").append(condition).append("' -a ").append(s.name()).append(" -d ")
                        .append(fishQuote(firstLine(s.usageMessage().description()))).append('\n');
            }
        }
        for (OptionSpec o : visibleOptions(spec)) {
            if (o.scopeType() == CommandLine.ScopeType.INHERIT && o.inherited()) continue; // the root's, offered everywhere
            sb.append(fishOption(condition, o));
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) continue;
            String args = fishArgs(values(p));
            if (!args.isEmpty()) sb.append("complete -c ccflarectl -n '").append(condition).append("'").append(args).append('\n');
        }
        for (CommandSpec s : subs) {
            List<String> sp = new ArrayList<>(path);
            sp.add(s.name());
            fishCommand(sb, s, sp);
        }
    }

    private static String fishOption(String condition, OptionSpec o) {
        StringBuilder line = new StringBuilder("complete -c ccflarectl");
        if (!condition.isEmpty()) line.append(" -n '").append(condition).append("'");
        for (String n : o.names()) {
            if (n.startsWith("--")) line.append(" -l ").append(n.substring(2));
            else if (n.startsWith("-") && n.length() == 2) line.append(" -s ").append(n.charAt(1));
        }
        boolean takes = !(o.typeInfo().isBoolean() || o.arity().max() == 0);
        if (takes) line.append(" -r").append(fishArgs(values(o)));
        line.append(" -d ").append(fishQuote(firstLine(o.description())));
        return line.append('\n').toString();
    }

    private static String fishArgs(Values v) {
        return switch (v) {
            case Values.Asked a -> " -a '(ccflarectl __complete " + a.what() + " 2>/dev/null)'";
            case Values.Words w -> " -a " + fishQuote(String.join(" ", w.words()));
            case Values.Files f -> " -F";
            case Values.Free f -> "";
        };
    }

    private static String fishQuote(String s) { return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"; }
}

package ccflare.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code ccflarectl(1)} as a roff man page, rendered from the picocli model. picocli's own
 * generator writes asciidoc, which needs asciidoctor to become roff; this keeps the man page free
 * of new build tools and in step with the code. Written at build time by {@link GeneratedFiles}.
 */
final class ManPage {

    private ManPage() {}

    static String render(CommandSpec root) {
        StringBuilder r = new StringBuilder();
        String version = CtlCommand.Version.version();
        r.append(".\\\" Generated from the picocli model by ccflare.cli.ManPage; do not edit.\n");
        r.append(".TH CCFLARECTL 1 \"\" \"ccflarectl ").append(escape(version)).append("\" \"ccflare manual\"\n");
        r.append(".SH NAME\nccflarectl \\- ").append(escape(lowerFirst(CtlCommand.SUMMARY).replaceAll("\\.$", ""))).append('\n');
        r.append(".SH SYNOPSIS\n.B ccflarectl\n[\\fB\\-\\-socket\\fR \\fIPATH\\fR | \\fB\\-\\-db\\fR \\fIPATH\\fR] [\\fB\\-\\-json\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR...]\n");
        r.append(".SH DESCRIPTION\n");
        String[] description = root.usageMessage().description();
        // The first line is the SUMMARY already in NAME, and a blank line.
        paragraphs(r, java.util.Arrays.copyOfRange(description, Math.min(2, description.length), description.length));
        r.append(".SH OPTIONS\n");
        options(r, root);
        r.append(".SH COMMANDS\n");
        for (CommandLine sub : root.subcommands().values().stream().distinct().filter(c -> !c.getCommandSpec().usageMessage().hidden()).toList()) commands(r, sub.getCommandSpec());
        table(r, "EXIT STATUS", root.usageMessage().exitCodeList());
        table(r, "ENVIRONMENT", CtlCommand.ENVIRONMENT);
        r.append(".SH FILES\n.TP\n\\fIadmin.token\\fR\nThe dashboard's admin token, beside the database;"
                + " paste it into the dashboard's sign-in page, or run \\fBccflarectl dashboard\\fR for a one-time link.\n");
        r.append(".SH \"SEE ALSO\"\n\\fBccflare\\fR(1), \\fBsystemctl\\fR(1)\n");
        return r.toString();
    }

    private static void commands(StringBuilder r, CommandSpec spec) {
        if (spec.userObject() instanceof CommandLine.HelpCommand) return;
        if (spec.subcommands().isEmpty() || !(spec.userObject() instanceof DaemonCommands.Config)) {
            r.append(".SS \"").append(escape(synopsis(spec))).append("\"\n");
            paragraphs(r, spec.usageMessage().description());
            if (spec.aliases().length > 0) {
                r.append("Alias: ").append(escape(String.join(", ", spec.aliases()))).append(".\n");
            }
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (p.hidden() || p.description().length == 0) continue;
                r.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n");
                r.append(escape(String.join(" ", p.description()))).append('\n');
            }
            options(r, spec);
        }
        for (CommandLine sub : spec.subcommands().values().stream().distinct().filter(c -> !c.getCommandSpec().usageMessage().hidden()).toList()) commands(r, sub.getCommandSpec());
    }

    /** The command's own options; the inherited global and standard help options are documented once, at the top. */
    private static void options(StringBuilder r, CommandSpec spec) {
        boolean root = spec.parent() == null;
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || (!root && (o.inherited() || o.usageHelp() || o.versionHelp()))) continue;
            r.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                String shown = "\\fB" + escape(n) + "\\fR";
                if (o.arity().max() > 0) shown += " \\fI" + escape(o.paramLabel()) + "\\fR";
                names.add(shown);
            }
            r.append(String.join(", ", names)).append('\n');
            String description = String.join(" ", o.description()).replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue()));
            r.append(escape(description)).append('\n');
        }
    }

    private static String synopsis(CommandSpec spec) {
        StringBuilder s = new StringBuilder(spec.qualifiedName());
        boolean hasOptions = spec.options().stream().anyMatch(o -> !o.hidden() && !o.inherited() && !o.usageHelp() && !o.versionHelp());
        if (hasOptions) s.append(" [options]");
        for (ArgSpec a : spec.positionalParameters()) {
            PositionalParamSpec p = (PositionalParamSpec) a;
            s.append(' ').append(p.arity().min() == 0 ? "[" + p.paramLabel() + "]" : p.paramLabel());
        }
        return s.toString();
    }

    /** A "key: explanation" list as a tagged list under its own section. */
    private static void table(StringBuilder r, String section, java.util.Map<String, String> rows) {
        if (rows.isEmpty()) return;
        r.append(".SH \"").append(section).append("\"\n");
        rows.forEach((k, v) -> r.append(".TP\n\\fB").append(escape(k.strip())).append("\\fR\n").append(escape(v.strip())).append('\n'));
    }

    private static void paragraphs(StringBuilder r, String[] lines) {
        for (String line : lines) {
            if (line.isBlank()) r.append(".PP\n");
            else r.append(escape(line.replace("%n", ""))).append('\n');
        }
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    /** Text safe for roff: backslashes and hyphens escaped, no line starting with a control character. */
    static String escape(String text) {
        String t = text.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) t = "\\&" + t;
        return t.replace("\n.", "\n\\&.").replace("\n'", "\n\\&'");
    }
}

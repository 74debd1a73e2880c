package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code ccflarectl} command line quoted in README.md and docs/ — in code blocks and in
 * inline code — is one this ccflarectl accepts: its commands and options exist and take the
 * values shown. The few lines the docs quote as mistakes (to show the answer) must still be
 * refused. The command lines are only parsed, never run.
 */
class DocsCommandLinesTest {

    /** Surefire runs in the module directory. */
    private static final Path ROOT = Path.of("../..");

    /** Quoted in the docs to show what ccflarectl says to a mistake: these must stay refused. */
    private static final Set<String> MISTAKES = Set.of("stauts", "--serve");

    /** {@code ccflarectl} (or a path ending in {@code bin/ccflarectl}) and what follows, up to where the shell takes over. */
    private static final Pattern LINE = Pattern.compile("(^|[\\s(\"'])(?:[\\w./~-]*/)?ccflarectl((?:\\s[^#|;&>`]*)?)");

    private static final Pattern INLINE = Pattern.compile("`((?:[\\w./~-]*/)?ccflarectl(?:\\s[^`]*)?)`");

    record Quote(Path file, int line, String text) {
        @Override
        public String toString() { return file.getFileName() + ":" + line + ": ccflarectl" + text; }
    }

    static List<Quote> quotes() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Quote> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            boolean code = false;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.strip().startsWith("```")) {
                    code = !code;
                    continue;
                }
                if (code) {
                    Matcher m = LINE.matcher(l);
                    if (m.find()) out.add(new Quote(f, i + 1, text(m)));
                } else {
                    Matcher m = INLINE.matcher(l);
                    while (m.find()) {
                        Matcher inner = LINE.matcher(m.group(1));
                        if (inner.find()) out.add(new Quote(f, i + 1, text(inner)));
                    }
                }
            }
        }
        return out;
    }

    /** What follows {@code ccflarectl}; quoted in a sentence ({@code Try 'ccflarectl --help'.}), up to the closing quote. */
    private static String text(Matcher m) {
        String prefix = m.group(1);
        String text = m.group(2);
        if (prefix.equals("'") || prefix.equals("\"")) {
            int end = text.indexOf(prefix);
            if (end >= 0) text = text.substring(0, end);
        }
        return text;
    }

    /** A synopsis ({@code [--socket PATH]}, {@code <name>}, a bare {@code …}) describes, it is not a command line. */
    static boolean synopsis(String text) {
        return text.contains("[") || text.contains("<") || text.strip().equals("…") || text.contains("...");
    }

    /** Shell words: blanks separate, single and double quotes group. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean any = false;
        char quote = 0;
        for (char c : text.strip().toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else w.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || !w.isEmpty()) out.add(w.toString());
                w.setLength(0);
                any = false;
            } else {
                w.append(c);
            }
        }
        if (any || !w.isEmpty()) out.add(w.toString());
        return out;
    }

    /** Why ccflarectl refuses {@code args}, or empty when it accepts them. */
    static java.util.Optional<String> refusal(List<String> args) {
        List<String> notes = new ArrayList<>();
        List<String> rewritten = LegacyFlags.rewrite(args, notes);
        var legacy = LegacyFlags.refusal(rewritten);
        if (legacy.isPresent()) return legacy;
        CommandLine cl = CtlCommand.commandLine(new CtlCommand(), rewritten);
        try {
            cl.parseArgs(rewritten.toArray(String[]::new));
            return java.util.Optional.empty();
        } catch (CommandLine.MissingParameterException e) {
            // Only a command's name ("`ccflarectl config set` takes…"): a mention of the command, which exists.
            boolean named = e.getCommandLine() != cl && e.getCommandLine().getParseResult().originalArgs().stream()
                    .allMatch(a -> !a.startsWith("-") && isCommandName(cl, a));
            return named ? java.util.Optional.empty() : java.util.Optional.of(e.getMessage());
        } catch (CommandLine.ParameterException e) {
            return java.util.Optional.of(e.getMessage());
        }
    }

    private static boolean isCommandName(CommandLine cl, String word) {
        if (cl.getSubcommands().containsKey(word)) return true;
        return cl.getSubcommands().values().stream().anyMatch(sub -> isCommandName(sub, word));
    }

    @Test
    void everyCommandLineInTheDocsIsAccepted() throws IOException {
        List<Quote> quotes = quotes();
        assertThat(quotes).as("command lines found in the docs").hasSizeGreaterThan(30);
        Map<Quote, String> refused = new LinkedHashMap<>();
        int checked = 0;
        for (Quote q : quotes) {
            if (synopsis(q.text())) continue;
            List<String> args = words(q.text());
            if (!args.isEmpty() && MISTAKES.contains(args.getFirst())) continue;
            checked++;
            refusal(args).ifPresent(why -> refused.put(q, why));
        }
        assertThat(checked).isGreaterThan(30);
        assertThat(refused).as("command lines in the docs that ccflarectl refuses").isEmpty();
    }

    @Test
    void theMistakesTheDocsQuoteAreStillRefused() throws IOException {
        List<Quote> mistakes = quotes().stream()
                .filter(q -> !words(q.text()).isEmpty() && MISTAKES.contains(words(q.text()).getFirst())).toList();
        assertThat(mistakes).extracting(q -> words(q.text()).getFirst()).containsAll(MISTAKES);
        for (Quote q : mistakes) assertThat(refusal(words(q.text()))).as(q.toString()).isPresent();
    }

    @Test
    void theCheckRefusesWhatIsWrong() {
        assertThat(refusal(List.of("list", "--frobnicate"))).isPresent();
        assertThat(refusal(List.of("frobnicate"))).isPresent();
        assertThat(refusal(List.of("config", "set"))).as("a mention of the command").isEmpty();
        assertThat(refusal(List.of("add", "work"))).as("a command line missing its --provider").isPresent();
        assertThat(refusal(List.of("add", "work", "--provider", "anthropic", "--api-key-file", "k"))).isEmpty();
        assertThat(words("add \"work key\" --provider anthropic")).containsExactly("add", "work key", "--provider", "anthropic");
    }
}

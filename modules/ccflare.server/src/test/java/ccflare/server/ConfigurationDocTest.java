package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docs/configuration.md cannot drift from {@link ConfigKeys}: every key has one row that says what the code does. */
class ConfigurationDocTest {

    /** Surefire runs in the module directory. */
    private static final Path DOC = Path.of("../../docs/configuration.md");

    private static List<String> lines;

    @BeforeAll
    static void read() throws IOException {
        lines = Files.readAllLines(DOC);
    }

    private static List<String> cells(String row) {
        String inner = row.strip();
        return Arrays.stream(inner.substring(1, inner.length() - 1).split(" \\| ", -1)).map(String::strip).toList();
    }

    @Test
    void everyKeyTheCodeKnowsHasExactlyOneRowStatingItsNamesDefaultAndValues() {
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            List<String> rows = lines.stream().filter(l -> l.startsWith("| `" + key.env() + "`")).toList();
            assertThat(rows).as("rows for " + key.env() + " in " + DOC).hasSize(1);
            List<String> c = cells(rows.getFirst());
            assertThat(c).as(key.env()).hasSize(6);
            for (String alias : key.envAliases()) assertThat(c.get(0)).as(key.env() + " aliases").contains("`" + alias + "`");
            assertThat(c.get(1)).as(key.env() + " file key").isEqualTo(key.hasFileKey() ? "`" + key.fileKey() + "`" : "—");
            assertThat(c.get(2)).as(key.env() + " flag").isEqualTo(key.hasFlag() ? "`" + key.flag() + "`" : "—");
            assertThat(c.get(3)).as(key.env() + " default").isEqualTo(key.defaultDoc());
            assertThat(c.get(4)).as(key.env() + " accepted values").isEqualTo(key.parser().expectation());
            assertThat(c.get(5)).as(key.env() + " meaning").isNotBlank();
        }
    }

    @Test
    void theDocumentNamesNoKeyTheCodeDoesNotKnow() {
        Set<String> known = ConfigKeys.ALL.stream().map(ConfigKey::env).collect(Collectors.toSet());
        Pattern row = Pattern.compile("^\\| `([A-Za-z_]+)`.*");
        for (String line : lines) {
            Matcher m = row.matcher(line);
            if (m.matches()) assertThat(known).as("documented key " + m.group(1)).contains(m.group(1));
        }
    }

    @Test
    void theRunTimeSectionListsExactlyTheLiveKeys() {
        int start = lines.indexOf("## Changing settings at run time");
        assertThat(start).isPositive();
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) end++;
        String section = String.join("\n", lines.subList(start, end));
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            if (!key.hasFileKey()) continue;
            if (key.live()) {
                assertThat(section).as("live key " + key.fileKey()).contains("`" + key.fileKey() + "`");
            } else {
                assertThat(section).as("fixed key " + key.fileKey()).doesNotContain("`" + key.fileKey() + "`");
            }
        }
    }

    @Test
    void everyFlagIsDocumented() {
        String doc = String.join("\n", lines);
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            if (key.hasFlag()) assertThat(doc).contains("`" + key.flag() + "`");
        }
    }
}

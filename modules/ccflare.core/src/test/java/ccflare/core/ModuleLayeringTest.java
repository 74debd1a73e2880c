package ccflare.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's import control: the module DAG of DESIGN.md and which module may touch which
 * third-party library. module-info already forbids cycles; this fails the build when a module
 * reaches a layer or a library it must not.
 */
class ModuleLayeringTest {

    private static final Path MODULES = Path.of("..").toAbsolutePath().normalize();

    /** Which of our modules each module may require. */
    private static final Map<String, Set<String>> ALLOWED_MODULES = Map.of(
            "ccflare.core", Set.of(),
            "ccflare.protocol", Set.of(),
            "ccflare.db", Set.of("ccflare.core"),
            "ccflare.providers", Set.of("ccflare.core"),
            "ccflare.testing", Set.of(),
            "ccflare.proxy", Set.of("ccflare.core", "ccflare.providers"),
            "ccflare.api", Set.of("ccflare.core", "ccflare.protocol"),
            "ccflare.server", Set.of("ccflare.core", "ccflare.protocol", "ccflare.db", "ccflare.providers",
                    "ccflare.proxy", "ccflare.api"),
            "ccflare.cli", Set.of("ccflare.protocol"));

    /** Third-party package prefixes and the only modules whose main code may import them. */
    private static final Map<String, Set<String>> LIBRARY_OWNERS = Map.of(
            "org.eclipse.jetty.", Set.of("ccflare.proxy", "ccflare.api", "ccflare.server", "ccflare.cli", "ccflare.testing"),
            // ccflare.testing writes the original ccflare's database files for the import tests.
            "java.sql.", Set.of("ccflare.db", "ccflare.testing"),
            "org.sqlite.", Set.of("ccflare.db", "ccflare.testing"),
            "org.flywaydb.", Set.of("ccflare.db"),
            "picocli.", Set.of("ccflare.cli"),
            "org.jline.", Set.of("ccflare.cli"),
            "ch.qos.logback.", Set.of("ccflare.server"),
            // ccflare.cli reads JsonNode trees handed out by ccflare.protocol's codec.
            "com.fasterxml.jackson.", Set.of("ccflare.protocol", "ccflare.providers", "ccflare.proxy", "ccflare.api",
                    "ccflare.server", "ccflare.testing", "ccflare.cli"),
            "org.slf4j.", Set.of("ccflare.db", "ccflare.providers", "ccflare.proxy", "ccflare.api", "ccflare.server",
                    "ccflare.testing", "ccflare.cli"));

    private static final Pattern REQUIRES = Pattern.compile("^\\s*requires\\s+(?:transitive\\s+|static\\s+)*([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void everyModuleRequiresOnlyTheLayersBelowIt() {
        List<String> violations = new ArrayList<>();
        for (String module : ALLOWED_MODULES.keySet()) {
            Path info = MODULES.resolve(module).resolve("src/main/java/module-info.java");
            assertThat(info).as("module-info of " + module).exists();
            Matcher m = REQUIRES.matcher(read(info));
            while (m.find()) {
                String required = m.group(1);
                if (required.startsWith("ccflare.") && !ALLOWED_MODULES.get(module).contains(required)) {
                    violations.add(module + " requires " + required);
                }
            }
        }
        assertThat(violations).as("edges outside the module DAG of DESIGN.md").isEmpty();
    }

    @Test
    void thirdPartyLibrariesAreImportedOnlyByTheirModules() {
        Set<String> violations = new TreeSet<>();
        for (String module : ALLOWED_MODULES.keySet()) {
            Path src = MODULES.resolve(module).resolve("src/main/java");
            for (Path file : javaFiles(src)) {
                Matcher m = IMPORT.matcher(read(file));
                while (m.find()) {
                    String imported = m.group(1);
                    LIBRARY_OWNERS.forEach((prefix, owners) -> {
                        if (imported.startsWith(prefix) && !owners.contains(module)) {
                            violations.add(module + ": " + MODULES.relativize(file) + " imports " + imported);
                        }
                    });
                }
            }
        }
        assertThat(violations).as("library imports outside their modules").isEmpty();
    }

    @Test
    void everyModuleInfoStartsWithASentenceSayingWhatTheModuleIs() {
        for (String module : ALLOWED_MODULES.keySet()) {
            String text = read(MODULES.resolve(module).resolve("src/main/java/module-info.java"));
            assertThat(text.stripLeading()).as(module + " module-info opens with its Javadoc").startsWith("/**");
        }
    }

    private static List<Path> javaFiles(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

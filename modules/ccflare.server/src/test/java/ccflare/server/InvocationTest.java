package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InvocationTest {

    private static String usageError(String... args) {
        StartupException e = catchThrowableOfType(StartupException.class, () -> Invocation.parse(args));
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(2);
        return e.getMessage();
    }

    @Test
    void takesFlagsWithSeparateOrAttachedValues() {
        assertThat(Invocation.parse(new String[] {"--port", "9000", "--host=::1", "--db", "/x.db", "--config=/c.json",
                "--log-level", "DEBUG"}))
                .isEqualTo(new Invocation.Run(Map.of("--port", "9000", "--host", "::1", "--db", "/x.db",
                        "--config", "/c.json", "--log-level", "DEBUG")));
    }

    @Test
    void noArgumentsMeansRunWithNoFlags() {
        assertThat(Invocation.parse(new String[0])).isEqualTo(new Invocation.Run(Map.of()));
    }

    @Test
    void helpAndVersionWinOverEverythingAfterThem() {
        assertThat(Invocation.parse(new String[] {"--help"})).isInstanceOf(Invocation.Help.class);
        assertThat(Invocation.parse(new String[] {"-h", "--bogus"})).isInstanceOf(Invocation.Help.class);
        assertThat(Invocation.parse(new String[] {"--version"})).isInstanceOf(Invocation.ShowVersion.class);
        assertThat(Invocation.parse(new String[] {"--port", "1", "-V"})).isInstanceOf(Invocation.ShowVersion.class);
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertThat(usageError("--prot", "8080")).isEqualTo("ccflare: unknown option --prot (see ccflare --help)");
        assertThat(usageError("--session-duration-ms=5")).isEqualTo("ccflare: unknown option --session-duration-ms (see ccflare --help)");
    }

    @Test
    void flagWithoutValueIsAUsageError() {
        assertThat(usageError("--port")).isEqualTo("ccflare: option --port needs a value (see ccflare --help)");
        assertThat(usageError("--port", "--host", "x")).isEqualTo("ccflare: option --port needs a value (see ccflare --help)");
    }

    @Test
    void strayArgumentAndRepeatedFlagAreUsageErrors() {
        assertThat(usageError("serve")).isEqualTo("ccflare: unexpected argument 'serve' (see ccflare --help)");
        assertThat(usageError("--port=1", "--port=2")).isEqualTo("ccflare: option --port given twice (see ccflare --help)");
    }

    @Test
    void usageListsEveryFlagAndPointsAtTheConfigurationDocument() {
        String usage = Invocation.usageText();

        for (ConfigKey<?> k : ConfigKeys.ALL) {
            if (k.hasFlag()) assertThat(usage).contains(k.flag() + " <value>").contains("env " + k.env());
        }
        assertThat(usage).contains("--help", "--version", "docs/configuration.md");
    }
}

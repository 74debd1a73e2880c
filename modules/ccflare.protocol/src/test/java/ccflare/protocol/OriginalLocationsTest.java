package ccflare.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OriginalLocationsTest {

    @Test
    void eachOriginalsVariableWinsThenXdgConfigHomeThenHomeDotConfig() {
        assertThat(OriginalLocations.defaultDatabase("ccflare", Map.of("HOME", "/home/u")))
                .isEqualTo(Path.of("/home/u/.config/ccflare/ccflare.db"));
        assertThat(OriginalLocations.defaultDatabase("better-ccflare", Map.of("HOME", "/home/u")))
                .isEqualTo(Path.of("/home/u/.config/better-ccflare/better-ccflare.db"));
        assertThat(OriginalLocations.defaultDatabase("ccflare", Map.of("HOME", "/home/u", "XDG_CONFIG_HOME", "/cfg")))
                .isEqualTo(Path.of("/cfg/ccflare/ccflare.db"));
        assertThat(OriginalLocations.defaultDatabase("ccflare", Map.of("HOME", "/home/u", "ccflare_DB_PATH", "/x/c.db")))
                .isEqualTo(Path.of("/x/c.db"));
        assertThat(OriginalLocations.defaultDatabase("BETTER-ccflare", Map.of("HOME", "/h", "BETTER_CCFLARE_DB_PATH", "/y/b.db",
                "ccflare_DB_PATH", "/x/c.db"))).isEqualTo(Path.of("/y/b.db"));
    }

    @Test
    void anUnknownOriginalIsRefusedNamingTheChoices() {
        assertThatThrownBy(() -> OriginalLocations.checkFrom("claudeflare"))
                .hasMessage("from: 'claudeflare' (expected: ccflare or better-ccflare)");
        assertThatThrownBy(() -> OriginalLocations.checkFrom(null)).hasMessage("from: missing (expected: ccflare or better-ccflare)");
    }
}

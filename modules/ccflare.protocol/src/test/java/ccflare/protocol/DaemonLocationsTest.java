package ccflare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonLocationsTest {

    private static final Path HOME = Path.of("/home/u");

    @Test
    void homeIsTheVariableAndUserHomeOnlyWhenItIsUnsetOrEmpty() {
        assertThat(DaemonLocations.home(Map.of("HOME", "/root-via-sudo"))).isEqualTo(Path.of("/root-via-sudo"));
        assertThat(DaemonLocations.home(Map.of("HOME", ""))).isEqualTo(Path.of(System.getProperty("user.home")));
        assertThat(DaemonLocations.home(Map.of())).isEqualTo(Path.of(System.getProperty("user.home")));
    }

    @Test
    void theDatabaseFollowsStateDirectoryThenXdgDataHomeThenHome() {
        assertThat(DaemonLocations.defaultDatabase(Map.of("STATE_DIRECTORY", "/var/lib/ccflare:/other", "XDG_DATA_HOME", "/x"), HOME))
                .isEqualTo(Path.of("/var/lib/ccflare/ccflare.db"));
        assertThat(DaemonLocations.defaultDatabase(Map.of("XDG_DATA_HOME", "/x/"), HOME)).isEqualTo(Path.of("/x/ccflare/ccflare.db"));
        assertThat(DaemonLocations.defaultDatabase(Map.of("XDG_DATA_HOME", " "), HOME))
                .isEqualTo(Path.of("/home/u/.local/share/ccflare/ccflare.db"));
    }

    @Test
    void theSocketFollowsRuntimeDirectoryThenXdgRuntimeDirThenTheDatabase() {
        Path db = Path.of("/srv/cc/ccflare.db");
        assertThat(DaemonLocations.defaultSocket(Map.of("RUNTIME_DIRECTORY", "/run/ccflare", "XDG_RUNTIME_DIR", "/run/user/1"), db))
                .isEqualTo(Path.of("/run/ccflare/ccflare.sock"));
        assertThat(DaemonLocations.defaultSocket(Map.of("XDG_RUNTIME_DIR", "/run/user/1"), db))
                .isEqualTo(Path.of("/run/user/1/ccflare/ccflare.sock"));
        assertThat(DaemonLocations.defaultSocket(Map.of(), db)).isEqualTo(Path.of("/srv/cc/run/ccflare.sock"));
    }

    @Test
    void theSocketVariableIsTheOnlyCandidateWhenSet() {
        assertThat(DaemonLocations.socketCandidates(Map.of("CCFLARE_SOCKET_PATH", "~/s.sock", "XDG_RUNTIME_DIR", "/run/user/1"), HOME,
                Optional.empty())).containsExactly(Path.of("/home/u/s.sock"));
    }

    @Test
    void candidatesAreTheRuntimeDirsThenBesideTheDatabaseThenTheSystemSocket() {
        assertThat(DaemonLocations.socketCandidates(Map.of("XDG_RUNTIME_DIR", "/run/user/1", "CCFLARE_SOCKET_PATH", " "), HOME,
                Optional.empty())).containsExactly(Path.of("/run/user/1/ccflare/ccflare.sock"),
                Path.of("/home/u/.local/share/ccflare/run/ccflare.sock"), DaemonLocations.SYSTEM_SOCKET);
        assertThat(DaemonLocations.socketCandidates(Map.of("CCFLARE_DB_PATH", "~/data/cc.db", "XDG_DATA_HOME", "/x"), HOME,
                Optional.empty())).containsExactly(Path.of("/home/u/data/run/ccflare.sock"), DaemonLocations.SYSTEM_SOCKET);
        assertThat(DaemonLocations.socketCandidates(Map.of("XDG_DATA_HOME", "/x"), HOME, Optional.empty()))
                .containsExactly(Path.of("/x/ccflare/run/ccflare.sock"), DaemonLocations.SYSTEM_SOCKET);
        assertThat(DaemonLocations.socketCandidates(Map.of("CCFLARE_DB_PATH", "/ignored/cc.db"), HOME, Optional.of(Path.of("/flag/cc.db"))))
                .as("--db wins over the variable, as on the daemon's command line")
                .containsExactly(Path.of("/flag/run/ccflare.sock"), DaemonLocations.SYSTEM_SOCKET);
    }

    @Test
    void theConfigFilesDbPathAndSocketPathAreReadAsTheDaemonReadsThem(@TempDir Path home) throws IOException {
        Path file = Files.createDirectories(home.resolve(".config/ccflare")).resolve("ccflare.json");
        Files.writeString(file, "{\"db_path\":\"~/db/cc.db\",\"port\":8081}");
        assertThat(DaemonLocations.socketCandidates(Map.of(), home, Optional.empty()))
                .containsExactly(home.resolve("db/run/ccflare.sock"), DaemonLocations.SYSTEM_SOCKET);
        assertThat(DaemonLocations.socketCandidates(Map.of("CCFLARE_DB_PATH", "/env/cc.db"), home, Optional.empty()))
                .as("the variable wins over the file, as in the daemon").first().isEqualTo(Path.of("/env/run/ccflare.sock"));

        Path named = home.resolve("other.json");
        Files.writeString(named, "{\"socket_path\":\"/srv/cc/admin.sock\"}");
        assertThat(DaemonLocations.socketCandidates(Map.of("CCFLARE_CONFIG_PATH", named.toString()), home, Optional.empty()))
                .first().isEqualTo(Path.of("/srv/cc/admin.sock"));

        Files.writeString(file, "{not json");
        assertThat(DaemonLocations.configFileValues(Map.of(), home)).isEmpty();
    }

    @Test
    void theConfigFileFollowsStateDirectoryThenXdgConfigHomeThenHome() {
        assertThat(DaemonLocations.defaultConfigFile(Map.of("STATE_DIRECTORY", "/var/lib/ccflare"), HOME))
                .isEqualTo(Path.of("/var/lib/ccflare/ccflare.json"));
        assertThat(DaemonLocations.defaultConfigFile(Map.of("XDG_CONFIG_HOME", "/c"), HOME)).isEqualTo(Path.of("/c/ccflare/ccflare.json"));
        assertThat(DaemonLocations.defaultConfigFile(Map.of(), HOME)).isEqualTo(Path.of("/home/u/.config/ccflare/ccflare.json"));
    }

    @Test
    void theSystemSocketMovesWithTheTestHook() {
        String before = System.getProperty(DaemonLocations.SYSTEM_SOCKET_PROPERTY);
        System.setProperty(DaemonLocations.SYSTEM_SOCKET_PROPERTY, "/tmp/cc-system/ccflare.sock");
        try {
            assertThat(DaemonLocations.socketCandidates(Map.of(), HOME, Optional.empty()))
                    .endsWith(Path.of("/tmp/cc-system/ccflare.sock"));
        } finally {
            if (before == null) System.clearProperty(DaemonLocations.SYSTEM_SOCKET_PROPERTY);
            else System.setProperty(DaemonLocations.SYSTEM_SOCKET_PROPERTY, before);
        }
        assertThat(DaemonLocations.systemSocket()).isEqualTo(DaemonLocations.SYSTEM_SOCKET);
    }
}

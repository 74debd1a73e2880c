package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveSettingsTest {

    @TempDir Path dir;
    private final List<String> levels = new ArrayList<>();

    private LiveSettings settings(String... envPairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString());
        env.put("XDG_CONFIG_HOME", dir.toString());
        env.put("CCFLARE_ADMIN_TOKEN", "a-secret-token-of-some-length");
        for (int i = 0; i < envPairs.length; i += 2) env.put(envPairs[i], envPairs[i + 1]);
        return new LiveSettings(ConfigLoader.load(Map.of(), env), env, levels::add);
    }

    private Path cfg() throws IOException {
        return Files.createDirectories(dir.resolve("ccflare")).resolve("ccflare.json");
    }

    private JsonNode file() throws IOException {
        return ConfigLoader.fileMapper().readTree(cfg().toFile());
    }

    @Test
    void viewShowsEveryNonSecretSettingUnderItsFileName() throws IOException {
        Files.writeString(cfg(), "{\"port\": 9100}");

        Map<String, Object> view = settings().view();

        assertThat(view).containsEntry("port", 9100).containsEntry("session_duration_ms", 18_000_000L)
                .containsEntry("log_level", "INFO").containsEntry("capture_payloads", true)
                .containsEntry("db_path", dir.resolve(".local/share/ccflare/ccflare.db").toString())
                .doesNotContainKey("admin_token").doesNotContainKey("pricing_file");
        assertThat(view.values()).doesNotContain("a-secret-token-of-some-length");
    }

    @Test
    void viewShowsTheUpstreamCaFileByNameAndItCannotBeChangedWhileRunning() throws IOException {
        Path pem = ccflare.testing.TestCertificate.shared().writePem(dir.resolve("corp-ca.pem"));
        LiveSettings settings = settings("CCFLARE_UPSTREAM_CA_FILE", pem.toString());

        assertThat(settings.view()).containsEntry("upstream_ca_file", pem.toString());
        assertThatThrownBy(() -> settings.update(Map.of("upstream_ca_file", pem.toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("upstream_ca_file: cannot be changed while running");
    }

    @Test
    void updateValidatesPersistsAndAppliesLiveKeys() throws IOException {
        Files.writeString(cfg(), "{\"port\": 9100, \"default_agent_model\": \"x\"}");
        LiveSettings settings = settings();

        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("data_retention_days", 3);
        changes.put("request_retention_days", "30");
        changes.put("retry_backoff", 1.5);
        changes.put("log_level", "debug");
        Map<String, Object> after = settings.update(changes);

        assertThat(after).containsEntry("data_retention_days", 3).containsEntry("request_retention_days", 30)
                .containsEntry("retry_backoff", 1.5).containsEntry("log_level", "DEBUG");
        assertThat(settings.dataRetentionDays()).isEqualTo(3);
        assertThat(settings.requestRetentionDays()).isEqualTo(30);
        assertThat(levels).containsExactly("DEBUG");
        JsonNode file = file();
        assertThat(file.get("port").asInt()).isEqualTo(9100);
        assertThat(file.get("default_agent_model").asText()).isEqualTo("x");
        assertThat(file.get("data_retention_days").asInt()).isEqualTo(3);
        assertThat(file.get("request_retention_days").asInt()).isEqualTo(30);
        assertThat(file.get("log_level").asText()).isEqualTo("DEBUG");
        assertThat(Files.getPosixFilePermissions(cfg())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var list = Files.list(cfg().getParent())) {
            assertThat(list.map(p -> p.getFileName().toString())).allMatch(n -> !n.endsWith(".tmp"));
        }
    }

    @Test
    void savedSettingsAreReadAtTheNextStart() {
        settings().update(Map.of("session_duration_ms", 60_000));

        assertThat(settings().view()).containsEntry("session_duration_ms", 60_000L);
    }

    @Test
    void updateCreatesTheConfigFileAndItsDirectoryWhenMissing() throws IOException {
        Path nested = dir.resolve("new/dir/ccflare.json");
        Map<String, String> env = Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME", dir.resolve("new").toString());
        LiveSettings settings = new LiveSettings(ConfigLoader.load(Map.of(), env), env, levels::add);

        settings.update(Map.of("retry_attempts", 5));

        assertThat(ConfigLoader.fileMapper().readTree(dir.resolve("new/ccflare/ccflare.json").toFile()).get("retry_attempts").asInt())
                .isEqualTo(5);
        assertThat(Files.exists(nested)).isFalse();
    }

    @Test
    void badValueIsRefusedNamingKeyValueAndExpectationAndNothingChanges() throws IOException {
        LiveSettings settings = settings();
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("data_retention_days", 3);
        changes.put("request_retention_days", 0);

        assertThatThrownBy(() -> settings.update(changes)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("request_retention_days=0 (expected: an integer 1..3650)");
        assertThat(settings.dataRetentionDays()).isEqualTo(7);
        assertThat(Files.exists(cfg())).isFalse();
        assertThatThrownBy(() -> settings.update(Map.of("retry_attempts", 2.5)))
                .hasMessage("retry_attempts=2.5 (expected: an integer 1..100)");
        assertThatThrownBy(() -> settings.update(Map.of("log_level", List.of("x"))))
                .hasMessageStartingWith("log_level=list").hasMessageEndingWith("(expected: TRACE, DEBUG, INFO, WARN or ERROR)");
    }

    @Test
    void settingsThatNeedARestartOrDoNotExistAreRefused() {
        LiveSettings settings = settings();

        assertThatThrownBy(() -> settings.update(Map.of("port", 1234))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("port: cannot be changed while running (set PORT or edit ");
        assertThatThrownBy(() -> settings.update(Map.of("admin_token", "x".repeat(20))))
                .hasMessageStartingWith("admin_token: cannot be changed while running");
        assertThatThrownBy(() -> settings.update(Map.of("nope", 1))).hasMessageStartingWith("unknown setting 'nope' (expected one of: ");
        assertThatThrownBy(() -> settings.update(Map.of())).hasMessageStartingWith("no settings given");
    }

    @Test
    void malformedConfigFileIsNotOverwritten() throws IOException {
        LiveSettings settings = settings();
        Files.writeString(cfg(), "[\"edited by hand\"]");

        assertThatThrownBy(() -> settings.update(Map.of("retry_attempts", 4))).hasMessageContaining("not overwritten");
        assertThat(Files.readString(cfg())).isEqualTo("[\"edited by hand\"]");
    }
}

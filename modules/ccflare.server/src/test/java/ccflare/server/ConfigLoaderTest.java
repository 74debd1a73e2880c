package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ccflare.core.Config;
import ccflare.core.ProviderKind;
import ccflare.testing.TestCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

    @TempDir Path home;

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    private Path writeConfig(String json) throws IOException {
        Path file = home.resolve(".config/ccflare/ccflare.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        return file;
    }

    private static StartupException failure(Map<String, String> flags, Map<String, String> env) {
        StartupException e = catchThrowableOfType(StartupException.class, () -> ConfigLoader.load(flags, env));
        assertThat(e).as("load must fail").isNotNull();
        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.getMessage()).doesNotContain("\n").startsWith("ccflare: ");
        return e;
    }

    @Test
    void usesTheDocumentedDefaultsWhenNothingIsSet() {
        LoadedConfig loaded = ConfigLoader.load(Map.of(), env());
        Config c = loaded.config();

        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThat(c.server().adminToken()).isEmpty();
        assertThat(c.server().drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.storage().dbPath()).isEqualTo(home.resolve(".local/share/ccflare/ccflare.db"));
        assertThat(c.server().socketPath()).isEqualTo(home.resolve(".local/share/ccflare/run/ccflare.sock"));
        assertThat(loaded.configFile()).isEqualTo(home.resolve(".config/ccflare/ccflare.json"));
        assertThat(c.proxy().sessionDuration()).isEqualTo(Duration.ofHours(5));
        assertThat(c.proxy().retryAttempts()).isEqualTo(3);
        assertThat(c.proxy().retryDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.proxy().retryBackoff()).isEqualTo(2.0);
        assertThat(c.proxy().maxAttempts()).isEqualTo(6);
        assertThat(c.proxy().maxBodyBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(c.proxy().maxHeaderBytes()).isEqualTo(65536);
        assertThat(c.proxy().maxInFlight()).isEqualTo(4096);
        assertThat(c.proxy().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.proxy().firstByteTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.proxy().streamIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
        for (ProviderKind kind : ProviderKind.values()) {
            assertThat(c.proxy().baseUrl(kind)).isEqualTo(kind.defaultBaseUrl());
        }
        assertThat(c.recording().capturePayloads()).isTrue();
        assertThat(c.recording().payloadMaxBytes()).isEqualTo(1048576);
        assertThat(c.recording().dataRetentionDays()).isEqualTo(7);
        assertThat(c.recording().requestRetentionDays()).isEqualTo(365);
        assertThat(c.recording().pricingFile()).isNull();
        assertThat(c.oauth().claudeClientId()).isEqualTo("9d1c250a-e61b-44d9-88ed-5944d1962f5e");
        assertThat(c.oauth().claudeAuthorizeUrl()).isEqualTo("https://claude.ai/oauth/authorize");
        assertThat(c.oauth().claudeTokenUrl()).isEqualTo("https://platform.claude.com/v1/oauth/token");
        assertThat(c.oauth().claudeRedirectUri()).isEqualTo("https://platform.claude.com/oauth/code/callback");
        assertThat(c.oauth().codexAuthorizeUrl()).isEqualTo("https://auth.openai.com/oauth/authorize");
        assertThat(c.oauth().codexTokenUrl()).isEqualTo("https://auth.openai.com/oauth/token");
        assertThat(c.oauth().codexClientId()).isEqualTo("app_EMoamEEZ73f0CkXaXp7hrann");
        assertThat(c.oauth().codexCallbackPort()).isEqualTo(1455);
        assertThat(c.logging().level()).isEqualTo("INFO");
        assertThat(c.logging().format()).isEqualTo("pretty");
        assertThat(loaded.get(ConfigKeys.LB_STRATEGY)).isEqualTo("session");
        assertThat(loaded.warnings()).isEmpty();
        assertThat(loaded.values().value(ConfigKeys.PORT).orElseThrow().source()).isEqualTo(ResolvedValues.Source.DEFAULT);
    }

    @Test
    void placesFilesInTheXdgDirectoriesWhenTheyAreSet() {
        Config c = ConfigLoader.load(Map.of(), env("XDG_DATA_HOME", "/xdg/data", "XDG_RUNTIME_DIR", "/run/user/1000",
                "XDG_CONFIG_HOME", home.resolve("cfg").toString())).config();

        assertThat(c.storage().dbPath()).isEqualTo(Path.of("/xdg/data/ccflare/ccflare.db"));
        assertThat(c.server().socketPath()).isEqualTo(Path.of("/run/user/1000/ccflare/ccflare.sock"));
        assertThat(ConfigLoader.load(Map.of(), env("XDG_CONFIG_HOME", "/xdg/cfg")).configFile())
                .isEqualTo(Path.of("/xdg/cfg/ccflare/ccflare.json"));
    }

    @Test
    void placesFilesInTheSystemdDirectoriesUnderSystemd() {
        Config c = ConfigLoader.load(Map.of(), env("STATE_DIRECTORY", "/var/lib/ccflare:/var/lib/other",
                "RUNTIME_DIRECTORY", "/run/ccflare", "XDG_DATA_HOME", "/xdg/data", "XDG_RUNTIME_DIR", "/run/user/1")).config();

        assertThat(c.storage().dbPath()).isEqualTo(Path.of("/var/lib/ccflare/ccflare.db"));
        assertThat(c.server().socketPath()).isEqualTo(Path.of("/run/ccflare/ccflare.sock"));
        assertThat(ConfigLoader.load(Map.of(), env("STATE_DIRECTORY", home.toString(), "XDG_CONFIG_HOME", "/xdg/cfg"))
                .configFile()).isEqualTo(home.resolve("ccflare.json"));
    }

    @Test
    void keyFileIsSystemdsCredentialWhenTheUnitPassesItElseTheOneBesideTheDatabase() throws IOException {
        Path credentials = Files.createDirectories(home.resolve("credentials"));
        Map<String, String> env = env("STATE_DIRECTORY", "/var/lib/ccflare", "CREDENTIALS_DIRECTORY", credentials.toString());

        // Only the admin token passed: the key stays the state directory's.
        Files.writeString(credentials.resolve("ccflare.admin-token"), "token-from-credential-0123456789\n");
        assertThat(ConfigLoader.load(Map.of(), env).get(ConfigKeys.KEY_FILE)).isEqualTo(Path.of("/var/lib/ccflare/ccflare.key"));

        Files.write(credentials.resolve("ccflare.key"), new byte[32]);
        assertThat(ConfigLoader.load(Map.of(), env).get(ConfigKeys.KEY_FILE)).isEqualTo(credentials.resolve("ccflare.key"));
        // A key file named explicitly still wins over the credential.
        env.put("CCFLARE_KEY_FILE", "/etc/ccflare/other.key");
        assertThat(ConfigLoader.load(Map.of(), env).get(ConfigKeys.KEY_FILE)).isEqualTo(Path.of("/etc/ccflare/other.key"));
    }

    @Test
    void configFileValueBeatsTheDefault() throws IOException {
        writeConfig("{\"port\": 9001, \"session_duration_ms\": 60000, \"capture_payloads\": false, \"log_format\": \"json\"}");

        LoadedConfig loaded = ConfigLoader.load(Map.of(), env());

        assertThat(loaded.config().server().port()).isEqualTo(9001);
        assertThat(loaded.config().proxy().sessionDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(loaded.config().recording().capturePayloads()).isFalse();
        assertThat(loaded.config().logging().format()).isEqualTo("json");
        assertThat(loaded.values().value(ConfigKeys.PORT).orElseThrow().source()).isEqualTo(ResolvedValues.Source.FILE);
    }

    @Test
    void environmentBeatsTheConfigFile() throws IOException {
        writeConfig("{\"port\": 9001, \"retry_backoff\": 3.5}");

        LoadedConfig loaded = ConfigLoader.load(Map.of(), env("PORT", "9002"));

        assertThat(loaded.config().server().port()).isEqualTo(9002);
        assertThat(loaded.config().proxy().retryBackoff()).isEqualTo(3.5);
        assertThat(loaded.values().value(ConfigKeys.PORT).orElseThrow().source()).isEqualTo(ResolvedValues.Source.ENV);
    }

    @Test
    void flagBeatsTheEnvironment() throws IOException {
        writeConfig("{\"port\": 9001, \"log_level\": \"WARN\"}");

        LoadedConfig loaded = ConfigLoader.load(Map.of("--port", "9003", "--log-level", "debug", "--host", "0.0.0.0",
                "--db", home.resolve("flag.db").toString()), env("PORT", "9002", "LOG_LEVEL", "ERROR",
                "CCFLARE_DB_PATH", "/env.db"));

        assertThat(loaded.config().server().port()).isEqualTo(9003);
        assertThat(loaded.config().logging().level()).isEqualTo("DEBUG");
        assertThat(loaded.config().server().host()).isEqualTo("0.0.0.0");
        assertThat(loaded.config().storage().dbPath()).isEqualTo(home.resolve("flag.db"));
        assertThat(loaded.values().value(ConfigKeys.PORT).orElseThrow().source()).isEqualTo(ResolvedValues.Source.FLAG);
    }

    @Test
    void configFileIsTakenFromTheFlagBeforeTheEnvironment() throws IOException {
        Path byEnv = home.resolve("env.json");
        Path byFlag = home.resolve("flag.json");
        Files.writeString(byEnv, "{\"port\": 1111}");
        Files.writeString(byFlag, "{\"port\": 2222}");

        assertThat(ConfigLoader.load(Map.of(), env("CCFLARE_CONFIG_PATH", byEnv.toString())).config().server().port())
                .isEqualTo(1111);
        assertThat(ConfigLoader.load(Map.of("--config", byFlag.toString()), env("CCFLARE_CONFIG_PATH", byEnv.toString()))
                .config().server().port()).isEqualTo(2222);
    }

    @Test
    void acceptsTheOriginalLowerCasePrefixedPathVariables() throws IOException {
        Path cfg = home.resolve("orig.json");
        Files.writeString(cfg, "{\"port\": 3333}");

        LoadedConfig loaded = ConfigLoader.load(Map.of(), env("ccflare_CONFIG_PATH", cfg.toString(),
                "ccflare_DB_PATH", home.resolve("orig.db").toString()));

        assertThat(loaded.config().server().port()).isEqualTo(3333);
        assertThat(loaded.config().storage().dbPath()).isEqualTo(home.resolve("orig.db"));
        assertThat(ConfigLoader.load(Map.of(), env("ccflare_DB_PATH", "/orig.db", "CCFLARE_DB_PATH", "/new.db"))
                .config().storage().dbPath()).isEqualTo(Path.of("/new.db"));
    }

    @Test
    void socketDefaultsBesideAnExplicitDatabase() {
        Config c = ConfigLoader.load(Map.of(), env("CCFLARE_DB_PATH", "/srv/cc/ccflare.db")).config();

        assertThat(c.server().socketPath()).isEqualTo(Path.of("/srv/cc/run/ccflare.sock"));
    }

    @Test
    void expandsTildeAndMakesRelativePathsAbsolute() {
        Config c = ConfigLoader.load(Map.of(), env("CCFLARE_DB_PATH", "~/data/x.db", "CCFLARE_SOCKET_PATH", "rel/s.sock")).config();

        assertThat(c.storage().dbPath()).isEqualTo(home.resolve("data/x.db"));
        assertThat(c.server().socketPath()).isEqualTo(Path.of("rel/s.sock").toAbsolutePath());
    }

    @Test
    void allowedHostsAreAListOfNamesAndABadOneIsRefusedByName() {
        Config c = ConfigLoader.load(Map.of(), env("CCFLARE_ALLOWED_HOSTS", "ccflare.lan, 192.168.1.5")).config();
        assertThat(c.server().allowedHosts()).containsExactly("ccflare.lan", "192.168.1.5");
        assertThat(c.server().hostPolicy().allowedAuthority("ccflare.lan:8080")).isTrue();
        assertThat(ConfigLoader.load(Map.of(), env()).config().server().allowedHosts()).isEmpty();

        assertThat(failure(Map.of(), env("CCFLARE_ALLOWED_HOSTS", "ccflare.lan,http://x.lan")).getMessage())
                .isEqualTo("ccflare: CCFLARE_ALLOWED_HOSTS=ccflare.lan,http://x.lan: 'http://x.lan' is not a host name or IP"
                        + " address (expected: comma-separated host names or IP addresses without port, e.g."
                        + " ccflare.lan,192.168.1.5)");
    }

    @Test
    void emptyEnvironmentVariableCountsAsUnset() throws IOException {
        writeConfig("{\"port\": 9001}");

        assertThat(ConfigLoader.load(Map.of(), env("PORT", "")).config().server().port()).isEqualTo(9001);
    }

    @Test
    void missingDefaultConfigFileIsFine() {
        assertThat(Files.exists(home.resolve(".config/ccflare/ccflare.json"))).isFalse();

        assertThat(ConfigLoader.load(Map.of(), env()).config().server().port()).isEqualTo(8080);
    }

    @Test
    void missingExplicitConfigFileStopsStartUp() {
        String missing = home.resolve("nope.json").toString();

        assertThat(failure(Map.of(), env("CCFLARE_CONFIG_PATH", missing)).getMessage())
                .isEqualTo("ccflare: CCFLARE_CONFIG_PATH=" + missing + " (expected: an existing JSON config file)");
        assertThat(failure(Map.of("--config", missing), env()).getMessage())
                .isEqualTo("ccflare: --config=" + missing + " (expected: an existing JSON config file)");
        assertThat(failure(Map.of(), env("ccflare_CONFIG_PATH", missing)).getMessage()).startsWith("ccflare: ccflare_CONFIG_PATH=");
    }

    @Test
    void malformedConfigFileStopsStartUpNamingTheFileAndPosition() throws IOException {
        Path file = writeConfig("{\"port\": 80,\n  oops }");

        assertThat(failure(Map.of(), env()).getMessage())
                .startsWith("ccflare: config file " + file + " is not valid JSON: ")
                .contains("line 2")
                .endsWith("(expected: a JSON object of settings)");
    }

    @Test
    void configFileThatIsNotAnObjectStopsStartUp() throws IOException {
        Path file = writeConfig("[1, 2]");

        assertThat(failure(Map.of(), env()).getMessage())
                .isEqualTo("ccflare: config file " + file + " holds a JSON array (expected: a JSON object of settings)");
    }

    @Test
    void duplicateKeyInTheConfigFileStopsStartUp() throws IOException {
        writeConfig("{\"port\": 1, \"port\": 2}");

        assertThat(failure(Map.of(), env()).getMessage()).contains("Duplicate field 'port'");
    }

    @Test
    void unreadableConfigFileStopsStartUp() throws IOException {
        // A directory in the file's place cannot be read by anyone, root included (tests may run as root).
        Path dir = Files.createDirectories(home.resolve("dir.json"));

        assertThat(failure(Map.of(), env("CCFLARE_CONFIG_PATH", dir.toString())).getMessage())
                .startsWith("ccflare: config file " + dir + " cannot be read: IOException")
                .endsWith("(expected: a readable JSON file)");
    }

    @Test
    void emptyConfigFileIsAnEmptyObject() throws IOException {
        writeConfig("");

        assertThat(ConfigLoader.load(Map.of(), env()).config().server().port()).isEqualTo(8080);
    }

    @Test
    void unknownConfigFileKeysAreWarnedAboutNotFatal() throws IOException {
        Path file = writeConfig("{\"lb_strategy\": \"session\", \"default_agent_model\": \"claude-sonnet-4-20250514\"}");

        LoadedConfig loaded = ConfigLoader.load(Map.of(), env());

        assertThat(loaded.warnings()).containsExactly("config file " + file + ": unknown key 'default_agent_model' ignored");
    }

    @Test
    void readsTheOriginalsConfigFileAsIs() throws IOException {
        writeConfig("""
                {
                  "lb_strategy": "session",
                  "client_id": "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
                  "retry_attempts": 3,
                  "retry_delay_ms": 1000,
                  "retry_backoff": 2,
                  "session_duration_ms": 18000000,
                  "port": 8080,
                  "default_agent_model": "claude-sonnet-4-20250514",
                  "data_retention_days": 14,
                  "request_retention_days": 90
                }
                """);

        LoadedConfig loaded = ConfigLoader.load(Map.of(), env());

        assertThat(loaded.config().recording().dataRetentionDays()).isEqualTo(14);
        assertThat(loaded.config().recording().requestRetentionDays()).isEqualTo(90);
        assertThat(loaded.warnings()).hasSize(1);
    }

    @Test
    void badEnvironmentValueStopsStartUpWithOneLine() {
        assertThat(failure(Map.of(), env("PORT", "abc")).getMessage())
                .isEqualTo("ccflare: PORT=abc (expected: an integer 0..65535)");
        assertThat(failure(Map.of(), env("PORT", "70000")).getMessage())
                .isEqualTo("ccflare: PORT=70000 (expected: an integer 0..65535)");
        assertThat(failure(Map.of(), env("RETRY_BACKOFF", "0.5")).getMessage())
                .isEqualTo("ccflare: RETRY_BACKOFF=0.5 (expected: a number 1..100)");
        assertThat(failure(Map.of(), env("RETRY_BACKOFF", "NaN")).getMessage()).startsWith("ccflare: RETRY_BACKOFF=NaN");
        assertThat(failure(Map.of(), env("DATA_RETENTION_DAYS", "0")).getMessage())
                .isEqualTo("ccflare: DATA_RETENTION_DAYS=0 (expected: an integer 1..365)");
        assertThat(failure(Map.of(), env("LB_STRATEGY", "round-robin")).getMessage())
                .isEqualTo("ccflare: LB_STRATEGY=round-robin (expected: session)");
        assertThat(failure(Map.of(), env("LOG_LEVEL", "loud")).getMessage())
                .isEqualTo("ccflare: LOG_LEVEL=loud (expected: TRACE, DEBUG, INFO, WARN or ERROR)");
        assertThat(failure(Map.of(), env("CCFLARE_OPENAI_BASE_URL", "ftp://x")).getMessage())
                .isEqualTo("ccflare: CCFLARE_OPENAI_BASE_URL=ftp://x (expected: an absolute http(s) URL)");
        assertThat(failure(Map.of(), env("CCFLARE_CAPTURE_PAYLOADS", "maybe")).getMessage())
                .isEqualTo("ccflare: CCFLARE_CAPTURE_PAYLOADS=maybe (expected: true or false)");
    }

    @Test
    void badFlagValueNamesTheFlag() {
        assertThat(failure(Map.of("--port", "x"), env()).getMessage())
                .isEqualTo("ccflare: --port=x (expected: an integer 0..65535)");
    }

    @Test
    void badConfigFileValueNamesTheFileKeyAndTheFile() throws IOException {
        Path file = writeConfig("{\"session_duration_ms\": -5, \"port\": {\"a\": 1}}");

        assertThat(failure(Map.of(), env()).getMessage())
                .isEqualTo("ccflare: port={\"a\":1} in " + file + " (expected: an integer 0..65535)");
        writeConfig("{\"session_duration_ms\": -5}");
        assertThat(failure(Map.of(), env()).getMessage())
                .isEqualTo("ccflare: session_duration_ms=-5 in " + file
                        + " (expected: an integer number of milliseconds 1..2592000000)");
        writeConfig("{\"port\": 80.5}");
        assertThat(failure(Map.of(), env()).getMessage()).startsWith("ccflare: port=80.5 in ");
    }

    @Test
    void badSecretIsNamedButNeverPrinted() {
        String message = failure(Map.of(), env("CCFLARE_ADMIN_TOKEN", "short secret")).getMessage();

        assertThat(message).isEqualTo(
                "ccflare: CCFLARE_ADMIN_TOKEN=<redacted> (expected: at least 16 printable characters without spaces)");
        assertThat(message).doesNotContain("short");
    }

    @Test
    void adminTokenFromTheEnvironmentIsPassedOn() {
        assertThat(ConfigLoader.load(Map.of(), env("CCFLARE_ADMIN_TOKEN", "0123456789abcdefXYZ")).config().server().adminToken())
                .isEqualTo("0123456789abcdefXYZ");
    }

    @Test
    void pricingFileIsOptional() {
        assertThat(ConfigLoader.load(Map.of(), env("CCFLARE_PRICING_FILE", "/etc/ccflare/prices.json")).config()
                .recording().pricingFile()).isEqualTo(Path.of("/etc/ccflare/prices.json"));
    }

    // ---- CCFLARE_UPSTREAM_CA_FILE ------------------------------------------------------------

    private static final String CA_EXPECTED = " (expected: a readable PEM file of one or more X.509 certificates)";

    @Test
    void withoutAnUpstreamCaFileTheProxyTrustsTheJdkDefaultsAlone() {
        assertThat(ConfigLoader.load(Map.of(), env()).config().proxy().upstreamCaCertificates()).isEmpty();
    }

    @Test
    void upstreamCaFileHandsEveryCertificateOfTheBundleToTheProxy() throws IOException {
        TestCertificate one = TestCertificate.shared();
        TestCertificate two = TestCertificate.generate(home);
        Path pem = Files.writeString(home.resolve("corp-ca.pem"),
                "# corporate proxy CA\n" + one.pem() + "subject=CN=second\n" + two.pem());

        Config c = ConfigLoader.load(Map.of(), env("CCFLARE_UPSTREAM_CA_FILE", pem.toString())).config();

        assertThat(c.proxy().upstreamCaCertificates()).hasSize(2)
                .allSatisfy(cert -> assertThat(cert.getSubjectX500Principal().getName()).contains("ccflare fake upstream"));
        assertThat(c.proxy().upstreamCaCertificates().get(0)).isNotEqualTo(c.proxy().upstreamCaCertificates().get(1));
    }

    @Test
    void upstreamCaFileIsReadFromTheConfigFileToo() throws IOException {
        Path pem = TestCertificate.shared().writePem(home.resolve("ca.pem"));
        writeConfig("{\"upstream_ca_file\": \"" + pem + "\"}");

        assertThat(ConfigLoader.load(Map.of(), env()).config().proxy().upstreamCaCertificates()).hasSize(1);
    }

    @Test
    void aMissingUpstreamCaFileStopsTheStartNamingTheFile() {
        Path missing = home.resolve("nope.pem");
        assertThat(failure(Map.of(), env("CCFLARE_UPSTREAM_CA_FILE", missing.toString())).getMessage())
                .isEqualTo("ccflare: CCFLARE_UPSTREAM_CA_FILE=" + missing + ": no such file" + CA_EXPECTED);
    }

    @Test
    void anUnreadableUpstreamCaFileStopsTheStart() throws IOException {
        Path dir = Files.createDirectories(home.resolve("a-directory.pem"));
        assertThat(failure(Map.of(), env("CCFLARE_UPSTREAM_CA_FILE", dir.toString())).getMessage())
                .isEqualTo("ccflare: CCFLARE_UPSTREAM_CA_FILE=" + dir + ": is a directory" + CA_EXPECTED);
    }

    @Test
    void anUpstreamCaFileWithoutPemCertificatesStopsTheStart() throws IOException {
        Path der = Files.write(home.resolve("ca.der"), new byte[] {0x30, (byte) 0x82, 0x01, 0x0a, 0x02});
        assertThat(failure(Map.of(), env("CCFLARE_UPSTREAM_CA_FILE", der.toString())).getMessage())
                .isEqualTo("ccflare: CCFLARE_UPSTREAM_CA_FILE=" + der
                        + ": holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' block)" + CA_EXPECTED);
    }

    @Test
    void anUpstreamCaFileWhoseBlockIsNotACertificateStopsTheStartNamingTheBlock() throws IOException {
        String garbage = "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
        Path pem = Files.writeString(home.resolve("bad.pem"), TestCertificate.shared().pem() + garbage);

        String message = failure(Map.of(), env("CCFLARE_UPSTREAM_CA_FILE", pem.toString())).getMessage();

        assertThat(message).startsWith("ccflare: CCFLARE_UPSTREAM_CA_FILE=" + pem + ": certificate 2 cannot be parsed")
                .endsWith(CA_EXPECTED);
    }

    @Test
    void anUpstreamCaFileWithAnUnfinishedBlockStopsTheStart() throws IOException {
        Path pem = Files.writeString(home.resolve("cut.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        assertThat(failure(Map.of(), env("CCFLARE_UPSTREAM_CA_FILE", pem.toString())).getMessage())
                .isEqualTo("ccflare: CCFLARE_UPSTREAM_CA_FILE=" + pem + ": a certificate block has no matching END line" + CA_EXPECTED);
    }

    @Test
    void baseUrlsLoseTheirTrailingSlash() {
        Config c = ConfigLoader.load(Map.of(), env("CCFLARE_ANTHROPIC_BASE_URL", "http://127.0.0.1:9999/")).config();

        assertThat(c.proxy().baseUrl(ProviderKind.ANTHROPIC)).isEqualTo("http://127.0.0.1:9999");
        assertThat(c.proxy().baseUrl(ProviderKind.CLAUDE_CODE)).isEqualTo(ProviderKind.CLAUDE_CODE.defaultBaseUrl());
    }

    static Stream<ConfigKey<?>> everyKey() {
        return ConfigKeys.ALL.stream();
    }

    /** Every key refuses some text, and the refusal is the one documented line, whatever the source. */
    @ParameterizedTest
    @MethodSource("everyKey")
    void everyKeyRefusesBadTextWithOneLineNamingKeyValueAndExpectation(ConfigKey<?> key) throws IOException {
        String bad = null;
        String problem = "";
        for (String candidate : List.of("abc", "has space", "\u0000")) {
            try {
                key.parser().parse(candidate, env());
            } catch (IllegalArgumentException refused) {
                bad = candidate;
                // A file read at load names what is wrong with it ("no such file") before the expectation.
                if (refused instanceof ValueParser.Refused) problem = ": " + refused.getMessage();
                break;
            }
        }
        assertThat(bad).as(key.env() + " refuses something").isNotNull();
        String shown = key.secret() ? "<redacted>" : bad.strip();
        String expected = problem + " (expected: " + key.parser().expectation() + ")";

        if (key == ConfigKeys.CONFIG_PATH) return; // a bad path cannot be named in the environment (NUL); covered above
        assertThat(failure(Map.of(), env(key.env(), bad)).getMessage())
                .isEqualTo("ccflare: " + key.env() + "=" + shown + expected);
        if (key.hasFileKey()) {
            Path file = writeConfig(ConfigLoader.fileMapper().writeValueAsString(Map.of(key.fileKey(), bad)));
            assertThat(failure(Map.of(), env()).getMessage())
                    .isEqualTo("ccflare: " + key.fileKey() + "=" + shown + " in " + file + expected);
            Files.delete(file);
        }
        if (key.hasFlag()) {
            assertThat(failure(Map.of(key.flag(), bad), env()).getMessage())
                    .isEqualTo("ccflare: " + key.flag() + "=" + shown + expected);
        }
    }

    @Test
    void recordValidationMessagesBecomeTheSameOneLine() {
        assertThat(ConfigLoader.oneLine("PORT: 70000 (expected: 0..65535)")).isEqualTo("PORT=70000 (expected: 0..65535)");
        assertThat(ConfigLoader.oneLine("something\nodd")).isEqualTo("something odd");
        assertThatThrownBy(() -> new Config.Server("h", List.of(), 70000, Path.of("/s"), "", Duration.ZERO))
                .hasMessage("PORT: 70000 (expected: 0..65535)");
    }

    @Test
    void configKeysAreEqualExactlyWhenTheirComponentsAreLikeRecordsAre() {
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            ConfigKey<?> copy = new ConfigKey<>(key.env(), key.envAliases(), key.fileKey(), key.flag(), key.defaultDoc(),
                    key.defaultRule(), key.parser(), key.description(), key.secret(), key.live());
            assertThat(copy).isEqualTo(key).hasSameHashCodeAs(key);
            ConfigKey<?> other = new ConfigKey<>(key.env(), key.envAliases(), key.fileKey(), key.flag(), key.defaultDoc(),
                    key.defaultRule(), key.parser(), key.description() + ".", key.secret(), key.live());
            assertThat(other).isNotEqualTo(key);
        }
        assertThat(ConfigKeys.ALL).doesNotHaveDuplicates();
    }
}

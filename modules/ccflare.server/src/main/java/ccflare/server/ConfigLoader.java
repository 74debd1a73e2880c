package ccflare.server;

import static java.util.Objects.requireNonNull;

import ccflare.core.Config;
import ccflare.core.ProviderKind;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves every key of {@link ConfigKeys#ALL} (flag, then environment, then config file, then
 * default), parses and validates it, and builds the {@link Config} records. Logs nothing itself:
 * logging is configured from its result, so problems that do not stop start-up come back as
 * {@link LoadedConfig#warnings()}.
 */
final class ConfigLoader {

    /**
     * The mapper for the config file: duplicate keys are an error, not "the last one wins". Made on
     * first use (most starts have no config file): Jackson's first mapper costs tens of milliseconds
     * of start-up, which the price table's loading pays on another thread meanwhile.
     */
    static ObjectMapper fileMapper() {
        return FileMapper.INSTANCE;
    }

    private static final class FileMapper {
        static final ObjectMapper INSTANCE = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    private static final Pattern RECORD_MESSAGE = Pattern.compile("^(\\S+): (.*) \\(expected: (.*)\\)$");

    private ConfigLoader() {}

    /**
     * @param flags the command-line flags by name ({@code --port} → {@code 8080})
     * @param env   the process environment
     * @throws StartupException exit code 2, with one line naming the key, the value and the expectation
     */
    static LoadedConfig load(Map<String, String> flags, Map<String, String> env) {
        requireNonNull(flags, "flags");
        requireNonNull(env, "env");
        Map<ConfigKey<?>, ResolvedValues.Value> values = new HashMap<>();
        List<String> warnings = new ArrayList<>();

        ResolvedValues.Value configPath = resolve(ConfigKeys.CONFIG_PATH, flags, env, null, null, values);
        Path configFile = (Path) configPath.value();
        ObjectNode file = readFile(configFile, configPath.source() != ResolvedValues.Source.DEFAULT, configPath.text(),
                configPath.source() == ResolvedValues.Source.FLAG ? ConfigKeys.CONFIG_PATH.flag() : envName(ConfigKeys.CONFIG_PATH, env));
        values.put(ConfigKeys.CONFIG_PATH, configPath);

        for (var it = file.properties().iterator(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (ConfigKeys.byFileKey(name).isEmpty()) {
                warnings.add("config file " + configFile + ": unknown key '" + name + "' ignored");
            }
        }
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            if (key == ConfigKeys.CONFIG_PATH) continue;
            ResolvedValues.Value v = resolve(key, flags, env, file, configFile, values);
            if (v != null) values.put(key, v);
        }
        ResolvedValues resolved = new ResolvedValues(values);
        return new LoadedConfig(build(resolved), configFile, resolved, warnings);
    }

    /** Builds the records from resolved values; record validation failures become the same one line. */
    static Config build(ResolvedValues v) {
        try {
            Map<ProviderKind, String> baseUrls = new EnumMap<>(ProviderKind.class);
            ConfigKeys.BASE_URLS.forEach((kind, key) -> baseUrls.put(kind, v.get(key)));
            return new Config(
                    new Config.Server(v.get(ConfigKeys.HOST), v.get(ConfigKeys.ALLOWED_HOSTS), v.get(ConfigKeys.PORT),
                            v.get(ConfigKeys.SOCKET_PATH),
                            v.find(ConfigKeys.ADMIN_TOKEN).orElse(""), Duration.ofMillis(v.get(ConfigKeys.DRAIN_TIMEOUT_MS))),
                    new Config.Storage(v.get(ConfigKeys.DB_PATH)),
                    new Config.Proxy(baseUrls, Duration.ofMillis(v.get(ConfigKeys.SESSION_DURATION_MS)),
                            v.get(ConfigKeys.RETRY_ATTEMPTS), Duration.ofMillis(v.get(ConfigKeys.RETRY_DELAY_MS)),
                            v.get(ConfigKeys.RETRY_BACKOFF), v.get(ConfigKeys.MAX_ATTEMPTS), v.get(ConfigKeys.MAX_BODY_BYTES),
                            v.get(ConfigKeys.MAX_HEADER_BYTES), v.get(ConfigKeys.MAX_IN_FLIGHT),
                            Duration.ofMillis(v.get(ConfigKeys.CONNECT_TIMEOUT_MS)),
                            Duration.ofMillis(v.get(ConfigKeys.FIRST_BYTE_TIMEOUT_MS)),
                            Duration.ofMillis(v.get(ConfigKeys.STREAM_IDLE_TIMEOUT_MS)),
                            v.find(ConfigKeys.UPSTREAM_CA_FILE).map(CaBundle::certificates).orElse(List.of())),
                    new Config.Recording(v.get(ConfigKeys.CAPTURE_PAYLOADS), v.get(ConfigKeys.PAYLOAD_MAX_BYTES),
                            v.get(ConfigKeys.DATA_RETENTION_DAYS), v.get(ConfigKeys.REQUEST_RETENTION_DAYS),
                            v.find(ConfigKeys.PRICING_FILE).orElse(null)),
                    new Config.OAuth(v.get(ConfigKeys.CLAUDE_OAUTH_AUTHORIZE_URL), v.get(ConfigKeys.CLAUDE_OAUTH_TOKEN_URL),
                            v.get(ConfigKeys.CLAUDE_OAUTH_REDIRECT_URI), v.get(ConfigKeys.CLIENT_ID),
                            v.get(ConfigKeys.CODEX_OAUTH_AUTHORIZE_URL), v.get(ConfigKeys.CODEX_OAUTH_TOKEN_URL),
                            v.get(ConfigKeys.CODEX_CLIENT_ID), v.get(ConfigKeys.CODEX_CALLBACK_PORT)),
                    new Config.Logging(v.get(ConfigKeys.LOG_LEVEL), v.get(ConfigKeys.LOG_FORMAT)));
        } catch (IllegalArgumentException e) {
            throw new StartupException(2, "ccflare: " + oneLine(e.getMessage()), e);
        }
    }

    /** "PORT: 70000 (expected: 0..65535)" from a record constructor → "PORT=70000 (expected: 0..65535)". */
    static String oneLine(String recordMessage) {
        String flat = recordMessage == null ? "invalid configuration" : recordMessage.replaceAll("\\s*[\\r\\n]+\\s*", " ");
        Matcher m = RECORD_MESSAGE.matcher(flat);
        return m.matches() ? m.group(1) + "=" + m.group(2) + " (expected: " + m.group(3) + ")" : flat;
    }

    private static ResolvedValues.Value resolve(ConfigKey<?> key, Map<String, String> flags, Map<String, String> env,
                                              ObjectNode file, Path configFile, Map<ConfigKey<?>, ResolvedValues.Value> resolved) {
        String text = null;
        ResolvedValues.Source source = null;
        String origin = null;
        if (key.hasFlag() && flags.containsKey(key.flag())) {
            text = flags.get(key.flag());
            source = ResolvedValues.Source.FLAG;
            origin = key.flag();
        }
        if (text == null) {
            for (String name : names(key)) {
                String e = env.get(name);
                if (e != null && !e.isEmpty()) {
                    text = e;
                    source = ResolvedValues.Source.ENV;
                    origin = name;
                    break;
                }
            }
        }
        if (text == null && file != null && key.hasFileKey() && file.hasNonNull(key.fileKey())) {
            JsonNode node = file.get(key.fileKey());
            origin = key.fileKey();
            source = ResolvedValues.Source.FILE;
            if (!node.isValueNode()) {
                throw new StartupException(2, "ccflare: " + key.fileKey() + "=" + key.show(compact(node)) + " in " + configFile
                        + " (expected: " + key.parser().expectation() + ")", null);
            }
            text = node.asText();
        }
        if (text == null) {
            text = key.defaultRule().text(env, k -> {
                ResolvedValues.Value v = resolved.get(k);
                return v == null ? null : v.value();
            });
            if (text == null) return null;
            source = ResolvedValues.Source.DEFAULT;
            origin = key.env() + " (default)";
        }
        try {
            return new ResolvedValues.Value(key.parser().parse(text, env), text, source);
        } catch (IllegalArgumentException e) {
            String where = source == ResolvedValues.Source.FILE ? " in " + configFile : "";
            String problem = e instanceof ValueParser.Refused ? ": " + e.getMessage() : "";
            throw new StartupException(2, "ccflare: " + origin + "=" + key.show(text) + where + problem
                    + " (expected: " + key.parser().expectation() + ")", e);
        }
    }

    private static List<String> names(ConfigKey<?> key) {
        List<String> names = new ArrayList<>(1 + key.envAliases().size());
        names.add(key.env());
        names.addAll(key.envAliases());
        return names;
    }

    /** The environment name the user actually set (an alias when only the alias is set). */
    private static String envName(ConfigKey<?> key, Map<String, String> env) {
        for (String name : names(key)) {
            String v = env.get(name);
            if (v != null && !v.isEmpty()) return name;
        }
        return key.env();
    }

    /**
     * Reads the config file as a JSON object. A missing file is an empty object when it is the
     * default location, and an error when the user named it.
     */
    private static ObjectNode readFile(Path path, boolean explicit, String text, String origin) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            if (!explicit) return JsonNodeFactory.instance.objectNode();
            throw new StartupException(2, "ccflare: " + origin + "=" + text + " (expected: an existing JSON config file)", e);
        } catch (IOException e) {
            throw new StartupException(2, "ccflare: config file " + path + " cannot be read: " + describe(e)
                    + " (expected: a readable JSON file)", e);
        }
        JsonNode root;
        try {
            root = fileMapper().readTree(bytes);
        } catch (IOException e) {
            throw new StartupException(2, "ccflare: config file " + path + " is not valid JSON: " + describe(e)
                    + " (expected: a JSON object of settings)", e);
        }
        if (root == null || root.isMissingNode()) return JsonNodeFactory.instance.objectNode();
        if (!(root instanceof ObjectNode object)) {
            throw new StartupException(2, "ccflare: config file " + path + " holds a JSON " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + " (expected: a JSON object of settings)", null);
        }
        return object;
    }

    private static String describe(IOException e) {
        String msg;
        if (e instanceof JsonProcessingException j) {
            var loc = j.getLocation();
            msg = j.getOriginalMessage() + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr());
        } else {
            msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        }
        return msg.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    private static String compact(JsonNode node) {
        String s = node.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}

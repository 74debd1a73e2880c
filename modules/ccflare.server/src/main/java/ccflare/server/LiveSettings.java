package ccflare.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings as the API sees them: a view of every non-secret setting under its config-file name,
 * and updates of the keys marked {@link ConfigKey#live()}. An update is validated like a value from
 * any other source, written into the config file atomically (other keys in the file are kept), and
 * then applied: the log level and the retention windows at once, the rest at the next start.
 */
final class LiveSettings implements ccflare.api.RuntimeSettings {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSettings.class);

    private final Path configFile;
    private final Map<String, String> env;
    private final Consumer<String> onLogLevel;
    /** The TCP port actually bound, once listening; -1 before. With PORT=0 it differs from the setting. */
    private volatile int boundPort = -1;
    private volatile ResolvedValues values;

    /**
     * @param onLogLevel called with the new level after a {@code log_level} change
     */
    LiveSettings(LoadedConfig loaded, Map<String, String> env, Consumer<String> onLogLevel) {
        this.configFile = loaded.configFile();
        this.values = loaded.values();
        this.env = Map.copyOf(env);
        this.onLogLevel = requireNonNull(onLogLevel, "onLogLevel");
    }

    /** Payload retention in force now. */
    int dataRetentionDays() { return values.get(ConfigKeys.DATA_RETENTION_DAYS); }

    /** Request-row retention in force now. */
    int requestRetentionDays() { return values.get(ConfigKeys.REQUEST_RETENTION_DAYS); }

    /** Records the port the TCP connector bound, so the view shows it (PORT=0 picks a free one). */
    void listeningOn(int port) { boundPort = port; }

    @Override
    public Map<String, Object> view() {
        ResolvedValues now = values;
        Map<String, Object> view = new LinkedHashMap<>();
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            if (!key.hasFileKey() || key.secret()) continue;
            now.value(key).ifPresent(v -> view.put(key.fileKey(), switch (v.value()) {
                case Path p -> p.toString();
                case CaBundle ca -> ca.file().toString();
                default -> v.value();
            }));
        }
        // The effective port: what a client (ccflarectl dashboard) must connect to.
        if (boundPort >= 0) view.put(ConfigKeys.PORT.fileKey(), boundPort);
        return view;
    }

    @Override
    public synchronized Map<String, Object> update(Map<String, Object> changes) {
        requireNonNull(changes, "changes");
        if (changes.isEmpty()) throw new IllegalArgumentException("no settings given (expected: one or more of " + liveNames() + ")");
        Map<ConfigKey<?>, ResolvedValues.Value> next = new HashMap<>(values.byKey());
        Map<String, Object> written = new LinkedHashMap<>();
        for (Map.Entry<String, Object> change : changes.entrySet()) {
            ConfigKey<?> key = ConfigKeys.byFileKey(change.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    "unknown setting '" + change.getKey() + "' (expected one of: " + liveNames() + ")"));
            if (!key.live()) {
                throw new IllegalArgumentException(key.fileKey() + ": cannot be changed while running (set " + key.env()
                        + " or edit " + configFile + " and restart; changeable now: " + liveNames() + ")");
            }
            String text = text(key, change.getValue());
            Object parsed;
            try {
                parsed = key.parser().parse(text, env);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key.fileKey() + "=" + text + " (expected: " + key.parser().expectation() + ")", e);
            }
            next.put(key, new ResolvedValues.Value(parsed, text, ResolvedValues.Source.FILE));
            written.put(key.fileKey(), parsed);
        }
        ResolvedValues candidate = new ResolvedValues(next);
        try {
            ConfigLoader.build(candidate); // the records' own cross-checks
        } catch (StartupException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^ccflare: ", ""), e);
        }
        persist(written);
        ResolvedValues before = values;
        values = candidate;
        for (String name : written.keySet()) {
            ConfigKey<?> key = ConfigKeys.byFileKey(name).orElseThrow();
            before.value(key).filter(v -> v.source() == ResolvedValues.Source.ENV || v.source() == ResolvedValues.Source.FLAG)
                    .ifPresent(v -> LOG.warn("Setting {} saved in {}, but {} also sets it and wins at the next start",
                            name, configFile, v.source() == ResolvedValues.Source.ENV ? key.env() : key.flag()));
        }
        LOG.info("Settings changed: {}", written);
        if (written.containsKey(ConfigKeys.LOG_LEVEL.fileKey())) onLogLevel.accept(candidate.get(ConfigKeys.LOG_LEVEL));
        return view();
    }

    private static String text(ConfigKey<?> key, Object value) {
        return switch (value) {
            case String s -> s;
            case Integer _, Long _, Short _, Byte _, BigInteger _, Boolean _ -> value.toString();
            case Double _, Float _ -> BigDecimal.valueOf(((Number) value).doubleValue()).stripTrailingZeros().toPlainString();
            case BigDecimal d -> d.stripTrailingZeros().toPlainString();
            case null, default -> throw new IllegalArgumentException(key.fileKey() + "="
                    + (value == null ? "null" : value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT))
                    + " (expected: " + key.parser().expectation() + ")");
        };
    }

    /** Rewrites the config file with {@code written} merged in: temp file in the same directory, fsync, rename. */
    private void persist(Map<String, Object> written) {
        try {
            ObjectNode root;
            try {
                JsonNode existing = ConfigLoader.fileMapper().readTree(Files.readAllBytes(configFile));
                if (existing != null && !existing.isMissingNode() && !(existing instanceof ObjectNode)) {
                    throw new IOException(configFile + " is not a JSON object; not overwritten");
                }
                root = existing instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
            } catch (NoSuchFileException absent) {
                root = JsonNodeFactory.instance.objectNode();
            }
            for (Map.Entry<String, Object> e : written.entrySet()) root.set(e.getKey(), ConfigLoader.fileMapper().valueToTree(e.getValue()));
            Path dir = configFile.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path tmp = Files.createTempFile(dir, ".ccflare.json", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                byte[] bytes = ConfigLoader.fileMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(bytes));
                    ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
                    ch.force(true);
                }
                Files.move(tmp, configFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save settings into " + configFile + ": " + e.getMessage(), e);
        }
    }

    private static String liveNames() {
        List<String> names = ConfigKeys.ALL.stream().filter(ConfigKey::live).map(ConfigKey::fileKey).toList();
        return String.join(", ", names);
    }
}

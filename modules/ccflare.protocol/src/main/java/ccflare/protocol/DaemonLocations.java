package ccflare.protocol;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the daemon keeps its database and its admin socket when nothing names them: the one rule
 * that the daemon ({@code ccflare.server}'s configuration defaults) and {@code ccflarectl}
 * (finding the socket) share, so the two cannot disagree.
 *
 * <p>The database: {@code $STATE_DIRECTORY/ccflare.db} under systemd, else
 * {@code $XDG_DATA_HOME/ccflare/ccflare.db}, else {@code $HOME/.local/share/ccflare/ccflare.db}.
 * The socket: {@code $RUNTIME_DIRECTORY/ccflare.sock} under systemd, else
 * {@code $XDG_RUNTIME_DIR/ccflare/ccflare.sock}, else {@code <database directory>/run/ccflare.sock}.
 * {@code $CCFLARE_DB_PATH} ({@code --db}) and {@code $CCFLARE_SOCKET_PATH} win over these, and
 * so do {@code db_path} and {@code socket_path} of the config file.
 *
 * <p>The home directory is {@code $HOME}, and {@code user.home} only when {@code HOME} is unset or
 * empty: under {@code sudo} or in a container the two differ, and the daemon reads {@code $HOME}.
 */
public final class DaemonLocations {

    /** The daemon's socket variable; set, it is the only place. */
    public static final String SOCKET_ENV = "CCFLARE_SOCKET_PATH";
    /** The daemon's database variable ({@code --db} on its command line). */
    public static final String DB_ENV = "CCFLARE_DB_PATH";
    /** The original ccflare's spelling of {@link #DB_ENV}, read after it. */
    public static final String DB_ENV_ALIAS = "ccflare_DB_PATH";
    /** Where the system service ({@code systemd/ccflare.service}, {@code RuntimeDirectory=ccflare}) binds its socket. */
    public static final Path SYSTEM_SOCKET = Path.of("/run/ccflare/ccflare.sock");
    /**
     * A system property that moves {@link #SYSTEM_SOCKET} elsewhere, so tests can serve a "system"
     * socket from a temporary directory. Not for production use.
     */
    public static final String SYSTEM_SOCKET_PROPERTY = "ccflare.systemSocket";

    private DaemonLocations() {}

    /** {@code $HOME}, else the JVM's {@code user.home}. */
    public static Path home(Map<String, String> env) {
        String home = env.get("HOME");
        return Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home);
    }

    /** {@code ~} or {@code ~/rest} with {@code home} in place of the tilde; anything else unchanged. */
    public static String expandHome(String text, Path home) {
        return text.equals("~") || text.startsWith("~/") ? home + text.substring(1) : text;
    }

    /** The first directory of a systemd-style (colon-separated) directory variable, when set; without a trailing slash. */
    public static Optional<String> firstDir(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return Optional.empty();
        int colon = v.indexOf(':');
        String first = colon < 0 ? v : v.substring(0, colon);
        return first.isBlank() ? Optional.empty() : Optional.of(first.endsWith("/") ? first.substring(0, first.length() - 1) : first);
    }

    /** The daemon's config file variable ({@code --config} on its command line). */
    public static final String CONFIG_ENV = "CCFLARE_CONFIG_PATH";
    /** The original ccflare's spelling of {@link #CONFIG_ENV}, read after it. */
    public static final String CONFIG_ENV_ALIAS = "ccflare_CONFIG_PATH";

    /**
     * The config file when neither {@code --config} nor {@code $CCFLARE_CONFIG_PATH} names one:
     * {@code $STATE_DIRECTORY/ccflare.json} under systemd, else {@code $XDG_CONFIG_HOME/ccflare/ccflare.json},
     * else {@code $HOME/.config/ccflare/ccflare.json}.
     */
    public static Path defaultConfigFile(Map<String, String> env, Path home) {
        requireNonNull(home, "home");
        return Path.of(firstDir(env, "STATE_DIRECTORY").map(d -> d + "/ccflare.json")
                .orElseGet(() -> firstDir(env, "XDG_CONFIG_HOME").orElse(home + "/.config") + "/ccflare/ccflare.json"));
    }

    /** The database when neither {@code --db} nor {@code $CCFLARE_DB_PATH} (nor the config file) names one. */
    public static Path defaultDatabase(Map<String, String> env, Path home) {
        requireNonNull(home, "home");
        return Path.of(firstDir(env, "STATE_DIRECTORY").map(d -> d + "/ccflare.db")
                .orElseGet(() -> firstDir(env, "XDG_DATA_HOME").orElse(home + "/.local/share") + "/ccflare/ccflare.db"));
    }

    /** The socket when {@code $CCFLARE_SOCKET_PATH} (or the config file) does not name one. */
    public static Path defaultSocket(Map<String, String> env, Path database) {
        requireNonNull(database, "database");
        return Path.of(firstDir(env, "RUNTIME_DIRECTORY").map(d -> d + "/ccflare.sock")
                .or(() -> firstDir(env, "XDG_RUNTIME_DIR").map(d -> d + "/ccflare/ccflare.sock"))
                .orElseGet(() -> socketBeside(database).toString()));
    }

    /** The socket of a daemon without a runtime directory: {@code run/ccflare.sock} beside its database. */
    public static Path socketBeside(Path database) {
        return database.toAbsolutePath().normalize().resolveSibling("run").resolve("ccflare.sock");
    }

    /** {@link #SYSTEM_SOCKET}, or the path {@link #SYSTEM_SOCKET_PROPERTY} names. */
    public static Path systemSocket() {
        String moved = System.getProperty(SYSTEM_SOCKET_PROPERTY);
        return moved == null || moved.isBlank() ? SYSTEM_SOCKET : Path.of(moved);
    }

    /**
     * Every place a daemon may be serving its socket, for a client with this environment, most
     * likely first. {@code $CCFLARE_SOCKET_PATH}, when set, is the only one. Otherwise: the config
     * file's {@code socket_path}, the runtime
     * directories a daemon of this session would use ({@code $RUNTIME_DIRECTORY},
     * {@code $XDG_RUNTIME_DIR}), then {@code run/ccflare.sock} beside the database (a daemon started
     * without a runtime directory: SSH, containers, {@code sudo}), then the system service's socket.
     *
     * @param database the database the daemon was told about ({@code --db}); empty to read
     *                 {@code $CCFLARE_DB_PATH}, then the config file's {@code db_path}, then apply
     *                 {@link #defaultDatabase}
     */
    public static List<Path> socketCandidates(Map<String, String> env, Path home, Optional<Path> database) {
        requireNonNull(env, "env");
        requireNonNull(home, "home");
        String explicit = env.get(SOCKET_ENV);
        if (explicit != null && !explicit.isBlank()) return List.of(absolute(expandHome(explicit.strip(), home)));
        Map<String, String> file = configFileValues(env, home);
        Path db = database.or(() -> databaseFromEnv(env, home))
                .or(() -> Optional.ofNullable(file.get("db_path")).map(v -> absolute(expandHome(v, home))))
                .orElseGet(() -> defaultDatabase(env, home));
        LinkedHashSet<Path> places = new LinkedHashSet<>();
        // A daemon that read the same config file binds exactly there (unless its environment overrode it).
        Optional.ofNullable(file.get("socket_path")).ifPresent(v -> places.add(absolute(expandHome(v, home))));
        firstDir(env, "RUNTIME_DIRECTORY").ifPresent(d -> places.add(absolute(d + "/ccflare.sock")));
        firstDir(env, "XDG_RUNTIME_DIR").ifPresent(d -> places.add(absolute(d + "/ccflare/ccflare.sock")));
        places.add(socketBeside(db));
        places.add(systemSocket());
        return List.copyOf(new ArrayList<>(places));
    }

    /**
     * The {@code db_path} and {@code socket_path} of the daemon's config file ({@code $CCFLARE_CONFIG_PATH},
     * else {@link #defaultConfigFile}), those that are non-empty strings. A missing, unreadable or
     * malformed file gives none: the daemon refuses to start with a malformed one, and an
     * unreadable one (another user's) cannot be helped here.
     */
    public static Map<String, String> configFileValues(Map<String, String> env, Path home) {
        Path file = null;
        for (String name : List.of(CONFIG_ENV, CONFIG_ENV_ALIAS)) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                file = absolute(expandHome(v.strip(), home));
                break;
            }
        }
        if (file == null) file = defaultConfigFile(env, home);
        Map<String, String> values = new java.util.HashMap<>();
        try {
            if (!java.nio.file.Files.isRegularFile(file)) return Map.of();
            com.fasterxml.jackson.databind.JsonNode root = Json.tree(java.nio.file.Files.readAllBytes(file));
            for (String key : List.of("db_path", "socket_path")) {
                com.fasterxml.jackson.databind.JsonNode n = root.path(key);
                if (n.isTextual() && !n.asText().isBlank()) values.put(key, n.asText().strip());
            }
        } catch (java.io.IOException | RuntimeException e) {
            return Map.of();
        }
        return Map.copyOf(values);
    }

    /** {@code $CCFLARE_DB_PATH} (else its alias), with {@code ~} expanded, when set. */
    public static Optional<Path> databaseFromEnv(Map<String, String> env, Path home) {
        for (String name : List.of(DB_ENV, DB_ENV_ALIAS)) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) return Optional.of(absolute(expandHome(v.strip(), home)));
        }
        return Optional.empty();
    }

    private static Path absolute(String path) {
        return Path.of(path).toAbsolutePath().normalize();
    }
}

package ccflare.protocol;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where the original ccflare and better-ccflare keep their database by default, for
 * {@code ccflarectl import} and {@code POST /api/maintenance/import} without a path.
 *
 * <p>ccflare: {@code $ccflare_DB_PATH}, else {@code <config>/ccflare/ccflare.db}; better-ccflare:
 * {@code $BETTER_CCFLARE_DB_PATH}, else {@code <config>/better-ccflare/better-ccflare.db}; where
 * {@code <config>} is {@code $XDG_CONFIG_HOME}, else {@code ~/.config} (on Linux and macOS alike,
 * as the originals do).
 */
public final class OriginalLocations {

    /** The originals an import reads: {@code ccflare}, {@code better-ccflare}. */
    public static final String CCFLARE = "ccflare";
    public static final String BETTER_CCFLARE = "better-ccflare";

    private OriginalLocations() {}

    /**
     * The original's default database file.
     *
     * @throws IllegalArgumentException when {@code from} is neither original
     */
    public static Path defaultDatabase(String from, Map<String, String> env) {
        requireNonNull(env, "env");
        String which = checkFrom(from);
        String override = env.get(which.equals(CCFLARE) ? "ccflare_DB_PATH" : "BETTER_CCFLARE_DB_PATH");
        if (override != null && !override.isBlank()) return Path.of(override);
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg == null || xdg.isBlank() ? DaemonLocations.home(env).resolve(".config") : Path.of(xdg);
        return which.equals(CCFLARE) ? config.resolve("ccflare").resolve("ccflare.db")
                : config.resolve("better-ccflare").resolve("better-ccflare.db");
    }

    /** {@code from} in lower case when it names an original. */
    public static String checkFrom(String from) {
        String f = from == null ? "" : from.trim().toLowerCase(Locale.ROOT);
        if (!f.equals(CCFLARE) && !f.equals(BETTER_CCFLARE)) {
            throw new IllegalArgumentException("from: " + (from == null ? "missing" : "'" + from + "'")
                    + " (expected: ccflare or better-ccflare)");
        }
        return f;
    }
}

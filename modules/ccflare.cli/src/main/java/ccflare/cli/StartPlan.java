package ccflare.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What {@code ccflarectl tui} may do when no daemon answers: offer to start the image's own
 * {@code bin/ccflare} as its child, or — when a ccflare systemd unit is installed — never start a
 * second daemon but say how to start the service, or nothing when it has no launcher to run.
 */
sealed interface StartPlan {

    /** Ask the user, then run {@code launcher}. */
    record Offer(Path launcher) implements StartPlan {}

    /** A unit is installed: the sentence that says how to start it. */
    record Service(String hint) implements StartPlan {}

    record Unavailable(String why) implements StartPlan {}

    /** Where the system's and the user's units would be. */
    static List<Path> unitPaths(Map<String, String> env, Path home) {
        String config = env.getOrDefault("XDG_CONFIG_HOME", "");
        Path user = (config.isEmpty() ? home.resolve(".config") : Path.of(config)).resolve("systemd/user/ccflare.service");
        return List.of(Path.of("/etc/systemd/system/ccflare.service"), Path.of("/usr/lib/systemd/system/ccflare.service"),
                Path.of("/lib/systemd/system/ccflare.service"), user);
    }

    /**
     * @param imageHome  the image's directory ({@code -Dccflare.home}, set by {@code bin/ccflarectl}); empty when run otherwise
     * @param units      where a unit would be ({@link #unitPaths})
     * @param exists     whether a file exists
     * @param executable whether a file may be executed
     */
    static StartPlan decide(Optional<Path> imageHome, List<Path> units, Predicate<Path> exists, Predicate<Path> executable) {
        for (Path unit : units) {
            if (exists.test(unit)) {
                boolean user = !unit.startsWith("/etc") && !unit.startsWith("/usr") && !unit.startsWith("/lib");
                return new Service("the ccflare service is installed (" + unit + "): start it with systemctl "
                        + (user ? "--user " : "") + "start ccflare");
            }
        }
        if (imageHome.isEmpty()) return new Unavailable("not run from the image (no ccflare.home)");
        Path launcher = imageHome.get().resolve("bin/ccflare");
        return executable.test(launcher) ? new Offer(launcher) : new Unavailable(launcher + " is not there or not executable");
    }
}

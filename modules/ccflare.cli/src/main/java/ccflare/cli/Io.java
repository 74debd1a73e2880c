package ccflare.cli;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

/**
 * What a command may touch outside the daemon: its streams, environment, home directory and clock,
 * and whether a person is at a terminal (then {@code remove} asks before deleting and tables use
 * colour). {@link Main#run} builds the real one; tests pass their own.
 *
 * @param interactive whether {@code in} and {@code out} are a terminal a person answers at
 * @param colour      whether ANSI styles may be written to {@code out}
 */
record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Path home, InstantSource clock,
          boolean interactive, boolean colour) {
    Io {
        requireNonNull(in, "in");
        requireNonNull(out, "out");
        requireNonNull(err, "err");
        env = Map.copyOf(env);
        requireNonNull(home, "home");
        requireNonNull(clock, "clock");
    }
}

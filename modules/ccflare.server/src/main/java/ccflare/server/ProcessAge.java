package ccflare.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How long ago this process started, from the kernel's two counters of the same clock: the
 * process's start in clock ticks since boot ({@code /proc/self/stat}, field 22) and the time since
 * boot ({@code /proc/uptime}), both to 10 ms.
 *
 * <p>{@link ProcessHandle.Info#startInstant()} is not used: it adds the boot time of
 * {@code /proc/stat}'s {@code btime}, which the kernel gives in whole seconds, so every start
 * instant of a boot is early by the same fraction of a second (187 ms on the machine where this
 * was found, which the start-up line showed as a JVM that took 280 ms to reach {@code main}
 * where {@code -Xlog:startuptime} said 98 ms).
 */
final class ProcessAge {

    /** {@code USER_HZ}: the unit of {@code /proc}'s tick counts, 100 on every Linux architecture. */
    static final long TICKS_PER_SECOND = 100;

    private ProcessAge() {}

    /** This process's age, or empty where {@code /proc} cannot be read. */
    static Optional<Duration> ofThisProcess() {
        try {
            return of(Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII),
                    Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The age from the text of {@code /proc/PID/stat} and {@code /proc/uptime}; empty when either
     * is not in the kernel's format or the start lies after the uptime.
     */
    static Optional<Duration> of(String stat, String uptime) {
        // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
        int close = stat.lastIndexOf(')');
        if (close < 0) return Optional.empty();
        String[] fields = stat.substring(close + 1).trim().split("\\s+");
        // fields[0] is field 3 (the state), so field 22 is fields[19].
        if (fields.length < 20) return Optional.empty();
        String[] up = uptime.trim().split("\\s+");
        try {
            long startTicks = Long.parseLong(fields[19]);
            long uptimeMillis = Math.round(Double.parseDouble(up[0]) * 1000);
            long age = uptimeMillis - startTicks * 1000 / TICKS_PER_SECOND;
            return age < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(age));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

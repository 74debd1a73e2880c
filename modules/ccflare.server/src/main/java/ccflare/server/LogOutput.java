package ccflare.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's log output (Logback, configured by {@code logback.xml} at the jar's root). The level
 * and format must be known before the first logger exists, so {@link #prepare} only sets the
 * properties {@code logback.xml} reads; {@link #setLevel} changes the level while running.
 */
final class LogOutput {

    /** Libraries that stay at WARN or above whatever the level: their INFO lines are noise to an operator. */
    private static final List<String> QUIET = List.of("org.eclipse.jetty", "org.flywaydb", "org.sqlite");

    private LogOutput() {}

    /** Call before any logger is made. */
    static void prepare(String level, String format) {
        System.setProperty("ccflare.log.level", level);
        System.setProperty("ccflare.log.format", format);
    }

    /** Changes the level of every logger at once, for example after {@code PATCH /api/config {"log_level":"DEBUG"}}. */
    static void setLevel(String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return; // another backend: not ours to set
        Level wanted = Level.toLevel(level, Level.INFO);
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(wanted);
        Level quiet = wanted.isGreaterOrEqual(Level.WARN) ? wanted : Level.WARN;
        for (String name : QUIET) context.getLogger(name).setLevel(quiet);
        System.setProperty("ccflare.log.level", wanted.toString());
    }
}

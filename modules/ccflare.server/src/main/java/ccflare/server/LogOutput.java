package ccflare.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's log output (Logback, configured by {@link LogConfiguration}). The level and format
 * must be known before the first logger exists, so {@link #prepare} only sets the properties
 * {@link LogConfiguration} reads; {@link #setLevel} changes the level while running.
 */
final class LogOutput {

    /** Libraries that stay at WARN or above whatever the level: their INFO lines are noise to an operator. */
    static final List<String> QUIET = List.of("org.eclipse.jetty", "org.flywaydb", "org.sqlite");

    static final String LEVEL_PROPERTY = "ccflare.log.level";
    static final String FORMAT_PROPERTY = "ccflare.log.format";
    /** "true" when stdout is systemd's journal stream ({@link JournalEncoder#isJournal}). */
    static final String JOURNAL_PROPERTY = "ccflare.log.journal";

    private LogOutput() {}

    /** Call before any logger is made; {@code env} says whether stdout is the journal. */
    static void prepare(String level, String format, Map<String, String> env) {
        System.setProperty(LEVEL_PROPERTY, level);
        System.setProperty(FORMAT_PROPERTY, format);
        System.setProperty(JOURNAL_PROPERTY, Boolean.toString(JournalEncoder.isJournal(env, stdoutLink())));
    }

    /** Where fd 1 points ({@code socket:[1234]}, a file, a pipe), when {@code /proc} says. */
    private static Optional<String> stdoutLink() {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Changes the level of every logger at once, for example after {@code PATCH /api/config {"log_level":"DEBUG"}}. */
    static void setLevel(String level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return; // another backend: not ours to set
        Level wanted = Level.toLevel(level, Level.INFO);
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(wanted);
        Level quiet = wanted.isGreaterOrEqual(Level.WARN) ? wanted : Level.WARN;
        for (String name : QUIET) context.getLogger(name).setLevel(quiet);
        System.setProperty(LEVEL_PROPERTY, wanted.toString());
    }
}

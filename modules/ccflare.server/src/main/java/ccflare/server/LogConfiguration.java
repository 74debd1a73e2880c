package ccflare.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The daemon's Logback configuration, found by Logback through {@link java.util.ServiceLoader}
 * (this module {@code provides} it); not for other callers. It builds what {@code logback.xml}
 * used to describe - stdout only, the level and format {@link LogOutput#prepare} set, the noisy
 * libraries at WARN, the syslog priority prefix and no timestamp of its own when stdout is the
 * journal ({@link JournalEncoder}) - in code, because parsing the XML (Joran: a SAX parser, its model and
 * handlers) was a visible part of the daemon's start-up. A file given with
 * {@code -Dlogback.configurationFile=…} still replaces it: then this steps aside for Logback's
 * own file configuration.
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator {

    /** The line of {@code LOG_FORMAT=pretty}. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{20} - %msg%n";
    /** The line of {@code LOG_FORMAT=pretty} in the journal, which stamps each entry itself. */
    static final String JOURNAL_PATTERN = "%-5level [%thread] %logger{20} - %msg%n";

    /** For {@link java.util.ServiceLoader}. */
    public LogConfiguration() {}

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        boolean journal = Boolean.getBoolean(LogOutput.JOURNAL_PROPERTY);
        Encoder<ILoggingEvent> lines = "json".equals(System.getProperty(LogOutput.FORMAT_PROPERTY)) ? json()
                : pretty(journal ? JOURNAL_PATTERN : PATTERN);
        lines.setContext(context);
        lines.start();
        Encoder<ILoggingEvent> encoder = journal ? new JournalEncoder(lines) : lines;
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty(LogOutput.LEVEL_PROPERTY), Level.INFO));
        root.addAppender(stdout);
        // Libraries are quiet unless something is wrong; LogOutput keeps them at WARN or above.
        for (String name : LogOutput.QUIET) context.getLogger(name).setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code LOG_FORMAT=pretty}: one readable line per event. */
    private static Encoder<ILoggingEvent> pretty(String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setPattern(pattern);
        return encoder;
    }

    /** {@code LOG_FORMAT=json}: one JSON object per line (timestamp, level, thread, logger, message, throwable). */
    private static Encoder<ILoggingEvent> json() {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        return encoder;
    }
}

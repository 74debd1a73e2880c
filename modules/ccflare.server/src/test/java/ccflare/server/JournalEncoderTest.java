package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;

class JournalEncoderTest {

    @RegisterExtension
    final SystemProperties properties = new SystemProperties();

    private void set(String key, String value) {
        properties.set(key, value);
    }

    @Test
    void levelsMapToTheSyslogPrioritiesJournalctlFiltersOn() {
        assertThat(JournalEncoder.priority(Level.ERROR)).isEqualTo(3);
        assertThat(JournalEncoder.priority(Level.WARN)).isEqualTo(4);
        assertThat(JournalEncoder.priority(Level.INFO)).isEqualTo(6);
        assertThat(JournalEncoder.priority(Level.DEBUG)).isEqualTo(7);
        assertThat(JournalEncoder.priority(Level.TRACE)).isEqualTo(7);
    }

    @Test
    void stdoutIsTheJournalOnlyWhenJournalStreamIsSetAndNamesTheStreamFdOneIs() {
        Map<String, String> env = Map.of("JOURNAL_STREAM", "8:44321");

        assertThat(JournalEncoder.isJournal(env, Optional.of("socket:[44321]"))).isTrue();
        assertThat(JournalEncoder.isJournal(env, Optional.empty())).as("no /proc: the variable is trusted").isTrue();
        assertThat(JournalEncoder.isJournal(env, Optional.of("/var/log/ccflare.log"))).as("redirected to a file").isFalse();
        assertThat(JournalEncoder.isJournal(env, Optional.of("socket:[99]"))).as("another socket").isFalse();
        assertThat(JournalEncoder.isJournal(Map.of(), Optional.of("socket:[44321]"))).isFalse();
        assertThat(JournalEncoder.isJournal(Map.of("JOURNAL_STREAM", ""), Optional.empty())).isFalse();
        assertThat(JournalEncoder.isJournal(Map.of("JOURNAL_STREAM", "garbage"), Optional.empty())).isFalse();
    }

    @Test
    void everyLineOfAnEventCarriesItsPriorityAndNoTimestampSoAStackTraceStaysAtItsLevel() {
        LoggerContext context = new LoggerContext();
        PatternLayoutEncoder lines = new PatternLayoutEncoder();
        lines.setPattern(LogConfiguration.JOURNAL_PATTERN);
        lines.setContext(context);
        JournalEncoder encoder = new JournalEncoder(lines);
        encoder.setContext(context);
        encoder.start();
        ch.qos.logback.classic.Logger logger = context.getLogger("ccflare.proxy.Exchange");

        String warn = encode(encoder, new LoggingEvent("x", logger, Level.WARN, "{} account {} skipped", null,
                new Object[] {"req_7f3a", "work"}));
        String error = encode(encoder, new LoggingEvent("x", logger, Level.ERROR, "boom", new IllegalStateException("bad"), null));

        assertThat(warn).matches("<4>WARN  \\[[^]]+\\] c\\.proxy\\.Exchange - req_7f3a account work skipped\n");
        assertThat(error.lines()).hasSizeGreaterThan(2).allMatch(l -> l.startsWith("<3>"));
        assertThat(error).contains("<3>java.lang.IllegalStateException: bad\n").endsWith("\n");
    }

    @Test
    void theDaemonsConfigurationUsesItWhenStdoutIsTheJournal() {
        set(LogOutput.LEVEL_PROPERTY, "INFO");
        set(LogOutput.FORMAT_PROPERTY, "pretty");
        set(LogOutput.JOURNAL_PROPERTY, "true");
        set("logback.configurationFile", null);
        LoggerContext context = new LoggerContext();

        new LogConfiguration().configure(context);

        ConsoleAppender<ILoggingEvent> stdout = (ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME)
                .getAppender("STDOUT");
        assertThat(stdout.getEncoder()).isInstanceOf(JournalEncoder.class);
        String line = encode(stdout.getEncoder(), new LoggingEvent("x", context.getLogger("ccflare.server.Daemon"), Level.INFO,
                "Stopped", null, null));
        assertThat(line).startsWith("<6>INFO  [").doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T");
    }

    private static String encode(ch.qos.logback.core.encoder.Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}

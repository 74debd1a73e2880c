package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogConfigurationTest {

    @RegisterExtension
    final SystemProperties properties = new SystemProperties();

    private void set(String key, String value) {
        properties.set(key, value);
    }

    @Test
    void prettyFormatWritesReadableLinesToStdoutAtTheChosenLevelWithLibrariesAtWarn() {
        set(LogOutput.LEVEL_PROPERTY, "DEBUG");
        set(LogOutput.FORMAT_PROPERTY, "pretty");
        set("logback.configurationFile", null);
        LoggerContext context = new LoggerContext();

        assertThat(new LogConfiguration().configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
        ConsoleAppender<ILoggingEvent> stdout = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
        assertThat(stdout.isStarted()).isTrue();
        assertThat(stdout.getTarget()).isEqualTo("System.out");
        assertThat(stdout.getEncoder()).isInstanceOfSatisfying(PatternLayoutEncoder.class,
                e -> assertThat(e.getPattern()).isEqualTo(LogConfiguration.PATTERN));
        for (String quiet : LogOutput.QUIET) assertThat(context.getLogger(quiet).getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void jsonFormatWritesOneJsonObjectPerLineAndAnUnknownLevelMeansInfo() {
        set(LogOutput.LEVEL_PROPERTY, "chatty");
        set(LogOutput.FORMAT_PROPERTY, "json");
        set("logback.configurationFile", null);
        LoggerContext context = new LoggerContext();

        new LogConfiguration().configure(context);

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(((ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT")).getEncoder()).isInstanceOf(JsonEncoder.class);
    }

    @Test
    void aConfigurationFileGivenOnTheCommandLineReplacesIt() {
        set("logback.configurationFile", "/etc/ccflare/logback.xml");
        LoggerContext context = new LoggerContext();

        assertThat(new LogConfiguration().configure(context)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
    }

    @Test
    void theModuleOffersItToLogbackAsAService() {
        assertThat(LogConfiguration.class.getModule().getDescriptor().provides())
                .anySatisfy(p -> {
                    assertThat(p.service()).isEqualTo(Configurator.class.getName());
                    assertThat(p.providers()).containsExactly(LogConfiguration.class.getName());
                });
    }

    @Test
    void theDaemonsLoggingIsConfiguredByIt() {
        // No logback-test.xml in this module: Logback configured the test JVM's context as the daemon's.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(((ConsoleAppender<ILoggingEvent>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).getEncoder())
                .isInstanceOfSatisfying(PatternLayoutEncoder.class, e -> assertThat(e.getPattern()).isEqualTo(LogConfiguration.PATTERN));
    }
}

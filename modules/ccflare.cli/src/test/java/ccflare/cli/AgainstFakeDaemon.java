package ccflare.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared set-up for command tests: a fresh {@link FakeDaemon} per test and a {@link Cli} pointed at
 * its socket, closed after each test. JUnit runs these superclass lifecycle methods around every
 * test of a subclass.
 */
abstract class AgainstFakeDaemon {

    FakeDaemon daemon;
    Cli cli;

    @BeforeEach
    void start() throws Exception {
        daemon = new FakeDaemon();
        cli = new Cli(daemon.socket);
    }

    @AfterEach
    void stop() throws Exception {
        daemon.close();
    }
}

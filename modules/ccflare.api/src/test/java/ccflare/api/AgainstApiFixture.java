package ccflare.api;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Shared set-up for API tests that need the plain fixture: a fresh {@link ApiFixture} per test, closed after it. */
abstract class AgainstApiFixture {

    @TempDir Path dir;
    ApiFixture f;

    @BeforeEach void start() throws Exception { f = new ApiFixture(dir); }

    @AfterEach void stop() throws Exception { f.close(); }
}

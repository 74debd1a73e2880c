package ccflare.db;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared set-up for store tests: a fresh database file in a temp dir, opened through
 * {@link Fixtures#open(Path, Database.Tuning)} before each test and closed after it.
 */
abstract class WithOpenDatabase {

    @TempDir Path dir;
    Path file;
    Database db;

    /** The tuning the database opens with; a subclass changes what its tests need. */
    Database.Tuning tuning() {
        return Database.Tuning.DEFAULT;
    }

    @BeforeEach
    void openDatabase() {
        file = dir.resolve("ccflare.db");
        db = Fixtures.open(file, tuning());
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }
}

package ccflare.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The product version, written into the module's resources at build time. */
public final class Version {
    private static final String CURRENT = read();

    private Version() {}

    /** For example {@code 0.1.0}. */
    public static String current() { return CURRENT; }

    private static String read() {
        try (InputStream in = Version.class.getModule().getResourceAsStream("ccflare/core/version.txt")) {
            return in == null ? "dev" : new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "dev";
        }
    }
}

package ccflare.server;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * System properties a test sets, put back as they were after each test
 * ({@code @RegisterExtension final SystemProperties properties = new SystemProperties();}).
 */
final class SystemProperties implements AfterEachCallback {

    private final Map<String, String> saved = new HashMap<>();

    /** Sets {@code key} to {@code value}, or clears it when {@code value} is null, remembering the first value seen. */
    void set(String key, String value) {
        saved.putIfAbsent(key, System.getProperty(key));
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        saved.forEach((k, v) -> {
            if (v == null) System.clearProperty(k);
            else System.setProperty(k, v);
        });
        saved.clear();
    }
}

package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The dashboard's files are read at the first look-up, once, not when the API is built. */
class StaticAssetsDeferredTest {

    private final AtomicInteger loads = new AtomicInteger();

    private StaticAssets deferred() {
        return StaticAssets.deferred(() -> {
            loads.incrementAndGet();
            return StaticAssets.of(List.of("index.html", "assets/app.js"),
                    n -> Optional.of(("file " + n).getBytes(StandardCharsets.UTF_8)));
        });
    }

    @Test
    void nothingIsReadUntilTheFirstLookUp() {
        deferred();
        assertThat(loads).hasValue(0);
    }

    @Test
    void theFilesAreReadOnceAndServedFromMemoryAfterwards() {
        StaticAssets assets = deferred();
        assertThat(assets.find("index.html")).map(a -> new String(a.bytes(), StandardCharsets.UTF_8)).contains("file index.html");
        assertThat(assets.find("assets/app.js")).isPresent();
        assertThat(assets.find("missing.js")).isEmpty();
        assertThat(assets.names()).containsExactly("assets/app.js", "index.html");
        assertThat(loads).hasValue(1);
    }

    @Test
    void concurrentFirstLookUpsReadTheFilesOnce() throws Exception {
        StaticAssets assets = deferred();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) threads.add(Thread.ofVirtual().start(() -> assets.find("index.html")));
        for (Thread t : threads) t.join();
        assertThat(loads).hasValue(1);
    }

    @Test
    void theModulesOwnDashboardIsFoundAtTheFirstLookUp() {
        StaticAssets assets = StaticAssets.fromModule(Api.class.getModule());
        assertThat(assets.find("index.html")).isPresent();
    }
}

package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test void idsAreVersion7UuidsCarryingTheirMillisecond() {
        long ms = 1_764_000_000_123L;
        String id = RequestIds.next(ms);

        UUID uuid = UUID.fromString(id);
        assertThat(uuid.toString()).isEqualTo(id);
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(ms);
    }

    @Test void idsOfTheSameMillisecondFromManyThreadsNeverRepeat() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 25_000; i++) seen.add(RequestIds.next(42));
            });
        }
        for (Thread t : threads) t.join();

        assertThat(seen).hasSize(100_000);
    }

    @Test void laterMillisecondsSortAfterEarlierOnes() {
        assertThat(RequestIds.next(1_000)).isLessThan(RequestIds.next(1_001));
    }
}

package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.ClientKey;
import org.junit.jupiter.api.Test;

class KeyLimitsTest {

    private static final long DAY = KeyLimits.DAY_MS;
    private static final long NOW = 20_000 * DAY + 3_600_000; // 01:00 UTC

    private static ClientKey key(int rpm, double daily) {
        return new ClientKey("k1", "ci", "00", 0, 0, 0, rpm, daily);
    }

    @Test
    void aKeyWithoutLimitsIsAlwaysAdmitted() {
        assertThat(KeyLimits.decide(key(0, 0), NOW - 1, 1_000_000, 1e9, NOW)).isInstanceOf(KeyLimits.Verdict.Admit.class);
    }

    @Test
    void requestsPerMinuteCountTheLastSixtySecondsAndRetryAfterNamesWhenTheOldestLeaves() {
        assertThat(KeyLimits.decide(key(3, 0), NOW - 10_000, 2, 0, NOW)).isInstanceOf(KeyLimits.Verdict.Admit.class);
        assertThat(KeyLimits.decide(key(3, 0), NOW - 10_000, 3, 0, NOW)).isEqualTo(
                new KeyLimits.Verdict.Limited(50, "client key 'ci' is limited to 3 requests per minute"));
        // Less than a second to go is still "retry after 1 s", never 0.
        assertThat(KeyLimits.decide(key(1, 0), NOW - 59_999, 1, 0, NOW)).isEqualTo(
                new KeyLimits.Verdict.Limited(1, "client key 'ci' is limited to 1 request per minute"));
    }

    @Test
    void dailySpendHoldsUntilMidnightUtc() {
        assertThat(KeyLimits.decide(key(0, 5), 0, 0, 4.99, NOW)).isInstanceOf(KeyLimits.Verdict.Admit.class);
        var limited = KeyLimits.decide(key(0, 5), 0, 0, 5.0, NOW);
        assertThat(limited).isInstanceOfSatisfying(KeyLimits.Verdict.Limited.class, l -> {
            assertThat(l.retryAfterSeconds()).isEqualTo(23 * 3600);
            assertThat(l.message()).contains("'ci'", "$5.0 per day (UTC)");
        });
    }
}

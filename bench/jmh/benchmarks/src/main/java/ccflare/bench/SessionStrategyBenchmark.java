package ccflare.bench;

import ccflare.core.Account;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import ccflare.proxy.SessionStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Account selection for one request with 50 accounts: a mix of priorities, a few paused, a few
 * cooling down, a few needing re-auth, one live session in the middle of the order.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class SessionStrategyBenchmark {

    @Param({"50"})
    public int accounts;

    private static final long NOW = 1_780_000_000_000L;
    private static final Duration SESSION = Duration.ofHours(5);
    private List<Account> list;

    @Setup
    public void setUp() {
        list = new ArrayList<>(accounts);
        for (int i = 0; i < accounts; i++) {
            ProviderKind kind = i % 3 == 0 ? ProviderKind.CLAUDE_CODE : ProviderKind.ANTHROPIC;
            Account a = Account.create("id-" + i, "account-" + i, kind, i % 7, "", NOW - 86_400_000L + i * 1000L);
            if (i % 11 == 5) {
                a = a.withPaused(true);
            }
            if (i % 9 == 4) {
                a = a.withRateLimit(RateLimitState.NONE.withLimitedUntil(NOW + 600_000));
            }
            if (i % 13 == 7) {
                a = a.withNeedsReauth(true);
            }
            if (i == accounts / 2) {
                a = a.usedAt(NOW - 3_600_000, SESSION.toMillis());
            }
            if (i == accounts / 3) {
                a = a.usedAt(NOW - 7 * 3_600_000L, SESSION.toMillis()); // an expired session
            }
            list.add(a);
        }
        // reverse, so that the strategy really sorts
        java.util.Collections.reverse(list);
        List<Account> check = candidates();
        if (check.isEmpty() || !check.getFirst().id().equals("id-" + accounts / 2)) {
            throw new IllegalStateException("unexpected first candidate: " + check);
        }
    }

    @Benchmark
    public List<Account> candidates() {
        return SessionStrategy.candidates(list, NOW, SESSION);
    }
}

package ccflare.bench;

import ccflare.api.Metrics;
import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;
import ccflare.core.Outcome;
import ccflare.core.ProviderKind;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What /metrics costs the request path: {@code Metrics.onRecord} of one finished request with
 * usage and cost (one counter, five duration histograms, four token observations, cost, attempts
 * and a failover), over 2 accounts and 4 models, so every series already exists (the steady state).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class MetricsBenchmark {

    private static final long NOW = 1_780_000_000_000L;
    private Metrics metrics;
    private RequestRecord[] records;
    private int next;

    @Setup
    public void setUp() {
        AccountRegistry accounts = new AccountRegistry(new MemoryStore(), InstantSource.fixed(java.time.Instant.ofEpochMilli(NOW)));
        accounts.add("id-0", "work", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("sk-0"));
        accounts.add("id-1", "spare", ProviderKind.ANTHROPIC, 1, "", new Credentials.ApiKey("sk-1"));
        metrics = Metrics.builder(accounts, InstantSource.system()).build();
        String[] models = {"claude-sonnet-4-20250514", "claude-opus-4-1-20250805", "claude-3-5-haiku-20241022", "claude-sonnet-4-5"};
        records = new RequestRecord[8];
        for (int i = 0; i < records.length; i++) {
            records[i] = new RequestRecord("req-" + i, NOW, "POST", "/v1/messages", "anthropic", "id-" + (i % 2),
                    models[i % models.length], 200, Outcome.OK, 2, 1, 310, 320, 2400, 3,
                    new Usage(1200, 480, 30_000, 2000, 0), 0.0123, 55.0, "claude-cli/2.0", "session", "", null);
        }
        for (RequestRecord r : records) metrics.onRecord(r);
    }

    @Benchmark
    public void onRecord() {
        metrics.onRecord(records[next++ & 7]);
    }

    /** Accounts in memory only: the registry needs a store, the benchmark no database. */
    private static final class MemoryStore implements AccountStore {
        private final List<Stored> rows = new ArrayList<>();
        @Override public List<Stored> loadAll() { return rows; }
        @Override public void insert(Account account, Credentials credentials) { rows.add(new Stored(account, credentials)); }
        @Override public boolean delete(String accountId) { return true; }
        @Override public void updateSettings(Account account) {}
        @Override public void replaceCredentials(String accountId, Credentials credentials) {}
        @Override public void saveStateLater(Account account) {}
    }
}

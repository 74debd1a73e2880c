package ccflare.bench;

import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import ccflare.providers.ProviderAdapter;
import ccflare.providers.Providers;
import ccflare.providers.RateLimitReading;
import java.util.HashMap;
import java.util.Map;
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
 * Reading the rate-limit headers of one Anthropic response (done for every response head): an
 * allowed 200 with the unified and classic headers, and a 429 with a reset and retry-after.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class RateLimitBenchmark {

    private static final long NOW = 1_780_000_000_000L;
    private final ProviderAdapter anthropic = Providers.adapter(ProviderKind.ANTHROPIC);
    private final Map<String, String> allowed = new HashMap<>();
    private final Map<String, String> limited = new HashMap<>();

    @Setup
    public void setUp() {
        for (Map<String, String> m : java.util.List.of(allowed, limited)) {
            m.put("content-type", "application/json");
            m.put("request-id", "req_011CV8JAbcdefghijklmnop");
            m.put("anthropic-organization-id", "00000000-0000-0000-0000-000000000000");
            m.put("anthropic-ratelimit-requests-limit", "4000");
            m.put("anthropic-ratelimit-requests-remaining", "3999");
            m.put("anthropic-ratelimit-requests-reset", "2026-06-01T12:00:01Z");
            m.put("anthropic-ratelimit-unified-5h-utilization", "0.42");
            m.put("anthropic-ratelimit-unified-5h-reset", Long.toString(NOW / 1000 + 3600));
            m.put("anthropic-ratelimit-unified-7d-utilization", "0.17");
            m.put("anthropic-ratelimit-unified-7d-reset", Long.toString(NOW / 1000 + 86_400));
        }
        allowed.put("anthropic-ratelimit-unified-status", "allowed");
        allowed.put("anthropic-ratelimit-unified-5h-status", "allowed");
        limited.put("anthropic-ratelimit-unified-status", "rate_limited");
        limited.put("anthropic-ratelimit-unified-5h-status", "rate_limited");
        limited.put("anthropic-ratelimit-unified-reset", Long.toString(NOW / 1000 + 1800));
        limited.put("retry-after", "1800");
    }

    @Benchmark
    public RateLimitReading allowed200() {
        return anthropic.readRateLimit(200, allowed::get, NOW, RateLimitState.NONE);
    }

    @Benchmark
    public RateLimitReading limited429() {
        return anthropic.readRateLimit(429, limited::get, NOW, RateLimitState.NONE);
    }
}

package ccflare.bench;

import ccflare.core.ProviderKind;
import ccflare.providers.ProviderAdapter;
import ccflare.providers.Providers;
import ccflare.providers.UsageScanner;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
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

/** The usage scanner on one non-streaming Messages API JSON body (about 1 KiB, one slice). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class JsonUsageScannerBenchmark {

    private final ProviderAdapter anthropic = Providers.adapter(ProviderKind.ANTHROPIC);
    private final InstantSource clock = InstantSource.system();
    private byte[] json;

    @Setup
    public void setUp() {
        json = ("{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":\""
                + "A short answer of a few sentences, as a non-streaming call returns it. ".repeat(8) + "\"}],"
                + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":2095,"
                + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":18230,\"output_tokens\":96}}")
                .getBytes(StandardCharsets.UTF_8);
        UsageScanner check = json();
        if (check.usage().outputTokens() != 96 || check.usage().inputTokens() != 2095) {
            throw new IllegalStateException("the JSON scanner did not read the usage: " + check.usage());
        }
    }

    @Benchmark
    public UsageScanner json() {
        UsageScanner s = anthropic.newUsageScanner("application/json", clock);
        s.accept(json, 0, json.length);
        s.finish();
        return s;
    }
}

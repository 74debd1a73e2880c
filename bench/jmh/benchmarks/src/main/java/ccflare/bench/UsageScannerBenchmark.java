package ccflare.bench;

import ccflare.core.ProviderKind;
import ccflare.providers.ProviderAdapter;
import ccflare.providers.Providers;
import ccflare.providers.UsageScanner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The usage scanner the proxy feeds with every response byte: one whole Anthropic SSE stream
 * (message_start, a ping, {@code deltas} text deltas, message_delta, message_stop) per operation,
 * sliced as the upstream sent it (one event per slice) or as 16 KiB reads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class UsageScannerBenchmark {

    @Param({"200"})
    public int deltas;

    @Param({"event", "16k"})
    public String slicing;

    private final ProviderAdapter anthropic = Providers.adapter(ProviderKind.ANTHROPIC);
    private final InstantSource clock = InstantSource.system();
    private byte[] stream;
    private int[] slices;

    @Setup
    public void setUp() {
        List<String> events = new ArrayList<>();
        events.add("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],"
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":2095,"
                + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":18230,\"output_tokens\":1,"
                + "\"service_tier\":\"standard\"}}}\n\n");
        events.add("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        events.add("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        for (int i = 0; i < deltas; i++) {
            events.add("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\" token " + i + " of a streamed answer,\"}}\n\n");
        }
        events.add("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        events.add("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + (deltas * 7) + "}}\n\n");
        events.add("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Integer> cuts = new ArrayList<>();
        for (String e : events) {
            all.writeBytes(e.getBytes(StandardCharsets.UTF_8));
            cuts.add(all.size());
        }
        stream = all.toByteArray();
        if (slicing.equals("event")) {
            slices = cuts.stream().mapToInt(Integer::intValue).toArray();
        } else {
            int n = (stream.length + 16383) / 16384;
            slices = new int[n];
            for (int i = 0; i < n; i++) {
                slices[i] = Math.min(stream.length, (i + 1) * 16384);
            }
        }
        // a scanner that reads nothing would make every number meaningless
        UsageScanner check = sse();
        if (check.usage().outputTokens() != deltas * 7L || check.usage().inputTokens() != 2095) {
            throw new IllegalStateException("the SSE scanner did not read the usage: " + check.usage());
        }
    }

    /** One whole SSE stream through a fresh scanner. */
    @Benchmark
    public UsageScanner sse() {
        UsageScanner s = anthropic.newUsageScanner("text/event-stream", clock);
        int from = 0;
        for (int cut : slices) {
            s.accept(stream, from, cut - from);
            from = cut;
        }
        s.finish();
        return s;
    }
}

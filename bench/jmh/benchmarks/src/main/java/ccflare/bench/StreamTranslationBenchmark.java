package ccflare.bench;

import ccflare.providers.translate.Dialect;
import ccflare.providers.translate.SseFramer;
import ccflare.providers.translate.StreamTranslator;
import ccflare.providers.translate.Translations;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Each streaming translation direction on a realistic stream of {@value #DELTAS} text deltas plus
 * its opening and closing events, fed in 1 KiB slices as the network would: framing, translation
 * and the client's event bytes. The score is µs per upstream event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class StreamTranslationBenchmark {
    static final int DELTAS = 200;
    /** Deltas plus the framing events of each stream (start/stop/usage), rounded to the Anthropic count. */
    static final int EVENTS = DELTAS + 6;
    static final int SLICE = 1024;

    private byte[] anthropic;
    private byte[] chat;
    private byte[] responses;

    @Setup
    public void setUp() {
        StringBuilder a = new StringBuilder();
        a.append(sse("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":2095,\"output_tokens\":1}}}"));
        a.append(sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        a.append(sse("ping", "{\"type\":\"ping\"}"));
        for (int i = 0; i < DELTAS; i++) {
            a.append(sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"word number " + i + " of the answer \"}}"));
        }
        a.append(sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        a.append(sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":400}}"));
        a.append(sse("message_stop", "{\"type\":\"message_stop\"}"));
        anthropic = a.toString().getBytes(StandardCharsets.UTF_8);

        StringBuilder c = new StringBuilder();
        String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":";
        c.append(sse("", head + "{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}"));
        for (int i = 0; i < DELTAS; i++) c.append(sse("", head + "{\"content\":\"word number " + i + " of the answer \"},\"finish_reason\":null}]}"));
        c.append(sse("", head + "{},\"finish_reason\":\"stop\"}]}"));
        c.append(sse("", "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4.1\",\"choices\":[],\"usage\":{\"prompt_tokens\":2095,\"completion_tokens\":400,\"total_tokens\":2495}}"));
        c.append(sse("", "[DONE]"));
        chat = c.toString().getBytes(StandardCharsets.UTF_8);

        StringBuilder r = new StringBuilder();
        r.append(sse("response.created", "{\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-5-codex\",\"output\":[]}}"));
        r.append(sse("response.output_item.added", "{\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}"));
        for (int i = 0; i < DELTAS; i++) {
            r.append(sse("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"sequence_number\":" + (i + 2) + ",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"word number " + i + " of the answer \"}"));
        }
        r.append(sse("response.output_item.done", "{\"type\":\"response.output_item.done\",\"sequence_number\":300,\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"...\",\"annotations\":[]}]}}"));
        r.append(sse("response.completed", "{\"type\":\"response.completed\",\"sequence_number\":301,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-5-codex\",\"output\":[],\"usage\":{\"input_tokens\":2095,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":400,\"total_tokens\":2495}}}"));
        responses = r.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String sse(String name, String data) {
        return (name.isEmpty() ? "" : "event: " + name + "\n") + "data: " + data + "\n\n";
    }

    /** As the proxy's TranslatingResponse does: each slice's client events into one reused buffer, copied out once per slice. */
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);

    private void run(byte[] body, StreamTranslator translator, Blackhole hole) {
        SseFramer framer = new SseFramer(1 << 20, (name, data) -> translator.onEvent(name, data, e -> e.writeTo(out)));
        for (int i = 0; i < body.length; i += SLICE) {
            out.reset();
            framer.accept(body, i, Math.min(SLICE, body.length - i));
            hole.consume(out.toByteArray());
        }
        out.reset();
        framer.finish();
        translator.onEnd(e -> e.writeTo(out));
        hole.consume(out.toByteArray());
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void anthropicStreamToChat(Blackhole hole) {
        run(anthropic, Translations.stream(Dialect.MESSAGES, Dialect.CHAT, 1, true), hole);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void anthropicStreamToResponses(Blackhole hole) {
        run(anthropic, Translations.stream(Dialect.MESSAGES, Dialect.RESPONSES, 1, false), hole);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void chatStreamToAnthropic(Blackhole hole) {
        run(chat, Translations.stream(Dialect.CHAT, Dialect.MESSAGES, 1, false), hole);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void responsesStreamToAnthropic(Blackhole hole) {
        run(responses, Translations.stream(Dialect.RESPONSES, Dialect.MESSAGES, 1, false), hole);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void responsesStreamToChat(Blackhole hole) {
        run(responses, Translations.stream(Dialect.RESPONSES, Dialect.CHAT, 1, true), hole);
    }
}

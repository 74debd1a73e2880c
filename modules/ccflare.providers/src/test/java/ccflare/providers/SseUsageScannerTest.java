package ccflare.providers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.ProviderKind;
import ccflare.core.Usage;
import ccflare.testing.ManualClock;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SseUsageScannerTest {
    private static final String SSE = "text/event-stream; charset=utf-8";

    /** A Claude Messages stream as the API sends it, with a decoy "usage" inside the generated text. */
    static final String ANTHROPIC_STREAM = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":472,"cache_creation_input_tokens":1024,"cache_read_input_tokens":20480,"cache_creation":{"ephemeral_5m_input_tokens":1024,"ephemeral_1h_input_tokens":0},"output_tokens":2,"service_tier":"standard"}}}

            event: ping
            data: {"type": "ping"}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":", \\"usage\\":{\\"output_tokens\\":999} wörld ✓"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":87}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    static final Usage ANTHROPIC_USAGE = new Usage(472, 87, 20480, 1024, 0);

    /** Chat completions with stream_options.include_usage: every chunk has "usage":null but the last. */
    static final String OPENAI_CHAT_STREAM = """
            data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

            data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":128,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

            data: [DONE]

            """;

    /** A Responses / Codex stream. */
    static String responsesStream(String outputText) {
        return """
                event: response.created
                data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1741290958,"status":"in_progress","instructions":"You are Codex, based on GPT-5.","model":"gpt-5-codex","output":[],"usage":null}}

                event: response.in_progress
                data: {"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_1","status":"in_progress","model":"gpt-5-codex","usage":null}}

                event: response.output_item.added
                data: {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}}

                event: response.output_text.delta
                data: {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"}

                event: response.output_text.done
                data: {"type":"response.output_text.done","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hi"}

                event: response.completed
                data: {"type":"response.completed","sequence_number":5,"response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-5-codex","output":[{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAAAABo"},{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"%s"}]}],"usage":{"input_tokens":5000,"input_tokens_details":{"cached_tokens":4096},"output_tokens":700,"output_tokens_details":{"reasoning_tokens":512},"total_tokens":5700}}}

                """.formatted(outputText);
    }

    static final Usage RESPONSES_USAGE = new Usage(904, 700, 4096, 0, 512);

    private static UsageScanner scanner(ProviderKind kind) {
        return Providers.adapter(kind).newUsageScanner(SSE, new ManualClock(1_000));
    }

    private static UsageScanner scanWhole(ProviderKind kind, byte[] body) {
        UsageScanner s = scanner(kind);
        s.accept(body, 0, body.length);
        s.finish();
        return s;
    }

    @Test
    void readsAnthropicUsageAndModelFromOneChunk() {
        UsageScanner s = scanWhole(ProviderKind.CLAUDE_CODE, ANTHROPIC_STREAM.getBytes(UTF_8));
        assertThat(s.usage()).isEqualTo(ANTHROPIC_USAGE);
        assertThat(s.model()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void eventNamesAreReadWithoutTheirBlanksWhetherTheyRepeatOrChange() {
        // The scanner reuses the previous name when the bytes match; blanks around it never count.
        String stream = ANTHROPIC_STREAM
                .replace("event: message_start\n", "event:message_start\n")
                .replace("event: message_delta\n", "event: \t message_delta \t\n")
                .replaceFirst("event: content_block_delta\n", "event:content_block_delta  \n");
        assertThat(stream).contains("event: \t message_delta \t\n");
        byte[] body = stream.getBytes(UTF_8);
        UsageScanner s = scanner(ProviderKind.ANTHROPIC);
        for (int i = 0; i < body.length; i++) s.accept(body, i, 1);
        s.finish();
        assertThat(s.usage()).isEqualTo(ANTHROPIC_USAGE);
        assertThat(s.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(scanWhole(ProviderKind.ANTHROPIC, body).usage()).isEqualTo(ANTHROPIC_USAGE);
    }

    @Test
    void readsTheSameAnthropicUsageFedByteByByte() {
        byte[] body = ANTHROPIC_STREAM.getBytes(UTF_8);
        UsageScanner s = scanner(ProviderKind.ANTHROPIC);
        for (int i = 0; i < body.length; i++) s.accept(body, i, 1);
        s.finish();
        assertThat(s.usage()).isEqualTo(ANTHROPIC_USAGE);
        assertThat(s.model()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void readsTheSameAnthropicUsageWhateverPositionTheStreamIsSplitAt() {
        byte[] body = ANTHROPIC_STREAM.getBytes(UTF_8);
        for (int cut = 0; cut <= body.length; cut++) {
            UsageScanner s = scanner(ProviderKind.CLAUDE_CODE);
            // separate arrays, as a network stack would hand them over
            byte[] first = Arrays.copyOfRange(body, 0, cut);
            byte[] second = Arrays.copyOfRange(body, cut, body.length);
            s.accept(first, 0, first.length);
            s.accept(second, 0, second.length);
            s.finish();
            assertThat(s.usage()).as("split at %d", cut).isEqualTo(ANTHROPIC_USAGE);
            assertThat(s.model()).as("split at %d", cut).isEqualTo("claude-sonnet-4-5-20250929");
        }
    }

    @Test
    void readsAnthropicUsageWithCrlfAndCrLineEndingsSplitAnywhere() {
        for (String eol : new String[] {"\r\n", "\r"}) {
            byte[] body = ANTHROPIC_STREAM.replace("\n", eol).getBytes(UTF_8);
            assertThat(scanWhole(ProviderKind.CLAUDE_CODE, body).usage()).isEqualTo(ANTHROPIC_USAGE);
            for (int cut = 0; cut <= body.length; cut++) {
                UsageScanner s = scanner(ProviderKind.CLAUDE_CODE);
                s.accept(body, 0, cut);
                s.accept(body, cut, body.length - cut);
                s.finish();
                assertThat(s.usage()).as("%s split at %d", eol.length(), cut).isEqualTo(ANTHROPIC_USAGE);
            }
        }
    }

    @Test
    void takesInputAndCacheCountsFromAMessageDeltaThatCarriesThem() {
        String stream = ANTHROPIC_STREAM.replace("\"usage\":{\"output_tokens\":87}",
                "\"usage\":{\"input_tokens\":500,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":21000,\"output_tokens\":90}");
        assertThat(scanWhole(ProviderKind.CLAUDE_CODE, stream.getBytes(UTF_8)).usage())
                .isEqualTo(new Usage(500, 90, 21000, 0, 0));
    }

    @Test
    void timesFirstContentBlockAndMessageDelta() {
        ManualClock clock = new ManualClock(1_000_000);
        UsageScanner s = Providers.adapter(ProviderKind.CLAUDE_CODE).newUsageScanner(SSE, clock);
        int blockStart = ANTHROPIC_STREAM.indexOf("event: content_block_start");
        int messageDelta = ANTHROPIC_STREAM.indexOf("event: message_delta");
        byte[] a = ANTHROPIC_STREAM.substring(0, blockStart).getBytes(UTF_8);
        byte[] b = ANTHROPIC_STREAM.substring(blockStart, messageDelta).getBytes(UTF_8);
        byte[] c = ANTHROPIC_STREAM.substring(messageDelta).getBytes(UTF_8);
        s.accept(a, 0, a.length);
        clock.advance(Duration.ofMillis(300));
        s.accept(b, 0, b.length);
        clock.advance(Duration.ofMillis(2_000));
        s.accept(c, 0, c.length);
        s.finish();
        assertThat(s.firstTokenAtMs()).isEqualTo(1_000_300);
        assertThat(s.lastTokenAtMs()).isEqualTo(1_002_300);
        assertThat(s.tokensPerSecond()).isEqualTo(43.5);
    }

    @Test
    void keepsTheEventNameAcrossChunksButNotAcrossEvents() {
        UsageScanner s = scanner(ProviderKind.CLAUDE_CODE);
        for (String chunk : new String[] {
                // the event line in one chunk, its data in the next: still a message_delta
                "event: message_delta\n",
                "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":5}}\n\n",
                // a ping event ends at its blank line: the next, unnamed data line is not a ping
                "event: ping\n\n",
                "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":6}}\n\n"}) {
            byte[] b = chunk.getBytes(UTF_8);
            s.accept(b, 0, b.length);
            if (chunk.startsWith("data") && chunk.contains(":5}")) assertThat(s.usage().outputTokens()).isEqualTo(5);
        }
        s.finish();
        assertThat(s.usage().outputTokens()).isEqualTo(6);
    }

    @Test
    void readsOpenAiChatUsageFromTheIncludeUsageChunk() {
        byte[] body = OPENAI_CHAT_STREAM.getBytes(UTF_8);
        Usage expected = new Usage(176, 300, 1024, 0, 128);
        UsageScanner whole = scanWhole(ProviderKind.OPENAI, body);
        assertThat(whole.usage()).isEqualTo(expected);
        assertThat(whole.model()).isEqualTo("gpt-4o-2024-08-06");
        for (int cut = 0; cut <= body.length; cut++) {
            UsageScanner s = scanner(ProviderKind.OPENAI);
            s.accept(body, 0, cut);
            s.accept(body, cut, body.length - cut);
            s.finish();
            assertThat(s.usage()).as("split at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void timesOpenAiChatFromFirstDeltaToUsageChunk() {
        ManualClock clock = new ManualClock(5_000);
        UsageScanner s = Providers.adapter(ProviderKind.OPENAI).newUsageScanner(SSE, clock);
        int usageChunk = OPENAI_CHAT_STREAM.indexOf("data: {", OPENAI_CHAT_STREAM.indexOf("\"finish_reason\":\"stop\""));
        byte[] a = OPENAI_CHAT_STREAM.substring(0, usageChunk).getBytes(UTF_8);
        byte[] b = OPENAI_CHAT_STREAM.substring(usageChunk).getBytes(UTF_8);
        s.accept(a, 0, a.length);
        clock.advance(Duration.ofSeconds(3));
        s.accept(b, 0, b.length);
        s.finish();
        assertThat(s.firstTokenAtMs()).isEqualTo(5_000);
        assertThat(s.lastTokenAtMs()).isEqualTo(8_000);
        assertThat(s.tokensPerSecond()).isEqualTo(100.0);
    }

    @Test
    void readsOpenAiChatModelEvenWithoutAUsageChunk() {
        String noUsage = OPENAI_CHAT_STREAM.replaceAll("(?m)^data: \\{[^\\n]*\"choices\":\\[\\],[^\\n]*\\n\\n", "");
        UsageScanner s = scanWhole(ProviderKind.OPENAI, noUsage.getBytes(UTF_8));
        assertThat(s.usage()).isEqualTo(Usage.NONE);
        assertThat(s.model()).isEqualTo("gpt-4o-2024-08-06");
    }

    @Test
    void readsResponsesUsageForCodexAndOpenAiSplitAnywhere() {
        byte[] body = responsesStream("Hi there").getBytes(UTF_8);
        for (ProviderKind kind : new ProviderKind[] {ProviderKind.CODEX, ProviderKind.OPENAI}) {
            UsageScanner whole = scanWhole(kind, body);
            assertThat(whole.usage()).isEqualTo(RESPONSES_USAGE);
            assertThat(whole.model()).isEqualTo("gpt-5-codex");
            for (int cut = 0; cut <= body.length; cut += 7) {
                UsageScanner s = scanner(kind);
                s.accept(body, 0, cut);
                s.accept(body, cut, body.length - cut);
                s.finish();
                assertThat(s.usage()).as("%s split at %d", kind, cut).isEqualTo(RESPONSES_USAGE);
            }
        }
    }

    @Test
    void readsResponsesUsageAfterAnOutputLongerThanTheLineCap() {
        String text = "x".repeat(SseUsageScanner.MAX_LINE + 4096);
        byte[] body = responsesStream(text).getBytes(UTF_8);
        UsageScanner s = scanner(ProviderKind.CODEX);
        byte[] slice = new byte[16 * 1024 + 3];
        for (int i = 0; i < body.length; i += slice.length) {
            int n = Math.min(slice.length, body.length - i);
            System.arraycopy(body, i, slice, 0, n); // the caller reuses its buffer, as a network stack does
            s.accept(slice, 0, n);
        }
        s.finish();
        assertThat(s.usage()).isEqualTo(RESPONSES_USAGE);
    }

    @Test
    void skipsAnUnnamedDataLineOverTheCapAndReadsTheNextOne() {
        String huge = "data: {\"pad\":\"" + "y".repeat(SseUsageScanner.MAX_LINE) + "\",\"usage\":{\"prompt_tokens\":1}}\n\n";
        String next = "data: {\"model\":\"gpt-4.1\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3}}\n\n";
        UsageScanner s = scanWhole(ProviderKind.OPENAI, (huge + next).getBytes(UTF_8));
        assertThat(s.usage()).isEqualTo(new Usage(10, 3, 0, 0, 0));
        assertThat(s.model()).isEqualTo("gpt-4.1");
    }

    @Test
    void keepsUsageSeenBeforeAStreamIsCutOff() {
        String cut = ANTHROPIC_STREAM.substring(0, ANTHROPIC_STREAM.indexOf("\"usage\":{\"output_tokens\":87") + 20);
        UsageScanner s = scanWhole(ProviderKind.CLAUDE_CODE, cut.getBytes(UTF_8));
        assertThat(s.usage()).isEqualTo(new Usage(472, 2, 20480, 1024, 0));
        assertThat(s.model()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void readsAFinalLineThatLacksItsNewline() {
        String stream = "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":12}}";
        assertThat(scanWhole(ProviderKind.CLAUDE_CODE, stream.getBytes(UTF_8)).usage().outputTokens()).isEqualTo(12);
    }

    @Test
    void neverThrowsOnGarbageOrInvalidUtf8() {
        byte[] invalid = {'e', 'v', 'e', 'n', 't', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n',
                'd', 'a', 't', 'a', ':', ' ', '{', '"', (byte) 0xFF, (byte) 0xFE, '"', ':', '1', '}', '\n', '\n'};
        byte[] random = new byte[64 * 1024];
        new java.util.Random(42).nextBytes(random);
        String brokenJson = "event: message_start\ndata: {\"message\":{\"usage\":{\"input_tokens\":7,,,}}}\n\n"
                + "event: message_delta\ndata: {\"usage\":{\"output_tokens\":99999999999999999999999}}\n\n"
                + "event: message_delta\ndata: [1,2,{\"usage\":{\"output_tokens\":4}}]\n\n";
        for (ProviderKind kind : ProviderKind.values()) {
            for (byte[] body : new byte[][] {invalid, random, brokenJson.getBytes(UTF_8)}) {
                UsageScanner s = scanner(kind);
                s.accept(body, 0, body.length);
                s.accept(body, -1, 5);
                s.accept(body, 0, body.length + 1);
                s.accept(null, 0, 0);
                s.finish();
                s.finish();
                s.accept(body, 0, body.length);
                assertThat(s.usage().outputTokens()).isZero();
            }
        }
        UsageScanner s = scanWhole(ProviderKind.CLAUDE_CODE, brokenJson.getBytes(UTF_8));
        assertThat(s.usage().inputTokens()).as("counters read before the JSON broke").isEqualTo(7);
    }
}

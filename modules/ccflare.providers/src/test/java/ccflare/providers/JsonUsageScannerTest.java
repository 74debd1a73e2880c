package ccflare.providers;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.ProviderKind;
import ccflare.core.Usage;
import ccflare.testing.ManualClock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonUsageScannerTest {

    static final String ANTHROPIC_BODY = """
            {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-opus-4-1-20250805",
             "content":[{"type":"text","text":"Here is the tool call."},
                        {"type":"tool_use","id":"toolu_01","name":"record","input":{"usage":{"input_tokens":999,"output_tokens":999},"model":"decoy"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":12,"cache_creation_input_tokens":300,"cache_read_input_tokens":4000,
                      "cache_creation":{"ephemeral_5m_input_tokens":300,"ephemeral_1h_input_tokens":0},"output_tokens":34,"service_tier":"standard"}}
            """;

    static final String CHAT_BODY = """
            {"id":"chatcmpl-abc123","object":"chat.completion","created":1741569952,"model":"gpt-4.1-2025-04-14",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I assist you today?","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
                      "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
                      "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
             "service_tier":"default"}
            """;

    static final String RESPONSES_BODY = """
            {"id":"resp_67ccd3a9da748190baa7f1570fe91ac6","object":"response","created_at":1741476777,"status":"completed",
             "model":"o4-mini-2025-04-16","output":[{"type":"reasoning","id":"rs_1","summary":[]},
             {"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"The image depicts a path.","annotations":[]}]}],
             "usage":{"input_tokens":328,"input_tokens_details":{"cached_tokens":128},"output_tokens":52,
                      "output_tokens_details":{"reasoning_tokens":32},"total_tokens":380}}
            """;

    static Stream<Arguments> bodies() {
        return Stream.of(
                Arguments.of(ProviderKind.CLAUDE_CODE, ANTHROPIC_BODY, "claude-opus-4-1-20250805", new Usage(12, 34, 4000, 300, 0)),
                Arguments.of(ProviderKind.OPENAI, CHAT_BODY, "gpt-4.1-2025-04-14", new Usage(19, 10, 0, 0, 0)),
                Arguments.of(ProviderKind.OPENAI, RESPONSES_BODY, "o4-mini-2025-04-16", new Usage(200, 52, 128, 0, 32)),
                Arguments.of(ProviderKind.CODEX, RESPONSES_BODY, "o4-mini-2025-04-16", new Usage(200, 52, 128, 0, 32)));
    }

    private static UsageScanner scanner(ProviderKind kind) {
        return Providers.adapter(kind).newUsageScanner("application/json", new ManualClock(0));
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void readsTopLevelModelAndUsageInOnePiece(ProviderKind kind, String body, String model, Usage usage) {
        byte[] b = body.getBytes(UTF_8);
        UsageScanner s = scanner(kind);
        s.accept(b, 0, b.length);
        s.finish();
        assertThat(s.usage()).isEqualTo(usage);
        assertThat(s.model()).isEqualTo(model);
        assertThat(s.tokensPerSecond()).isNegative();
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void readsTopLevelModelAndUsageByteByByte(ProviderKind kind, String body, String model, Usage usage) {
        byte[] b = body.getBytes(UTF_8);
        UsageScanner s = scanner(kind);
        for (int i = 0; i < b.length; i++) s.accept(new byte[] {b[i]}, 0, 1);
        s.finish();
        assertThat(s.usage()).isEqualTo(usage);
        assertThat(s.model()).isEqualTo(model);
    }

    @Test
    void treatsAnEmptyOrMissingContentTypeAsJson() {
        byte[] b = CHAT_BODY.getBytes(UTF_8);
        for (String type : new String[] {"", null, "application/json; charset=utf-8"}) {
            UsageScanner s = Providers.adapter(ProviderKind.OPENAI).newUsageScanner(type, new ManualClock(0));
            s.accept(b, 0, b.length);
            s.finish();
            assertThat(s.usage().outputTokens()).as("content type %s", type).isEqualTo(10);
        }
    }

    @Test
    void findsUsageAtTheEndOfAFiveMegabyteBodyFedInSlices() {
        StringBuilder body = new StringBuilder("{\"id\":\"msg_big\",\"type\":\"message\",\"model\":\"claude-sonnet-4-5\",\"content\":[");
        String block = "{\"type\":\"text\",\"text\":\"" + "lorem ipsum dolor sit amet ".repeat(36) + "\"},";
        while (body.length() < 5 * 1024 * 1024) body.append(block);
        body.append("{\"type\":\"text\",\"text\":\"").append("z".repeat(512 * 1024)).append("\"}],");
        body.append("\"usage\":{\"input_tokens\":100000,\"output_tokens\":64000}}");
        byte[] b = body.toString().getBytes(UTF_8);
        assertThat(b.length).isGreaterThan(5 * 1024 * 1024);

        UsageScanner s = scanner(ProviderKind.ANTHROPIC);
        byte[] slice = new byte[8192];
        for (int i = 0; i < b.length; i += slice.length) {
            int n = Math.min(slice.length, b.length - i);
            System.arraycopy(b, i, slice, 0, n); // the caller reuses its buffer, as a network stack does
            s.accept(slice, 0, n);
        }
        s.finish();
        assertThat(s.usage()).isEqualTo(new Usage(100000, 64000, 0, 0, 0));
        assertThat(s.model()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void keepsWhatWasSeenOfATruncatedOrBrokenBody() {
        String truncated = ANTHROPIC_BODY.substring(0, ANTHROPIC_BODY.indexOf("\"output_tokens\":34"));
        UsageScanner s = scanner(ProviderKind.CLAUDE_CODE);
        byte[] b = truncated.getBytes(UTF_8);
        s.accept(b, 0, b.length);
        s.finish();
        assertThat(s.usage()).isEqualTo(new Usage(12, 0, 4000, 300, 0));
        assertThat(s.model()).isEqualTo("claude-opus-4-1-20250805");

        for (String garbage : new String[] {"<html>502 Bad Gateway</html>", "{\"model\":", "[]", "null", "\"usage\"",
                "{\"usage\":[1,2]}", "{\"usage\":{\"input_tokens\":-4,\"output_tokens\":\"many\"}}"}) {
            UsageScanner g = scanner(ProviderKind.ANTHROPIC);
            byte[] gb = garbage.getBytes(UTF_8);
            g.accept(gb, 0, gb.length);
            g.finish();
            assertThat(g.usage()).as(garbage).isEqualTo(Usage.NONE);
        }
        UsageScanner invalid = scanner(ProviderKind.OPENAI);
        byte[] bad = {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        invalid.accept(bad, 0, bad.length);
        invalid.finish();
        assertThat(invalid.model()).isEmpty();
    }
}

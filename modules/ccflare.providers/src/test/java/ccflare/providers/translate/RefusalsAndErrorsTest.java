package ccflare.providers.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fields that cannot be translated are refused by name; errors reach the client in its own shape. */
class RefusalsAndErrorsTest {

    private static Translation.Refused refused(Dialect client, Dialect upstream, String json) {
        Translation t = Translations.request(client, upstream, false, Trees.parse(json, "test"));
        assertThat(t).isInstanceOf(Translation.Refused.class);
        return (Translation.Refused) t;
    }

    @Test
    void chatFieldsWithoutAnthropicCounterpartAreRefusedByName() {
        assertThat(refused(Dialect.CHAT, Dialect.MESSAGES, "{\"model\":\"m\",\"messages\":[],\"n\":2}").field()).isEqualTo("n");
        assertThat(refused(Dialect.CHAT, Dialect.MESSAGES, "{\"model\":\"m\",\"messages\":[],\"logit_bias\":{}}").field()).isEqualTo("logit_bias");
        assertThat(refused(Dialect.CHAT, Dialect.MESSAGES, "{\"model\":\"m\",\"messages\":[],\"temperature\":1.5}").field()).isEqualTo("temperature");
        assertThat(refused(Dialect.CHAT, Dialect.MESSAGES,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{}}]}]}").field())
                .isEqualTo("messages[0].content[0].type");
        assertThat(refused(Dialect.CHAT, Dialect.MESSAGES,
                "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{oops\"}}]}]}").field())
                .isEqualTo("messages[0].tool_calls[0].function.arguments");
        assertThat(refused(Dialect.CHAT, Dialect.MESSAGES,
                "{\"model\":\"m\",\"messages\":[],\"response_format\":{\"type\":\"json_object\"}}").field()).isEqualTo("response_format.type");
        assertThat(refused(Dialect.CHAT, Dialect.MESSAGES,
                "{\"model\":\"m\",\"messages\":[],\"reasoning_effort\":\"high\",\"tool_choice\":\"required\"}").field()).isEqualTo("tool_choice");
        assertThat(refused(Dialect.CHAT, Dialect.MESSAGES,
                "{\"model\":\"m\",\"messages\":[],\"reasoning_effort\":\"huge\"}").reason()).contains("expected: none, minimal");
    }

    @Test
    void responsesFieldsWithoutAnthropicCounterpartAreRefusedByName() {
        assertThat(refused(Dialect.RESPONSES, Dialect.MESSAGES, "{\"model\":\"m\",\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}").field())
                .isEqualTo("previous_response_id");
        assertThat(refused(Dialect.RESPONSES, Dialect.MESSAGES, "{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}").field())
                .isEqualTo("input[0].type");
        assertThat(refused(Dialect.RESPONSES, Dialect.MESSAGES, "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}").field())
                .isEqualTo("tools[0].type");
    }

    @Test
    void messagesFieldsWithoutOpenAiCounterpartAreRefusedByName() {
        assertThat(refused(Dialect.MESSAGES, Dialect.RESPONSES,
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"stop_sequences\":[\"x\"]}").field()).isEqualTo("stop_sequences");
        assertThat(refused(Dialect.MESSAGES, Dialect.CHAT,
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}").field())
                .isEqualTo("tools[0].type");
        assertThat(refused(Dialect.MESSAGES, Dialect.CHAT,
                "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":{}}]}]}").field())
                .isEqualTo("messages[0].content[0].type");
        assertThat(refused(Dialect.MESSAGES, Dialect.CHAT, "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"mcp_servers\":[]}").field())
                .isEqualTo("mcp_servers");
    }

    @Test
    void refusalIsA400InTheClientsShapeNamingTheField() {
        Translation.Refused r = refused(Dialect.CHAT, Dialect.MESSAGES, "{\"model\":\"m\",\"messages\":[],\"n\":3}");
        ClientBody body = Translations.refused(Dialect.CHAT, r);
        assertThat(body.status()).isEqualTo(400);
        JsonNode tree = Trees.parse(new String(body.body(), StandardCharsets.UTF_8), "body");
        assertThat(tree.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(tree.path("error").path("message").asText()).isEqualTo("cannot translate n: Anthropic returns one choice per request");
    }

    @Test
    void upstream429KeepsItsStatusAndMessageInTheOtherFamilysShape() {
        byte[] openAi = "{\"error\":{\"message\":\"Rate limit reached for gpt-5\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}"
                .getBytes(StandardCharsets.UTF_8);
        ClientBody toAnthropic = Translations.upstreamError(Dialect.MESSAGES, 429, openAi);
        assertThat(toAnthropic.status()).isEqualTo(429);
        JsonNode a = Trees.parse(new String(toAnthropic.body(), StandardCharsets.UTF_8), "a");
        assertThat(a.path("type").asText()).isEqualTo("error");
        assertThat(a.path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(a.path("error").path("message").asText()).isEqualTo("Rate limit reached for gpt-5");

        byte[] anthropic = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}".getBytes(StandardCharsets.UTF_8);
        ClientBody toOpenAi = Translations.upstreamError(Dialect.CHAT, 529, anthropic);
        assertThat(toOpenAi.status()).isEqualTo(529);
        JsonNode o = Trees.parse(new String(toOpenAi.body(), StandardCharsets.UTF_8), "o");
        assertThat(o.path("error").path("message").asText()).isEqualTo("Overloaded");
        assertThat(o.path("error").path("type").asText()).isEqualTo("server_error");
    }

    @Test
    void effortAndBudgetFollowTheOriginalsTable() {
        assertThat(Effort.parse("minimal", "f").budget).isEqualTo(512);
        assertThat(Effort.parse("minimal", "f").anthropicBudget()).isEqualTo(1024);
        assertThat(Effort.parse("medium", "f").anthropicBudget()).isEqualTo(8192);
        assertThat(Effort.parse("xhigh", "f").anthropicBudget()).isEqualTo(32768);
        assertThat(Effort.ofBudget(8000)).isEqualTo(Effort.MEDIUM);
        assertThat(Effort.ofBudget(24576)).isEqualTo(Effort.HIGH);
        assertThat(Effort.ofBudget(200_000).openAiWire()).isEqualTo("xhigh");
    }

    @Test
    void adaptiveThinkingModelsGetAnEffortNotABudget() {
        Translation t = Translations.request(Dialect.CHAT, Dialect.MESSAGES, false,
                Trees.parse("{\"model\":\"claude-opus-4-6\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"xhigh\"}", "t"));
        JsonNode body = ((Translation.Translated) t).body();
        assertThat(body.path("thinking").path("type").asText()).isEqualTo("adaptive");
        assertThat(body.path("output_config").path("effort").asText()).isEqualTo("max");
        assertThat(body.path("max_tokens").asLong()).isEqualTo(4096);
    }

    @Test
    void framerJoinsMultiLineDataAndAcceptsCrLfAndAMissingLastBlankLine() {
        List<String> seen = new ArrayList<>();
        SseFramer framer = new SseFramer(1024, (n, d) -> seen.add(n + "|" + d));
        byte[] bytes = ": comment\r\nevent: a\r\ndata: 1\r\ndata: 2\r\n\r\ndata: last".getBytes(StandardCharsets.UTF_8);
        framer.accept(bytes, 0, bytes.length);
        assertThat(seen).containsExactly("a|1\n2");
        framer.finish();
        assertThat(seen).containsExactly("a|1\n2", "|last");
    }

    @Test
    void framerReadsFieldsOnlyByTheirWholeNameAndReusesARepeatedEventName() {
        List<String> names = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        SseFramer framer = new SseFramer(1024, (n, d) -> {
            names.add(n);
            seen.add(n + "|" + d);
        });
        byte[] bytes = ("database: no\neventful: no\nevent:x\ndata\ndata:a\n\nevent: x\ndata:  two spaces\n\nid: 1\nretry: 5\n"
                + "event: é\ndata: ü\n\n").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) framer.accept(bytes, i, 1);
        assertThat(seen).containsExactly("x|\na", "x| two spaces", "é|ü");
        assertThat(names.get(1)).isSameAs(names.get(0));
    }

    @Test
    void framerRefusesAnEventLongerThanItsBound() {
        SseFramer framer = new SseFramer(16, (n, d) -> { });
        byte[] bytes = "data: 0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> framer.accept(bytes, 0, bytes.length))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("longer than 16 bytes");
    }
}

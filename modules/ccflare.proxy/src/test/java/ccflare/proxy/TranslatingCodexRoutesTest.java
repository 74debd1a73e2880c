package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.RequestRecord;
import ccflare.providers.Providers;
import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import ccflare.testing.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chat and Responses clients on a codex account (a ChatGPT subscription) end to end: a real Jetty
 * hosting the proxy with the real provider adapters, the fake upstream playing Codex's Responses
 * stream (reasoning, text and a function call, one event per write), real HTTP clients.
 */
class TranslatingCodexRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path CODEX_SSE = Path.of("../ccflare.providers/src/test/resources/translate/chat-via-responses/upstream.sse");
    /** A Chat conversation in the middle of a tool round trip: the model called shell, the tool answered. */
    static final String CHAT_ROUND_TRIP = "{\"model\":\"openai/gpt-5-codex\",\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are a coding agent.\"},"
            + "{\"role\":\"user\",\"content\":\"List the files.\"},"
            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_0\",\"type\":\"function\","
            + "\"function\":{\"name\":\"shell\",\"arguments\":\"{\\\"command\\\":[\\\"ls\\\"]}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"call_0\",\"content\":\"README.md\"}],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"shell\",\"parameters\":{\"type\":\"object\"}}}],"
            + "\"max_tokens\":512,\"temperature\":0.3";
    static final String RESPONSES = "{\"model\":\"openai/gpt-5-codex\",\"input\":\"Read the README.\",\"max_output_tokens\":512";

    final FakeUpstream fake = FakeUpstream.start();
    ProxyHarness h;
    String codex;

    @BeforeEach void start() throws Exception {
        h = new ProxyHarness(ProxyHarness.config(fake.baseUri().toString()).build(), false, null, Providers::adapter);
        codex = h.accounts.add("c", "c", ProviderKind.CODEX, 0, "",
                new Credentials.OAuthTokens("tok-c", "refresh-c", ProxyHarness.T0 + 3_600_000)).id();
    }

    @AfterEach void stop() throws Exception {
        h.close();
        fake.close();
    }

    static JsonNode json(String s) throws Exception { return JSON.readTree(s); }

    /** The golden Codex stream, one event per write, {@code between} apart. */
    void codexStreamsEventByEvent(Duration between) throws Exception {
        List<String> chunks = new ArrayList<>();
        for (String event : Files.readString(CODEX_SSE).split("\n\n")) chunks.add(event + "\n\n");
        fake.behaveByDefault(Behaviour.raw(200, Map.of("content-type", "text/event-stream"), chunks, between));
    }

    /** The data lines of an event stream as they arrive, each with whether the upstream still held its stream open then. */
    record Arrival(String data, boolean upstreamOpen) {}

    List<Arrival> stream(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(h.url(path))).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> r = h.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).contains("text/event-stream");
        List<Arrival> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) out.add(new Arrival(line.substring(6), fake.inFlight() == 1));
            }
        }
        return out;
    }

    @Test void chatClientStreamsFromACodexAccountChunkByChunkWithItsToolCall() throws Exception {
        codexStreamsEventByEvent(Duration.ofMillis(150));

        List<Arrival> data = stream("/v1/ccflare/openai/chat/completions",
                CHAT_ROUND_TRIP + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        // Each text delta reached the client while Codex was still streaming: translated as it came, not at the end.
        List<Arrival> content = data.stream().filter(a -> !a.data().equals("[DONE]"))
                .filter(a -> a.data().contains("\"content\":\"Reading\"") || a.data().contains("\"content\":\" it now.\"")).toList();
        assertThat(content).hasSize(2).allMatch(Arrival::upstreamOpen);
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        String toolName = null;
        String finish = null;
        JsonNode usage = null;
        for (Arrival a : data) {
            if (a.data().equals("[DONE]")) continue;
            JsonNode chunk = json(a.data());
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            if (chunk.has("usage")) usage = chunk.get("usage");
            JsonNode choice = chunk.path("choices").path(0);
            JsonNode delta = choice.path("delta");
            text.append(delta.path("content").asText(""));
            reasoning.append(delta.path("reasoning_content").asText(""));
            JsonNode call = delta.path("tool_calls").path(0);
            if (call.has("id")) toolName = call.path("function").path("name").asText();
            arguments.append(call.path("function").path("arguments").asText(""));
            if (choice.path("finish_reason").isTextual()) finish = choice.path("finish_reason").asText();
        }
        assertThat(json(data.getFirst().data()).path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(text.toString()).isEqualTo("Reading it now.");
        assertThat(reasoning.toString()).isEqualTo("**Reading** the README");
        assertThat(toolName).isEqualTo("shell");
        assertThat(json(arguments.toString()).path("command").path(1).asText()).isEqualTo("README.md");
        assertThat(finish).isEqualTo("tool_calls");
        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(328);
        assertThat(data.getLast().data()).isEqualTo("[DONE]");

        // The round trip went up as Responses items, normalised for Codex.
        Received sent = fake.requests("/backend-api/codex/responses").getFirst();
        JsonNode upstream = json(sent.bodyText());
        assertThat(upstream.path("model").asText()).isEqualTo("gpt-5-codex");
        assertThat(upstream.path("stream").asBoolean()).isTrue();
        assertThat(upstream.path("store").asBoolean(true)).isFalse();
        assertThat(upstream.has("temperature")).isFalse();
        assertThat(upstream.has("max_output_tokens")).isFalse();
        assertThat(upstream.path("input").path(0).path("role").asText()).isEqualTo("developer");
        assertThat(upstream.path("input").path(2).path("type").asText()).isEqualTo("function_call");
        assertThat(upstream.path("input").path(2).path("call_id").asText()).isEqualTo("call_0");
        assertThat(upstream.path("input").path(3).path("type").asText()).isEqualTo("function_call_output");
        assertThat(upstream.path("input").path(3).path("output").asText()).isEqualTo("README.md");
        assertThat(upstream.path("tools").path(0).path("name").asText()).isEqualTo("shell");
        assertThat(sent.credential()).contains("tok-c");

        RequestRecord rec = h.nextServedBy(codex, 1, 0);
        assertThat(rec.provider()).isEqualTo("codex");
        assertThat(rec.path()).isEqualTo("/v1/ccflare/openai/chat/completions");
        assertThat(rec.translation()).isEqualTo("openai-chat→codex-responses");
        assertThat(rec.usage().outputTokens()).isEqualTo(52);
    }

    @Test void chatClientThatAskedForJsonGetsOneCompletionFromTheCodexStream() throws Exception {
        codexStreamsEventByEvent(Duration.ZERO);

        HttpResponse<String> r = h.post("/v1/ccflare/openai/chat/completions", CHAT_ROUND_TRIP + "}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode body = json(r.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        JsonNode message = body.path("choices").path(0).path("message");
        assertThat(message.path("content").asText()).isEqualTo("Reading it now.");
        assertThat(message.path("tool_calls").path(0).path("id").asText()).isEqualTo("call_1");
        assertThat(json(message.path("tool_calls").path(0).path("function").path("arguments").asText()).path("command").path(0).asText())
                .isEqualTo("cat");
        assertThat(body.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(body.path("usage").path("completion_tokens").asLong()).isEqualTo(52);
        // Codex always streams: the upstream was asked to, whatever the client asked.
        assertThat(json(fake.requests("/backend-api/codex/responses").getFirst().bodyText()).path("stream").asBoolean()).isTrue();
        assertThat(h.nextServedBy(codex, 1, 0).usage().inputTokens()).isEqualTo(328 - 256);
    }

    @Test void responsesClientStreamsFromACodexAccountWithItsEventsPassedThroughOneByOne() throws Exception {
        codexStreamsEventByEvent(Duration.ofMillis(100));

        List<Arrival> data = stream("/v1/ccflare/openai/responses", RESPONSES + ",\"stream\":true}");

        List<String> upstreamData = new ArrayList<>();
        for (String line : Files.readString(CODEX_SSE).split("\n")) if (line.startsWith("data: ")) upstreamData.add(line.substring(6));
        assertThat(data.stream().map(Arrival::data).toList()).isEqualTo(upstreamData);
        assertThat(data.subList(0, data.size() - 1)).allMatch(Arrival::upstreamOpen);
        JsonNode upstream = json(fake.requests("/backend-api/codex/responses").getFirst().bodyText());
        assertThat(upstream.path("model").asText()).isEqualTo("gpt-5-codex");
        assertThat(upstream.path("input").path(0).path("content").path(0).path("text").asText()).isEqualTo("Read the README.");
        assertThat(upstream.path("instructions").asText()).isEqualTo("You are a helpful assistant.");
        assertThat(upstream.has("max_output_tokens")).isFalse();
        RequestRecord rec = h.nextServedBy(codex, 1, 0);
        assertThat(rec.usage().outputTokens()).isEqualTo(52);
        assertThat(rec.translation()).isEqualTo("openai-responses→codex-responses");
    }

    @Test void responsesClientThatAskedForJsonGetsOneResponseObjectFromTheCodexStream() throws Exception {
        codexStreamsEventByEvent(Duration.ZERO);

        HttpResponse<String> r = h.post("/v1/ccflare/openai/responses", RESPONSES + "}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.path("object").asText()).isEqualTo("response");
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(body.path("output").size()).isEqualTo(3);
        assertThat(body.path("output").path(2).path("type").asText()).isEqualTo("function_call");
        assertThat(body.path("usage").path("output_tokens").asLong()).isEqualTo(52);
    }

    @Test void anInterruptedCodexStreamEndsTheChatClientsStreamWithAnErrorAndNoDone() throws Exception {
        fake.behaveByDefault(Behaviour.closeMidStream(3));

        List<Arrival> data = stream("/v1/ccflare/openai/chat/completions", CHAT_ROUND_TRIP + ",\"stream\":true}");

        assertThat(data.stream().map(Arrival::data)).doesNotContain("[DONE]");
        assertThat(json(data.getLast().data()).path("error").path("message").asText()).isNotEmpty();
    }

    @Test void withoutACodexAccountAChatClientOnAnOpenAiAccountIsPassedThroughUntranslated() throws Exception {
        h.accounts.remove(codex);
        String openai = h.accounts.add("o", "o", ProviderKind.OPENAI, 0, "", new Credentials.ApiKey("key-o")).id();

        HttpResponse<String> r = h.post("/v1/ccflare/openai/chat/completions", CHAT_ROUND_TRIP + "}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r.body()).path("object").asText()).isEqualTo("chat.completion");
        JsonNode upstream = json(fake.requests("/v1/chat/completions").getFirst().bodyText());
        assertThat(upstream.path("model").asText()).isEqualTo("gpt-5-codex");
        assertThat(upstream.path("temperature").asDouble()).isEqualTo(0.3);
        RequestRecord rec = h.nextServedBy(openai, 1, 0);
        assertThat(rec.provider()).isEqualTo("openai");
        assertThat(rec.translation()).as("untranslated: only the prefix was stripped").isEmpty();
    }
}

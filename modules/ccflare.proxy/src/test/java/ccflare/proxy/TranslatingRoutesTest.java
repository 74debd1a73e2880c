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
import org.junit.jupiter.api.Test;

/**
 * The translating routes end to end: a real Jetty hosting the proxy with the real provider
 * adapters, the fake upstream speaking each provider's grammar, real HTTP clients.
 */
class TranslatingRoutesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CHAT_TOOLS = "{\"model\":\"anthropic/claude-sonnet-4-5\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"user\",\"content\":\"Weather in Paris?\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}],\"max_tokens\":64";
    static final String MESSAGES = "{\"model\":\"openai/gpt-5\",\"max_tokens\":64,\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    final FakeUpstream fake = FakeUpstream.start();
    ProxyHarness h;

    ProxyHarness proxy() throws Exception {
        h = new ProxyHarness(ProxyHarness.config(fake.baseUri().toString()).build(), false, null, Providers::adapter);
        fake.usage(120, 30, 0, 0);
        return h;
    }

    @AfterEach void stop() throws Exception {
        if (h != null) h.close();
        fake.close();
    }

    static JsonNode json(String s) throws Exception { return JSON.readTree(s); }

    @Test void openAiChatClientIsServedByAClaudeCodeAccountWithToolUse() throws Exception {
        proxy();
        String account = h.oauthAccount("max", 0);

        HttpResponse<String> r = h.post("/v1/ccflare/openai/chat/completions", CHAT_TOOLS + "}", "authorization", "Bearer sk-anything");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.path("object").asText()).isEqualTo("chat.completion");
        JsonNode message = body.path("choices").path(0).path("message");
        assertThat(message.path("tool_calls").path(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(body.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(body.path("usage").path("prompt_tokens").asLong()).isEqualTo(120);

        Received sent = fake.requests("/v1/messages").getFirst();
        JsonNode upstream = json(sent.bodyText());
        assertThat(upstream.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(upstream.path("system").asText()).isEqualTo("Be brief.");
        assertThat(upstream.path("tools").path(0).path("input_schema").path("type").asText()).isEqualTo("object");
        assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.credential()).contains("tok-max");

        RequestRecord rec = h.nextServedBy(account, 1, 0);
        assertThat(rec.path()).isEqualTo("/v1/ccflare/openai/chat/completions");
        assertThat(rec.provider()).isEqualTo("claude-code");
        assertThat(rec.translation()).isEqualTo("openai-chat→anthropic-messages");
        assertThat(rec.usage().inputTokens()).isEqualTo(120);
        assertThat(rec.usage().outputTokens()).isEqualTo(30);
        assertThat(rec.costUsd()).isGreaterThan(0);
    }

    @Test void chatStreamFromAnthropicArrivesEventByEvent() throws Exception {
        proxy();
        h.oauthAccount("max", 0);
        // The golden transcript, one upstream event per chunk, a second apart: the first translated
        // chunk must reach the client while the upstream is still holding the stream open.
        String sse = Files.readString(Path.of("../ccflare.providers/src/test/resources/translate/chat-via-messages/upstream.sse"));
        List<String> chunks = new ArrayList<>();
        for (String event : sse.split("\n\n")) chunks.add(event + "\n\n");
        fake.behaveByDefault(Behaviour.raw(200, Map.of("content-type", "text/event-stream"), chunks, Duration.ofMillis(400)));

        HttpRequest request = HttpRequest.newBuilder(URI.create(h.url("/v1/ccflare/openai/chat/completions")))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT_TOOLS.replace("\"max_tokens\":64", "\"max_tokens\":64,\"stream\":true,\"stream_options\":{\"include_usage\":true}") + "}"))
                .build();
        HttpResponse<InputStream> r = h.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = new ArrayList<>();
        boolean upstreamOpenAtFirstEvent = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data: ")) continue;
                if (data.isEmpty()) upstreamOpenAtFirstEvent = fake.inFlight() == 1;
                data.add(line.substring(6));
            }
        }
        assertThat(upstreamOpenAtFirstEvent).as("first chunk arrived while the upstream stream was still open").isTrue();
        assertThat(json(data.getFirst()).path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        for (String d : data) {
            if (d.equals("[DONE]")) continue;
            JsonNode delta = json(d).path("choices").path(0).path("delta");
            text.append(delta.path("content").asText(""));
            arguments.append(delta.path("tool_calls").path(0).path("function").path("arguments").asText(""));
        }
        assertThat(text.toString()).isEqualTo("I'll look it up.");
        assertThat(json(arguments.toString()).path("location").asText()).isEqualTo("Boston, MA");
        assertThat(data.getLast()).isEqualTo("[DONE]");
        RequestRecord rec = h.log.next();
        assertThat(rec.usage().inputTokens()).isEqualTo(472);
        assertThat(rec.usage().cacheReadInputTokens()).isEqualTo(1024);
    }

    @Test void anthropicClientIsServedByAnOpenAiAccountThroughResponses() throws Exception {
        proxy();
        String account = h.accounts.add("o", "o", ProviderKind.OPENAI, 0, "", new Credentials.ApiKey("key-o")).id();

        HttpResponse<String> r = h.post("/v1/ccflare/anthropic/messages", MESSAGES + "}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r.body());
        assertThat(body.path("type").asText()).as(r.body()).isEqualTo("message");
        assertThat(body.path("content").path(0).path("type").asText()).isEqualTo("text");
        assertThat(body.path("content").path(0).path("text").asText()).isNotEmpty();
        assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
        Received sent = fake.requests("/v1/responses").getFirst();
        JsonNode upstream = json(sent.bodyText());
        assertThat(upstream.path("model").asText()).isEqualTo("gpt-5");
        assertThat(upstream.path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(upstream.path("stream").asBoolean()).isTrue();
        RequestRecord rec = h.nextServedBy(account, 1, 0);
        assertThat(rec.provider()).isEqualTo("openai");
        assertThat(rec.usage().outputTokens()).isEqualTo(30);
    }

    @Test void anthropicClientStreamsFromACodexAccount() throws Exception {
        proxy();
        String account = h.accounts.add("c", "c", ProviderKind.CODEX, 0, "",
                new Credentials.OAuthTokens("tok-c", "refresh-c", ProxyHarness.T0 + 3_600_000)).id();

        // The path an Anthropic SDK posts to with base URL …/v1/ccflare/anthropic.
        HttpResponse<String> r = h.post("/v1/ccflare/anthropic/v1/messages", MESSAGES + ",\"stream\":true}");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("event: ")) names.add(line.substring(7));
            if (line.startsWith("data: ")) text.append(json(line.substring(6)).path("delta").path("text").asText(""));
        }
        assertThat(names.getFirst()).isEqualTo("message_start");
        assertThat(names).contains("content_block_start", "content_block_delta", "message_delta");
        assertThat(names.getLast()).isEqualTo("message_stop");
        assertThat(text.toString()).isNotEmpty();
        JsonNode upstream = json(fake.requests("/backend-api/codex/responses").getFirst().bodyText());
        assertThat(upstream.path("store").asBoolean(true)).isFalse();
        assertThat(upstream.has("max_output_tokens")).isFalse();
        assertThat(upstream.path("include").path(0).asText()).isEqualTo("reasoning.encrypted_content");
        RequestRecord rec = h.nextServedBy(account, 1, 0);
        assertThat(rec.provider()).isEqualTo("codex");
        assertThat(rec.translation()).isEqualTo("anthropic-messages→codex-responses");
        assertThat(rec.usage().inputTokens()).isEqualTo(120);
    }

    @Test void anInterruptedUpstreamStreamEndsTheClientStreamWithAnErrorInItsGrammar() throws Exception {
        proxy();
        h.oauthAccount("max", 0);
        fake.behaveByDefault(Behaviour.closeMidStream(3));

        HttpResponse<String> r = h.post("/v1/ccflare/openai/chat/completions", CHAT_TOOLS + ",\"stream\":true}");

        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = new ArrayList<>();
        for (String line : r.body().split("\n")) if (line.startsWith("data: ")) data.add(line.substring(6));
        assertThat(data).doesNotContain("[DONE]");
        assertThat(json(data.getLast()).path("error").path("message").asText()).isNotEmpty();
    }

    @Test void anUpstream429ReachesAnOpenAiClientAs429InItsShapeWithRetryAfter() throws Exception {
        proxy();
        h.oauthAccount("max", 0);
        fake.behaveByDefault(Behaviour.rateLimited429(7, 0));

        HttpResponse<String> r = h.post("/v1/ccflare/openai/chat/completions", CHAT_TOOLS + "}");

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        JsonNode error = json(r.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("message").asText()).isNotEmpty();
    }

    @Test void anUntranslatableFieldIsA400NamingItAndReachesNoUpstream() throws Exception {
        proxy();
        h.oauthAccount("max", 0);

        HttpResponse<String> r = h.post("/v1/ccflare/openai/chat/completions", CHAT_TOOLS + ",\"n\":2}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("error").path("message").asText()).isEqualTo("cannot translate n: Anthropic returns one choice per request");
        assertThat(fake.requests()).isEmpty();
    }

    @Test void aModelWithoutAFamilyPrefixOrAFamilyWithoutAccountsIsRefused() throws Exception {
        proxy();
        h.oauthAccount("max", 0);

        HttpResponse<String> noPrefix = h.post("/v1/ccflare/anthropic/messages", MESSAGES.replace("openai/gpt-5", "gpt-5") + "}");
        assertThat(noPrefix.statusCode()).isEqualTo(400);
        assertThat(json(noPrefix.body()).path("error").path("message").asText()).contains("expected: anthropic/<id> or openai/<id>");

        HttpResponse<String> noAccount = h.post("/v1/ccflare/anthropic/messages", MESSAGES + "}");
        assertThat(noAccount.statusCode()).isEqualTo(503);
        assertThat(json(noAccount.body()).path("error").path("message").asText()).contains("'openai' compatibility family");

        HttpResponse<String> unknown = h.post("/v1/ccflare/anthropic/complete", MESSAGES + "}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(fake.requests()).isEmpty();
    }
}

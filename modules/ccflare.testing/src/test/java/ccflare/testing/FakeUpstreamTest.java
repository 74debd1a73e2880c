package ccflare.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeUpstreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANTHROPIC_STREAM = "{\"model\":\"claude-opus-4-1\",\"stream\":true,\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANTHROPIC_JSON = "{\"model\":\"claude-opus-4-1\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private FakeUpstream upstream;

    @BeforeEach void start() { upstream = FakeUpstream.start(ManualClock.at("2026-01-01T00:00:00Z")); }

    @AfterEach void stop() { upstream.close(); }

    private URI uri(String pathAndQuery) { return URI.create(upstream.baseUri() + pathAndQuery); }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------ Anthropic

    @Test
    void answersNonStreamingMessageWithUsageAndTheRequestedModel() {
        upstream.usage(100, 20, 30, 40);

        TestHttp.Reply reply = TestHttp.postJson(uri("/v1/messages?beta=true"), ANTHROPIC_JSON, "x-api-key", "k1");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("content-type")).startsWith("application/json");
        JsonNode m = json(reply.body());
        assertThat(m.path("type").asText()).isEqualTo("message");
        assertThat(m.path("model").asText()).isEqualTo("claude-opus-4-1");
        assertThat(m.path("content").get(0).path("text").asText()).startsWith("Hello");
        assertThat(m.path("usage").path("input_tokens").asLong()).isEqualTo(100);
        assertThat(m.path("usage").path("output_tokens").asLong()).isEqualTo(20);
        assertThat(m.path("usage").path("cache_read_input_tokens").asLong()).isEqualTo(30);
        assertThat(m.path("usage").path("cache_creation_input_tokens").asLong()).isEqualTo(40);
    }

    @Test
    void sendsAnthropicRateLimitHeadersOnSuccess() {
        long now = ManualClock.at("2026-01-01T00:00:00Z").millis() / 1000;
        upstream.windows(0.5, now + 600, 0.75, 0);

        TestHttp.Reply reply = TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k1");

        assertThat(reply.header("request-id")).startsWith("req_");
        assertThat(reply.header("anthropic-ratelimit-unified-status")).isEqualTo("allowed");
        assertThat(reply.header("anthropic-ratelimit-unified-reset")).isEqualTo(Long.toString(now + 600));
        assertThat(reply.header("anthropic-ratelimit-unified-5h-utilization")).isEqualTo("0.5");
        assertThat(reply.header("anthropic-ratelimit-unified-7d-utilization")).isEqualTo("0.75");
        assertThat(reply.header("anthropic-ratelimit-unified-7d-reset")).isEqualTo(Long.toString(now + 7 * 86400));
    }

    @Test
    void streamsTheExactAnthropicEventGrammarWithEachEventFlushedSeparately() {
        upstream.usage(7, 42, 3, 2).deltas(4, Duration.ofMillis(40));

        TestHttp.StreamedReply reply = TestHttp.streamLines(uri("/v1/messages"), ANTHROPIC_STREAM, "x-api-key", "k1");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("content-type")).startsWith("text/event-stream");
        List<Sse.Event> events = Sse.parse(reply.text());
        assertThat(events).extracting(Sse.Event::event).containsExactly("message_start", "content_block_start", "ping",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        for (Sse.Event e : events) assertThat(json(e.data()).path("type").asText()).isEqualTo(e.event());
        JsonNode start = json(events.getFirst().data()).path("message");
        assertThat(start.path("model").asText()).isEqualTo("claude-opus-4-1");
        assertThat(start.path("usage").path("input_tokens").asLong()).isEqualTo(7);
        assertThat(start.path("usage").path("cache_read_input_tokens").asLong()).isEqualTo(3);
        assertThat(start.path("usage").path("cache_creation_input_tokens").asLong()).isEqualTo(2);
        assertThat(json(events.get(3).data()).path("delta").path("type").asText()).isEqualTo("text_delta");
        assertThat(json(events.get(8).data()).path("usage").path("output_tokens").asLong()).isEqualTo(42);
        // Raw wire format: "event: X" line, "data: {...}" line, blank line.
        assertThat(reply.lines().get(0).text()).isEqualTo("event: message_start");
        assertThat(reply.lines().get(1).text()).startsWith("data: {");
        assertThat(reply.lines().get(2).text()).isEmpty();
        // Flushed one by one: the first and last delta arrive apart (the server waits over 100 ms
        // between them; half of it leaves room for the client reading the first one late).
        List<TestHttp.Line> deltas = reply.lines().stream().filter(l -> l.text().contains("text_delta")).toList();
        assertThat(deltas.getLast().arrivedAtNanos() - deltas.getFirst().arrivedAtNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    }

    @Test
    void streamsToolUseWithInputJsonDeltasWhenTheRequestHasTools() {
        String body = "{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"tools\":[{\"name\":\"search\",\"input_schema\":{}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"find\"}]}";

        List<Sse.Event> events = Sse.parse(TestHttp.streamLines(uri("/v1/messages"), body, "x-api-key", "k1").text());

        JsonNode toolStart = events.stream().map(e -> json(e.data()))
                .filter(d -> d.path("content_block").path("type").asText().equals("tool_use")).findFirst().orElseThrow();
        assertThat(toolStart.path("content_block").path("name").asText()).isEqualTo("search");
        StringBuilder partial = new StringBuilder();
        events.stream().map(e -> json(e.data())).filter(d -> d.path("delta").path("type").asText().equals("input_json_delta"))
                .forEach(d -> partial.append(d.path("delta").path("partial_json").asText()));
        assertThat(json(partial.toString()).path("query").asText()).isEqualTo("fake upstream");
        JsonNode messageDelta = json(events.get(events.size() - 2).data());
        assertThat(messageDelta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void countsTokensAndListsModels() {
        upstream.usage(321, 1, 0, 0);

        TestHttp.Reply count = TestHttp.postJson(uri("/v1/messages/count_tokens"), ANTHROPIC_JSON, "x-api-key", "k1");
        TestHttp.Reply anthropicModels = TestHttp.get(uri("/v1/models"), "x-api-key", "k1");
        TestHttp.Reply openAiModels = TestHttp.get(uri("/v1/models"), "authorization", "Bearer sk-openai");

        assertThat(json(count.body()).path("input_tokens").asLong()).isEqualTo(321);
        assertThat(json(anthropicModels.body()).path("data").get(0).path("type").asText()).isEqualTo("model");
        assertThat(json(openAiModels.body()).path("object").asText()).isEqualTo("list");
    }

    @Test
    void answersUnknownPathsWith404InAnthropicErrorShape() {
        TestHttp.Reply reply = TestHttp.get(uri("/v1/nothing"), "x-api-key", "k1");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(json(reply.body()).path("error").path("type").asText()).isEqualTo("not_found_error");
    }

    // ------------------------------------------------------------ OpenAI

    @Test
    void streamsChatCompletionChunksThenAUsageChunkThenDone() {
        upstream.usage(11, 5, 4, 0);
        String body = "{\"model\":\"gpt-5\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        TestHttp.StreamedReply reply = TestHttp.streamLines(uri("/chat/completions"), body, "authorization", "Bearer sk-1");

        List<Sse.Event> events = Sse.parse(reply.text());
        assertThat(events).allSatisfy(e -> assertThat(e.event()).isEqualTo("message"));
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        JsonNode usageChunk = json(events.get(events.size() - 2).data());
        assertThat(usageChunk.path("choices")).isEmpty();
        assertThat(usageChunk.path("usage").path("prompt_tokens").asLong()).isEqualTo(15);
        assertThat(usageChunk.path("usage").path("completion_tokens").asLong()).isEqualTo(5);
        assertThat(usageChunk.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(4);
        assertThat(json(events.getFirst().data()).path("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(reply.header("x-ratelimit-remaining-requests")).isEqualTo("9999");
    }

    @Test
    void omitsTheUsageChunkUnlessRequestedAndAnswersJsonWithUsage() {
        String stream = "{\"model\":\"gpt-5\",\"stream\":true,\"messages\":[]}";
        List<Sse.Event> events = Sse.parse(TestHttp.streamLines(uri("/v1/chat/completions"), stream,
                "authorization", "Bearer sk-1").text());
        assertThat(events).noneMatch(e -> e.data().contains("\"usage\""));

        TestHttp.Reply reply = TestHttp.postJson(uri("/v1/chat/completions"), "{\"model\":\"gpt-4.1\",\"messages\":[]}",
                "authorization", "Bearer sk-1");
        JsonNode c = json(reply.body());
        assertThat(c.path("model").asText()).isEqualTo("gpt-4.1");
        assertThat(c.path("usage").path("total_tokens").asLong()).isEqualTo(37);
    }

    @Test
    void streamsCodexResponsesEventsWithUsageAndCodexHeaders() {
        upstream.usage(50, 9, 10, 0).reasoningTokens(6).windows(0.25, 0, 0.5, 0);
        String body = "{\"model\":\"gpt-5-codex\",\"stream\":true,\"input\":[]}";

        TestHttp.StreamedReply reply = TestHttp.streamLines(uri("/backend-api/codex/responses"), body,
                "authorization", "Bearer codex-at");

        List<Sse.Event> events = Sse.parse(reply.text());
        assertThat(events.getFirst().event()).isEqualTo("response.created");
        assertThat(events.getLast().event()).isEqualTo("response.completed");
        assertThat(events).filteredOn(e -> e.event().equals("response.output_text.delta")).hasSize(3);
        JsonNode usage = json(events.getLast().data()).path("response").path("usage");
        assertThat(usage.path("input_tokens").asLong()).isEqualTo(60);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(9);
        assertThat(usage.path("input_tokens_details").path("cached_tokens").asLong()).isEqualTo(10);
        assertThat(usage.path("output_tokens_details").path("reasoning_tokens").asLong()).isEqualTo(6);
        assertThat(reply.header("x-codex-primary-used-percent")).isEqualTo("25");
        assertThat(reply.header("x-codex-secondary-used-percent")).isEqualTo("50");
        assertThat(reply.header("x-codex-primary-reset-at")).isNotNull();
    }

    // ------------------------------------------------------------ behaviours

    @Test
    void appliesBehavioursPerCredential() {
        upstream.behave("limited", Behaviour.rateLimited429(30, 1_767_230_000L));
        upstream.behave("oauth-token", Behaviour.overloaded529());

        TestHttp.Reply limited = TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "limited");
        TestHttp.Reply overloaded = TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "authorization", "Bearer oauth-token");
        TestHttp.Reply healthy = TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "healthy");

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("retry-after")).isEqualTo("30");
        assertThat(limited.header("anthropic-ratelimit-unified-status")).isEqualTo("rate_limited");
        assertThat(limited.header("anthropic-ratelimit-unified-reset")).isEqualTo("1767230000");
        assertThat(json(limited.body()).path("type").asText()).isEqualTo("error");
        assertThat(json(limited.body()).path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(overloaded.status()).isEqualTo(529);
        assertThat(json(overloaded.body()).path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(healthy.status()).isEqualTo(200);
    }

    @Test
    void sequenceRepeatsItsLastStep() {
        upstream.behave("k", Behaviour.failTimes(2, Behaviour.serverError(503), Behaviour.ok()));
        upstream.behave("k2", Behaviour.sequence(Behaviour.clientError(400), Behaviour.hardLimitedStatus200("rejected")));

        List<Integer> statuses = List.of(1, 2, 3, 4).stream()
                .map(i -> TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k").status()).toList();
        TestHttp.Reply first = TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k2");
        TestHttp.Reply second = TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k2");
        TestHttp.Reply third = TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k2");

        assertThat(statuses).containsExactly(503, 503, 200, 200);
        assertThat(first.status()).isEqualTo(400);
        assertThat(json(first.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("anthropic-ratelimit-unified-status")).isEqualTo("rejected");
        assertThat(third.header("anthropic-ratelimit-unified-status")).isEqualTo("rejected");
    }

    @Test
    void randomChoicesAreReproducibleForASeed() {
        Behaviour chaos = Behaviour.random(42, Behaviour.ok(), Behaviour.serverError(500), Behaviour.overloaded529());
        upstream.behave("a", chaos);
        List<Integer> first = List.of(1, 2, 3, 4, 5, 6, 7, 8).stream()
                .map(i -> TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "a").status()).toList();
        upstream.behave("a", chaos);
        List<Integer> second = List.of(1, 2, 3, 4, 5, 6, 7, 8).stream()
                .map(i -> TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "a").status()).toList();

        assertThat(second).isEqualTo(first);
        assertThat(first).containsAnyOf(200, 500, 529).allMatch(st -> st == 200 || st == 500 || st == 529);
        assertThat(first.stream().distinct().count()).isGreaterThan(1);
    }

    @Test
    void rendersRateLimitsInTheOpenAiAndCodexDialects() {
        upstream.behaveByDefault(Behaviour.rateLimited429(20, 0));

        TestHttp.Reply openAi = TestHttp.postJson(uri("/v1/chat/completions"), "{\"model\":\"gpt-5\"}",
                "authorization", "Bearer sk-1");
        TestHttp.Reply codex = TestHttp.postJson(uri("/backend-api/codex/responses"), "{\"model\":\"gpt-5\"}",
                "authorization", "Bearer at-1");

        assertThat(openAi.status()).isEqualTo(429);
        assertThat(openAi.header("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(json(openAi.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(codex.status()).isEqualTo(429);
        assertThat(codex.header("x-codex-primary-used-percent")).isEqualTo("100");
        assertThat(json(codex.body()).path("error").path("type").asText()).isEqualTo("usage_limit_reached");
    }

    @Test
    void resetMidStreamDeliversTheFirstEventsThenBreaksTheConnection() {
        upstream.behave("k", Behaviour.resetMidStream(3));

        try (TestHttp.OpenStream stream = TestHttp.openStream(uri("/v1/messages"), ANTHROPIC_STREAM, "x-api-key", "k")) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(Sse.eventNames(stream.readEvents(3))).containsExactly("message_start", "content_block_start", "ping");
            assertThatThrownBy(stream::nextLine).isInstanceOf(UncheckedIOException.class);
        }
        assertThat(upstream.abortedResponses()).isZero();
    }

    @Test
    void closeMidStreamEndsTheBodyPrematurely() {
        upstream.behave("k", Behaviour.closeMidStream(1));

        try (TestHttp.OpenStream stream = TestHttp.openStream(uri("/v1/messages"), ANTHROPIC_STREAM, "x-api-key", "k")) {
            assertThat(Sse.eventNames(stream.readEvents(1))).containsExactly("message_start");
            assertThatThrownBy(stream::nextLine).isInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    void inBandErrorEndsTheStreamWithAnErrorEvent() {
        upstream.behave("k", Behaviour.inBandError(2, "overloaded_error"));

        List<Sse.Event> events = Sse.parse(TestHttp.streamLines(uri("/v1/messages"), ANTHROPIC_STREAM, "x-api-key", "k").text());

        assertThat(events).extracting(Sse.Event::event).containsExactly("message_start", "content_block_start", "error");
        assertThat(json(events.getLast().data()).path("error").path("type").asText()).isEqualTo("overloaded_error");
    }

    @Test
    void slowFirstByteHoldsTheAnswer() {
        upstream.behave("k", Behaviour.slowFirstByte(Duration.ofMillis(250)));

        long t0 = System.nanoTime();
        TestHttp.Reply reply = TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(250).toNanos());
    }

    @Test
    void bulkStreamRepeatsALargeDeltaAndMeasuresBackPressure() throws Exception {
        upstream.behave("k", Behaviour.bulkStream(640, 16 * 1024, Duration.ZERO));

        try (TestHttp.OpenStream stream = TestHttp.openStream(uri("/v1/messages"), ANTHROPIC_STREAM, "x-api-key", "k")) {
            stream.readEvents(3);
            Thread.sleep(300); // the client stops reading; the fake's writes must block
            assertThat(upstream.writeBlockedTime()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
            List<Sse.Event> rest = Sse.parse(stream.readEvents(2000));
            assertThat(rest).filteredOn(e -> e.event().equals("content_block_delta")).hasSize(640);
            assertThat(rest.getLast().event()).isEqualTo("message_stop");
        }
    }

    @Test
    void rawAnswersExactlyWhatWasScripted() {
        upstream.behave("k", Behaviour.raw(200, java.util.Map.of("content-type", "text/event-stream", "x-odd", "1"),
                List.of("data: not json\n\n", ": comment\n"), Duration.ZERO));

        TestHttp.Reply reply = TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_STREAM, "x-api-key", "k");

        assertThat(reply.header("x-odd")).isEqualTo("1");
        assertThat(reply.body()).isEqualTo("data: not json\n\n: comment\n");
    }

    @Test
    void countsAnAbortWhenTheClientClosesMidStream() {
        upstream.deltas(50, Duration.ofMillis(20));

        try (TestHttp.OpenStream stream = TestHttp.openStream(uri("/v1/messages"), ANTHROPIC_STREAM, "x-api-key", "k")) {
            stream.readEvents(4);
        }

        assertThat(upstream.awaitAborts(1, Duration.ofSeconds(3))).isTrue();
        assertThat(upstream.abortedResponses()).isEqualTo(1);
        assertThat(upstream.abortedAtNanos()).hasSize(1);
    }

    @Test
    void countsAnAbortWhenTheClientGivesUpOnAHangingRequest() throws Exception {
        upstream.behave("k", Behaviour.hang());
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpRequest req = HttpRequest.newBuilder(uri("/v1/messages")).timeout(Duration.ofMillis(300))
                    .header("x-api-key", "k").POST(HttpRequest.BodyPublishers.ofString(ANTHROPIC_JSON)).build();
            CompletableFuture<HttpResponse<String>> f = client.sendAsync(req, HttpResponse.BodyHandlers.ofString());
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(java.net.http.HttpTimeoutException.class);

            assertThat(upstream.awaitAborts(1, Duration.ofSeconds(3))).isTrue();
            assertThat(upstream.inFlight()).isZero();
        } finally {
            client.close();
        }
    }

    @Test
    void tracksPeakConcurrentRequests() {
        upstream.behaveByDefault(Behaviour.slowFirstByte(Duration.ofMillis(300)));

        List<CompletableFuture<TestHttp.Reply>> replies = List.of("a", "b", "c").stream()
                .map(k -> CompletableFuture.supplyAsync(() -> TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", k)))
                .toList();
        replies.forEach(CompletableFuture::join);

        assertThat(upstream.peakConcurrentRequests()).isEqualTo(3);
        assertThat(upstream.inFlight()).isZero();
    }

    @Test
    void dropConnectionFailsTheRequestBeforeAnyByte() {
        upstream.behave("k", Behaviour.dropConnection(true));
        upstream.behave("k2", Behaviour.dropConnection(false));

        assertThatThrownBy(() -> TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k"))
                .isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k2"))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(upstream.requestsWithCredential("k")).hasSize(1);
        assertThat(upstream.abortedResponses()).isZero();
    }

    @Test
    void countsAnAbortWhenTheClientGivesUpDuringASlowFirstByte() {
        upstream.behave("k", Behaviour.slowFirstByte(Duration.ofSeconds(30)));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpRequest req = HttpRequest.newBuilder(uri("/v1/messages")).timeout(Duration.ofMillis(200))
                    .header("x-api-key", "k").POST(HttpRequest.BodyPublishers.ofString(ANTHROPIC_JSON)).build();
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.send(req, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.net.http.HttpTimeoutException.class);

            assertThat(upstream.awaitAborts(1, Duration.ofSeconds(3))).isTrue();
            assertThat(upstream.abortedAtNanos().getFirst() - t0).isLessThan(Duration.ofSeconds(2).toNanos());
        } finally {
            client.close();
        }
    }

    @Test
    void closeReleasesHeldRequestsPromptlyWithoutCountingAborts() {
        upstream.behave("k", Behaviour.hang());
        CompletableFuture<TestHttp.Reply> held = CompletableFuture.supplyAsync(
                () -> TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k"));
        upstream.awaitRequest(0, Duration.ofSeconds(2));

        long t0 = System.nanoTime();
        upstream.close();

        assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(2).toNanos());
        assertThat(upstream.abortedResponses()).isZero();
        assertThatThrownBy(() -> held.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(UncheckedIOException.class);
    }

    @Test
    void answersOpenAiResponsesAsJsonWithOpenAiHeaders() {
        TestHttp.Reply reply = TestHttp.postJson(uri("/v1/responses"), "{\"model\":\"gpt-5\",\"input\":\"hi\"}",
                "authorization", "Bearer sk-1");

        JsonNode r = json(reply.body());
        assertThat(r.path("object").asText()).isEqualTo("response");
        assertThat(r.path("status").asText()).isEqualTo("completed");
        assertThat(r.path("usage").path("output_tokens").asLong()).isEqualTo(12);
        assertThat(reply.header("x-ratelimit-limit-requests")).isEqualTo("10000");
        assertThat(reply.header("x-codex-primary-used-percent")).isNull();
    }

    // ------------------------------------------------------------ recording

    @Test
    void recordsHeadersAndBodyByteExact() throws Exception {
        byte[] body = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '"', '}'};
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            client.send(HttpRequest.newBuilder(uri("/v1/messages?beta=true&x=%20y"))
                    .header("X-Api-Key", "k1").header("Anthropic-Beta", "a").header("anthropic-beta", "b")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
        }

        Received r = upstream.awaitRequest(0, Duration.ofSeconds(2));

        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.pathAndQuery()).isEqualTo("/v1/messages?beta=true&x=%20y");
        assertThat(r.path()).isEqualTo("/v1/messages");
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.header("x-api-key")).isEqualTo("k1");
        assertThat(r.credential()).isEqualTo("k1");
        assertThat(r.headers().get("anthropic-beta")).containsExactly("a", "b");
        assertThat(r.headers()).containsKey("content-length").doesNotContainKey("X-Api-Key");
        assertThat(r.receivedAtNanos()).isLessThanOrEqualTo(System.nanoTime());
        assertThat(r.toString()).doesNotContain("k1");
    }

    @Test
    void awaitRequestFailsWhenNothingArrives() {
        assertThatThrownBy(() -> upstream.awaitRequest(0, Duration.ofMillis(50))).isInstanceOf(AssertionError.class);
    }

    @Test
    void resetForgetsRequestsAndScripts() {
        upstream.behave("k", Behaviour.serverError(500));
        TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k");

        upstream.reset();

        assertThat(upstream.requests()).isEmpty();
        assertThat(TestHttp.postJson(uri("/v1/messages"), ANTHROPIC_JSON, "x-api-key", "k").status()).isEqualTo(200);
        assertThat(upstream.requests("/v1/messages")).hasSize(1);
    }
}

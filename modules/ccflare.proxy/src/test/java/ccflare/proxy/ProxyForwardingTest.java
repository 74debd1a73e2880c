package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Outcome;
import ccflare.core.RequestRecord;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What reaches the upstream and what comes back: SPEC §1, §2. */
class ProxyForwardingTest {

    Upstream upstream;
    ProxyHarness h;

    @BeforeEach void start() throws Exception {
        upstream = new Upstream();
        h = new ProxyHarness(upstream.url());
    }

    @AfterEach void stop() throws Exception {
        h.close();
        upstream.close();
    }

    static final String REQUEST = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"unknown_field\":{\"x\":[1,2]},\"messages\":[]}";

    @Test void passesJsonThroughByteForByteWithHeadersAndQueryIntact() throws Exception {
        h.apiKeyAccount("a", 0);
        String answer = "{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":\"h\\u00e9\"}],"
                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":3}}";
        upstream.on("key-a", Upstream.json(200, answer, "request-id", "req_123", "anthropic-ratelimit-unified-status", "allowed"));

        HttpResponse<String> r = h.post("/v1/messages?beta=true", REQUEST, "content-type", "application/json",
                "anthropic-version", "2023-06-01", "x-stainless-lang", "js", "x-app", "cli", "user-agent", "claude-cli/1.0");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(answer);
        assertThat(r.headers().firstValue("request-id")).contains("req_123");
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        Upstream.Received got = upstream.received.getFirst();
        assertThat(got.target()).isEqualTo("/v1/messages?beta=true");
        assertThat(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(REQUEST);
        assertThat(got.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(got.header("x-stainless-lang")).isEqualTo("js");
        assertThat(got.header("x-app")).isEqualTo("cli");
        assertThat(got.header("user-agent")).isEqualTo("claude-cli/1.0");
        assertThat(got.header("content-type")).isEqualTo("application/json");
        assertThat(got.header("accept-encoding")).isNull();
        assertThat(got.header("x-api-key")).isEqualTo("key-a");
    }

    @Test void aProxiedResponseCarriesOneDateHeader() throws Exception {
        h.apiKeyAccount("a", 0);
        upstream.on("key-a", Upstream.json(200, "{\"id\":\"msg_1\"}"));

        HttpResponse<String> r = h.post("/v1/messages", REQUEST, "content-type", "application/json");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(upstream.received).hasSize(1);
        assertThat(r.headers().allValues("date")).hasSize(1);
    }

    @Test void sendsExactlyTheAccountCredentialAndMergesAnthropicBetaAsASet() throws Exception {
        h.oauthAccount("c", 0);
        h.post("/v1/messages", REQUEST, "x-api-key", "client-key", "authorization", "Bearer client-token",
                "anthropic-beta", "a, oauth-2025-04-20,b", "anthropic-beta", "b,c", "x-custom", "kept");

        Upstream.Received got = upstream.received.getFirst();
        assertThat(got.all("x-api-key")).isEmpty();
        assertThat(got.all("authorization")).containsExactly("Bearer tok-c");
        assertThat(got.all("anthropic-beta")).containsExactly("a,oauth-2025-04-20,b,c");
        assertThat(got.header("x-custom")).isEqualTo("kept");
    }

    @Test void addsTheOauthBetaWhenTheClientSentNone() throws Exception {
        h.oauthAccount("c", 0);
        h.post("/v1/messages", REQUEST);
        assertThat(upstream.received.getFirst().all("anthropic-beta")).containsExactly("oauth-2025-04-20");
    }

    @Test void dropsHopByHopHeadersAndThoseNamedInConnection() throws Exception {
        h.apiKeyAccount("a", 0);
        try (Socket s = new Socket("127.0.0.1", h.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive, x-secret-hop\r\n"
                    + "Keep-Alive: timeout=5\r\nX-Secret-Hop: 1\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\n"
                    + "X-Kept: yes\r\nContent-Type: application/json\r\nContent-Length: " + REQUEST.length() + "\r\n\r\n"
                    + REQUEST).getBytes(StandardCharsets.UTF_8));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(status).contains("200");
        }
        Upstream.Received got = upstream.received.getFirst();
        assertThat(got.header("x-secret-hop")).isNull();
        assertThat(got.header("keep-alive")).isNull();
        assertThat(got.header("te")).isNull();
        assertThat(got.header("proxy-authorization")).isNull();
        assertThat(got.header("x-kept")).isEqualTo("yes");
        assertThat(got.header("host")).isEqualTo(URI.create(upstream.url()).getAuthority());
    }

    @Test void deliversSseEventsAsTheyArriveAndByteForByte() throws Exception {
        h.apiKeyAccount("a", 0);
        String[] events = {
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":7,\"output_tokens\":1}}}\n\n",
            "event: ping\ndata: {\"type\":\"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"hi\"}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":9}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"};
        upstream.on("key-a", Upstream.sse(150, events));

        long start = System.nanoTime();
        HttpResponse<InputStream> r = h.http.send(HttpRequest.newBuilder(URI.create(h.url("/v1/messages?beta=true")))
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("content-type")).contains("text/event-stream");
        assertThat(r.headers().firstValue("x-upstream")).contains("sse");
        InputStream in = r.body();
        byte[] first = new byte[events[0].length()];
        int n = 0;
        while (n < first.length) n += in.read(first, n, first.length - n);
        long firstAtMs = (System.nanoTime() - start) / 1_000_000;
        String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        long endAtMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(events[0]);
        assertThat(new String(first, StandardCharsets.UTF_8) + rest).isEqualTo(String.join("", events));
        // The last event is sent 600 ms after the first: the first must not wait for it.
        assertThat(firstAtMs).isLessThan(endAtMs - 400);

        RequestRecord rec = h.log.next();
        assertThat(rec.outcome()).isEqualTo(Outcome.OK);
        assertThat(rec.usage().inputTokens()).isEqualTo(7);
        assertThat(rec.usage().outputTokens()).isEqualTo(9);
        assertThat(rec.costUsd()).isEqualTo((7 + 18) / 1_000_000.0);
        assertThat(rec.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(rec.path()).isEqualTo("/v1/messages");
    }

    @Test void forwardsWithTheClientsOwnCredentialsWhenNoAccountExists() throws Exception {
        upstream.on("client-key", Upstream.json(200, "{\"ok\":1}"));
        HttpResponse<String> r = h.post("/v1/messages", REQUEST, "x-api-key", "client-key", "user-agent", "sdk/1",
                "x-claude-code-session-id", "sess-1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(upstream.received.getFirst().header("x-api-key")).isEqualTo("client-key");
        RequestRecord rec = h.log.next();
        assertThat(rec.accountId()).isEmpty();
        assertThat(rec.provider()).isEqualTo("anthropic");
        assertThat(rec.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(rec.userAgent()).isEqualTo("sdk/1");
        assertThat(rec.clientSessionId()).isEqualTo("sess-1");
    }

    @Test void providerPrefixIsStrippedOnceAndOnlyThatProvidersAccountsServe() throws Exception {
        h.apiKeyAccount("anthropic-key", 0);
        h.oauthAccount("oauth", 0);
        h.post("/v1/claude-code/v1/messages?beta=true", REQUEST);
        h.post("/v1/openai/chat/completions", "{\"model\":\"gpt-5\"}", "authorization", "Bearer sk-client");

        assertThat(upstream.received.get(0).target()).isEqualTo("/v1/messages?beta=true");
        assertThat(upstream.received.get(0).key()).isEqualTo("tok-oauth");
        assertThat(upstream.received.get(1).target()).isEqualTo("/v1/chat/completions");
        assertThat(upstream.received.get(1).key()).isEqualTo("sk-client");
        assertThat(h.log.next().provider()).isEqualTo("claude-code");
        assertThat(h.log.next().provider()).isEqualTo("openai");
    }

    @Test void unknownProviderPrefixIsAnswered404InTheAnthropicErrorShape() throws Exception {
        HttpResponse<String> r = h.post("/v1/mistral/v1/messages", REQUEST);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":"
                + "\"unknown provider prefix 'mistral' (expected: anthropic, openai, claude-code, codex)\"}}");
        assertThat(upstream.received).isEmpty();
        assertThat(h.log.next().outcome()).isEqualTo(Outcome.REJECTED);
    }

    @Test void aModelOfTheOtherFamilyIsRefusedInTheClientsShapeNamingTheRightBaseUrl() throws Exception {
        h.apiKeyAccount("a", 0);
        HttpResponse<String> openAiOnAnthropic = h.post("/v1/messages", "{\"model\":\"gpt-5\",\"max_tokens\":5,\"messages\":[]}");
        assertThat(openAiOnAnthropic.statusCode()).isEqualTo(400);
        assertThat(openAiOnAnthropic.body()).startsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"model 'gpt-5' is an OpenAI model").contains("/v1/openai", "/v1/codex", "OPENAI_BASE_URL=http://127.0.0.1:");
        assertThat(h.log.next().outcome()).isEqualTo(Outcome.REJECTED);

        HttpResponse<String> claudeOnOpenAi = h.post("/v1/openai/chat/completions", "{\"model\":\"claude-sonnet-4-5\"}",
                "authorization", "Bearer sk-client");
        assertThat(claudeOnOpenAi.statusCode()).isEqualTo(400);
        assertThat(claudeOnOpenAi.body()).startsWith("{\"error\":{\"message\":\"model 'claude-sonnet-4-5' is an Anthropic model")
                .contains("ANTHROPIC_BASE_URL=http://127.0.0.1:")
                .endsWith("\",\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":null}}");
        assertThat(upstream.received).as("nothing was sent upstream").isEmpty();

        // a model of the route's own family, or one that is neither plainly, goes through
        h.post("/v1/messages", "{\"model\":\"my-gateway-alias\",\"max_tokens\":5,\"messages\":[]}");
        h.post("/v1/openai/chat/completions", "{\"model\":\"o4-mini\"}", "authorization", "Bearer sk-client");
        assertThat(upstream.received).hasSize(2);
    }

    @Test void modelFamiliesAreTellingOnlyWhenPlain() {
        var anthropic = (Route.Match) Route.of("/v1/messages");
        var openai = (Route.Match) Route.of("/v1/openai/chat/completions");
        var codex = (Route.Match) Route.of("/v1/codex/responses");
        var claudeCode = (Route.Match) Route.of("/v1/claude-code/v1/messages");
        for (String m : List.of("gpt-5", "GPT-4o", "o1", "o3-mini", "o4-mini-high", "codex-mini-latest", "chatgpt-4o-latest")) {
            assertThat(ModelFamily.mismatch(anthropic, m, "localhost:8080")).as(m).isPresent();
            assertThat(ModelFamily.mismatch(claudeCode, m, "localhost:8080")).as(m).isPresent();
            assertThat(ModelFamily.mismatch(openai, m, "localhost:8080")).as(m).isEmpty();
        }
        for (String m : List.of("claude-sonnet-4-5", "Claude-3-haiku")) {
            assertThat(ModelFamily.mismatch(openai, m, "h:1")).as(m).isPresent();
            assertThat(ModelFamily.mismatch(codex, m, "h:1")).as(m).isPresent();
            assertThat(ModelFamily.mismatch(anthropic, m, "h:1")).as(m).isEmpty();
        }
        for (String m : List.of("", "opus", "omni", "my-alias", "sonnet")) {
            assertThat(ModelFamily.mismatch(anthropic, m, "h:1")).as(m).isEmpty();
            assertThat(ModelFamily.mismatch(openai, m, "h:1")).as(m).isEmpty();
        }
        assertThat(ModelFamily.mismatch(anthropic, "gpt-5", null).orElseThrow()).contains("http://127.0.0.1:8080/v1/openai");
    }

    @Test void pathsOutsideV1AreLeftToOtherHandlers() throws Exception {
        HttpResponse<String> r = h.post("/api/accounts", "{}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(upstream.received).isEmpty();
        assertThat(h.log.all).isEmpty();
    }

    @Test void clientErrorsPassThroughAndNeverCoolTheAccount() throws Exception {
        String a = h.apiKeyAccount("a", 0);
        h.apiKeyAccount("b", 1);
        String err = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens\"}}";
        upstream.on("key-a", Upstream.json(400, err));
        HttpResponse<String> r = h.post("/v1/messages", REQUEST);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(err);
        assertThat(upstream.count("key-b")).isZero();
        assertThat(h.accounts.byId(a).orElseThrow().availableAt(h.clock.millis())).isTrue();
        RequestRecord rec = h.log.next();
        assertThat(rec.outcome()).isEqualTo(Outcome.UPSTREAM_ERROR);
        assertThat(rec.attempts()).isEqualTo(1);
    }

    @Test void countsAServedRequestOnceOnItsAccount() throws Exception {
        String a = h.apiKeyAccount("a", 0);
        h.post("/v1/messages", REQUEST);
        h.log.next();
        assertThat(h.accounts.byId(a).orElseThrow().requestCount()).isEqualTo(1);
        assertThat(h.accounts.byId(a).orElseThrow().sessionStartMs()).isEqualTo(ProxyHarness.T0);
        assertThat(h.log.all).hasSize(1);
    }

    @Test void requestModelIsRecordedWhenTheResponseNamesNone() throws Exception {
        h.apiKeyAccount("a", 0);
        upstream.on("key-a", Upstream.json(200, "{\"usage\":{\"input_tokens\":2,\"output_tokens\":1}}"));
        h.post("/v1/messages", REQUEST);
        RequestRecord rec = h.log.next();
        assertThat(rec.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(rec.usage().inputTokens()).isEqualTo(2);
        assertThat(rec.costUsd()).isEqualTo(4 / 1_000_000.0);
    }
}

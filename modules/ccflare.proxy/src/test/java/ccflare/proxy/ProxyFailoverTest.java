package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Account;
import ccflare.core.Credentials;
import ccflare.core.Outcome;
import ccflare.core.ProviderKind;
import ccflare.core.RequestRecord;
import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Attempts, failover, cool-downs, timeouts and disconnects: SPEC §3, reliability plan A/B/C. */
class ProxyFailoverTest {

    static final String JSON = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    final FakeUpstream fake = FakeUpstream.start();
    ProxyHarness h;

    ProxyHarness proxy(Consumer<ProxyHarness.ConfigBuilder> tweak) throws Exception {
        ProxyHarness.ConfigBuilder b = ProxyHarness.config(fake.baseUri().toString());
        tweak.accept(b);
        h = new ProxyHarness(b.build(), false);
        return h;
    }

    @AfterEach void stop() throws Exception {
        if (h != null) h.close();
        fake.close();
    }

    Account account(String id) { return h.accounts.byId(id).orElseThrow(); }

    @Test void failsOverToNextAccountWhenUpstreamReturns429BeforeFirstByte() throws Exception {
        proxy(c -> {});
        String a = h.apiKeyAccount("a", 0);
        String b = h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.rateLimited429(2, 0));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(200);
        RequestRecord rec = h.nextServedBy(b, 2, 1);
        assertThat(rec.outcome()).isEqualTo(Outcome.OK);
        // A short retry-after means a short cool-down.
        assertThat(account(a).rateLimit().limitedUntilMs()).isEqualTo(ProxyHarness.T0 + 2_000);
        assertThat(account(b).requestCount()).isEqualTo(1);
        assertThat(account(a).requestCount()).isZero();

        h.clock.advance(Duration.ofMillis(2_001));
        assertThat(account(a).availableAt(h.clock.millis())).isTrue();
    }

    @Test void failsOverWhenA200CarriesAHardUnifiedStatus() throws Exception {
        proxy(c -> {});
        String a = h.apiKeyAccount("a", 0);
        String b = h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.hardLimitedStatus200("rate_limited"));

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(h.log.next().accountId()).isEqualTo(b);
        assertThat(account(a).rateLimit().limitedUntilMs()).isEqualTo(ProxyHarness.T0 + FailoverPolicy.DEFAULT_LIMIT_COOL_MS);
    }

    @Test void deliversA200ThatExhaustsTheAccountAndOnlyThenLetsTheAccountRest() throws Exception {
        proxy(c -> {});
        String a = h.apiKeyAccount("a", 0);
        String b = h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.raw(200, java.util.Map.of("content-type", "application/json",
                "x-ratelimit-remaining-requests", "0", "retry-after", "30"),
                java.util.List.of("{\"id\":\"msg_1\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}"), Duration.ZERO));

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        // Served once, by the exhausted account: never sent (and billed) twice.
        assertThat(fake.requestsWithCredential("key-a")).hasSize(1);
        assertThat(fake.requestsWithCredential("key-b")).isEmpty();
        assertThat(h.log.next().accountId()).isEqualTo(a);
        assertThat(account(a).rateLimit().limitedUntilMs()).isEqualTo(ProxyHarness.T0 + 30_000);

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(h.log.next().accountId()).isEqualTo(b);
    }

    @Test void retriesTheSameAccountOn529ThenCoolsItAndFailsOver() throws Exception {
        proxy(c -> c.retryAttempts = 2);
        String a = h.apiKeyAccount("a", 0);
        h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.overloaded529());

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(fake.requestsWithCredential("key-a")).hasSize(2);
        assertThat(fake.requestsWithCredential("key-b")).hasSize(1);
        RequestRecord rec = h.log.next();
        assertThat(rec.attempts()).isEqualTo(3);
        assertThat(rec.failovers()).isEqualTo(1);
        // Overload is the provider's, not the account's limit: a back-off (tried after the others), not a limit.
        assertThat(account(a).rateLimit().limitedAt(h.clock.millis())).isFalse();
        assertThat(h.proxy.backOffs.untilMs(a, h.clock.millis())).isEqualTo(ProxyHarness.T0 + FailoverPolicy.OVERLOADED_COOL_MS);
    }

    @Test void whenEveryAccountIsOverloadedTheClientGetsTheUpstreams529AndTheNextRequestStillTries() throws Exception {
        proxy(c -> c.retryAttempts = 1);
        String a = h.apiKeyAccount("a", 0);
        String b = h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.overloaded529());
        fake.behave("key-b", Behaviour.overloaded529());

        HttpResponse<String> first = h.post("/v1/messages", JSON);
        assertThat(first.statusCode()).as("the provider's own status, not a made-up 429").isEqualTo(529);
        assertThat(first.body()).contains("overloaded_error");
        assertThat(h.log.next().outcome()).isEqualTo(Outcome.UPSTREAM_ERROR);
        assertThat(account(a).availableAt(h.clock.millis())).isTrue();
        assertThat(account(b).availableAt(h.clock.millis())).isTrue();

        // Both back off, yet the next request is tried (and served once the provider recovers).
        fake.behave("key-a", Behaviour.ok());
        int before = fake.requests().size();
        HttpResponse<String> second = h.post("/v1/messages", JSON);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(fake.requests()).hasSizeGreaterThan(before);
        assertThat(h.log.next().accountId()).isEqualTo(a);
    }

    @Test void anAccountBackingOffIsTriedAfterTheOthers() throws Exception {
        proxy(c -> c.retryAttempts = 1);
        String a = h.apiKeyAccount("a", 0);
        String b = h.apiKeyAccount("b", 1);
        h.proxy.backOffs.backOff(a, ProxyHarness.T0 + 30_000);
        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        h.nextServedBy(b, 1, 0);
        assertThat(fake.requestsWithCredential("key-a")).isEmpty();
    }

    @Test void refusalSentencesCountOnlyTheLimited() {
        assertThat(Refusals.rateLimited(2, 2, List.of(), "", 6)).isEqualTo("all 2 accounts are rate limited; earliest reset in 6s");
        assertThat(Refusals.rateLimited(1, 3, List.of("c", "d"), "; account 'e' needs a new sign-in", 1))
                .isEqualTo("1 of 3 accounts is rate limited; paused: c, d; account 'e' needs a new sign-in; earliest reset in 1s");
        assertThat(Refusals.noneAvailable(1, 1, 2, "; account 'e' needs a new sign-in"))
                .isEqualTo("no account available: 1 paused, 1 need re-authentication (of 2); account 'e' needs a new sign-in");
        assertThat(Refusals.rateLimited(1, 1, List.of(), "", 3)).isEqualTo("the only account is rate limited; earliest reset in 3s");
    }

    @Test void theRateLimitMessageCountsOnlyTheLimitedAndNamesThePaused() throws Exception {
        proxy(c -> {});
        String a = h.apiKeyAccount("a", 0);
        String b = h.apiKeyAccount("b", 1);
        h.apiKeyAccount("c", 2);
        h.accounts.changeState(a, x -> x.withRateLimit(x.rateLimit().withLimitedUntil(ProxyHarness.T0 + 9_000)));
        h.accounts.changeState(b, x -> x.withRateLimit(x.rateLimit().withLimitedUntil(ProxyHarness.T0 + 5_500)));
        h.accounts.changeSettings(h.accounts.find("c").orElseThrow().id(), x -> x.withPaused(true));

        HttpResponse<String> r = h.post("/v1/messages", JSON);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("\"message\":\"2 of 3 accounts are rate limited; paused: c; earliest reset in 6s\"");
    }

    @Test void retriesTheSameAccountOn500AndStaysOnItWhenItRecovers() throws Exception {
        proxy(c -> c.retryAttempts = 3);
        String a = h.apiKeyAccount("a", 0);
        h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.failTimes(1, Behaviour.serverError(500), Behaviour.ok()));

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        h.nextServedBy(a, 2, 0);
        assertThat(account(a).availableAt(h.clock.millis())).isTrue();
        assertThat(fake.requestsWithCredential("key-b")).isEmpty();
    }

    @Test void failsOverWhenTheAccountsUpstreamRefusesConnections() throws Exception {
        proxy(c -> c.retryAttempts = 2);
        String a = h.accounts.add("a", "a", ProviderKind.ANTHROPIC, 0, "http://127.0.0.1:1", new Credentials.ApiKey("key-a")).id();
        String b = h.apiKeyAccount("b", 1);

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        RequestRecord rec = h.log.next();
        assertThat(rec.accountId()).isEqualTo(b);
        assertThat(rec.attempts()).isEqualTo(3);
        assertThat(h.proxy.backOffs.untilMs(a, h.clock.millis())).isEqualTo(ProxyHarness.T0 + FailoverPolicy.TRANSIENT_COOL_MS);
    }

    @Test void failsOverAfterTheFirstByteTimeoutAndAbortsTheSlowAttempt() throws Exception {
        proxy(c -> { c.retryAttempts = 1; c.firstByte = Duration.ofMillis(300); });
        h.apiKeyAccount("a", 0);
        String b = h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.slowFirstByte(Duration.ofSeconds(5)));

        long start = System.nanoTime();
        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
        assertThat(h.log.next().accountId()).isEqualTo(b);
        assertThat(fake.awaitAborts(1, Duration.ofSeconds(2))).isTrue();
    }

    @Test void neverFailsOverAfterTheFirstByteAndEndsACutStreamWithAnErrorEvent() throws Exception {
        proxy(c -> {});
        h.apiKeyAccount("a", 0);
        h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.resetMidStream(2));

        HttpResponse<String> r = h.post("/v1/messages", STREAM);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("event: message_start");
        assertThat(r.body()).endsWith(ProxyHarness.SSE_RESET_TAIL);
        assertThat(fake.requestsWithCredential("key-b")).isEmpty();
        RequestRecord rec = h.log.next();
        assertThat(rec.outcome()).isEqualTo(Outcome.MID_STREAM_RESET);
        assertThat(rec.attempts()).isEqualTo(1);
        assertThat(rec.status()).isEqualTo(200);
        // One sentence for the record: no Jetty internals, no socket addresses.
        assertThat(rec.errorMessage()).startsWith("upstream connection reset after the response began (")
                .hasSizeLessThan(120).doesNotContain("127.0.0.1").doesNotContain("@").doesNotContain("org.eclipse");
    }

    @Test void endsASilentStreamWithAnErrorEventAfterTheIdleTimeout() throws Exception {
        proxy(c -> c.streamIdle = Duration.ofMillis(400));
        h.apiKeyAccount("a", 0);
        fake.behave("key-a", Behaviour.raw(200, Map.of("content-type", "text/event-stream"),
                List.of("event: ping\ndata: {\"type\":\"ping\"}\n\n", "event: ping\ndata: {\"type\":\"ping\"}\n\n"),
                Duration.ofSeconds(5)));

        long start = System.nanoTime();
        HttpResponse<String> r = h.post("/v1/messages", STREAM);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(r.body()).isEqualTo("event: ping\ndata: {\"type\":\"ping\"}\n\nevent: error\ndata: {\"type\":\"error\","
                + "\"error\":{\"type\":\"api_error\",\"message\":\"upstream stream idle timeout\"}}\n\n");
        assertThat(h.log.next().outcome()).isEqualTo(Outcome.STREAM_IDLE_TIMEOUT);
        assertThat(fake.awaitAborts(1, Duration.ofSeconds(2))).isTrue();
    }

    @Test void answers429WithRetryAfterWhenEveryAccountIsCooling() throws Exception {
        proxy(c -> {});
        String a = h.apiKeyAccount("a", 0);
        String b = h.apiKeyAccount("b", 1);
        h.accounts.changeState(a, x -> x.withRateLimit(x.rateLimit().withLimitedUntil(ProxyHarness.T0 + 9_000)));
        h.accounts.changeState(b, x -> x.withRateLimit(x.rateLimit().withLimitedUntil(ProxyHarness.T0 + 5_500)));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).contains("6");
        assertThat(r.body()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                + "\"message\":\"all 2 accounts are rate limited; earliest reset in 6s\"}}");
        assertThat(fake.requests()).isEmpty();
        RequestRecord rec = h.log.next();
        assertThat(rec.outcome()).isEqualTo(Outcome.RATE_LIMITED);
        assertThat(rec.attempts()).isZero();
    }

    @Test void answers429WhenEveryAccountTurnsOutLimited() throws Exception {
        proxy(c -> {});
        h.apiKeyAccount("a", 0);
        h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.rateLimited429(20, 0));
        fake.behave("key-b", Behaviour.rateLimited429(7, 0));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).contains("7");
        assertThat(h.log.next().attempts()).isEqualTo(2);
    }

    @Test void answers503WhenEveryAccountIsPausedOrNeedsReauth() throws Exception {
        proxy(c -> {});
        String a = h.apiKeyAccount("a", 0);
        String b = h.oauthAccount("b", 1);
        h.accounts.changeSettings(a, x -> x.withPaused(true));
        h.accounts.changeState(b, x -> x.withNeedsReauth(true));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("\"type\":\"error\"").contains("1 paused, 1 need re-authentication");
        assertThat(fake.requests()).isEmpty();
    }

    @Test void answers503WhenNoUpstreamIsReachable() throws Exception {
        proxy(c -> c.retryAttempts = 1);
        h.accounts.add("a", "a", ProviderKind.ANTHROPIC, 0, "http://127.0.0.1:1", new Credentials.ApiKey("key-a"));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("no upstream reachable");
        assertThat(h.log.next().outcome()).isEqualTo(Outcome.PROXY_ERROR);
    }

    @Test void passesTheLastUpstream5xxThroughWhenNothingIsLeftToTry() throws Exception {
        proxy(c -> c.retryAttempts = 2);
        h.apiKeyAccount("a", 0);
        fake.behave("key-a", Behaviour.serverError(500));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("api_error");
        RequestRecord rec = h.log.next();
        assertThat(rec.outcome()).isEqualTo(Outcome.UPSTREAM_ERROR);
        assertThat(rec.attempts()).isEqualTo(2);
    }

    @Test void abortsTheUpstreamWhenTheClientDisconnectsMidStream() throws Exception {
        proxy(c -> {});
        String a = h.apiKeyAccount("a", 0);
        h.apiKeyAccount("b", 1);
        fake.behave("key-a", Behaviour.slowDeltas(Duration.ofMillis(100)));
        fake.deltas(100, Duration.ofMillis(100));

        long closedAt = h.postReadThenReset(STREAM, 600);

        RequestRecord rec = upstreamAbortedWithinASecondOf(closedAt);
        assertThat(rec.attempts()).isEqualTo(1);
        assertThat(account(a).availableAt(h.clock.millis())).isTrue();
        assertThat(fake.requestsWithCredential("key-b")).isEmpty();
    }

    @Test void abortsAHeldUpstreamWhenTheClientGivesUpBeforeAnyByte() throws Exception {
        proxy(c -> c.firstByte = Duration.ofSeconds(20));
        String a = h.apiKeyAccount("a", 0);
        fake.behave("key-a", Behaviour.hang());

        long closedAt;
        try (Socket s = h.rawPost(JSON)) {
            fake.awaitRequest(0, Duration.ofSeconds(3));
            assertThat(s.isConnected()).isTrue();
            closedAt = System.nanoTime();
        }

        upstreamAbortedWithinASecondOf(closedAt);
        assertThat(account(a).availableAt(h.clock.millis())).isTrue();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (h.proxy.inFlight() != 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(h.proxy.inFlight()).isZero();
    }

    @Test void refusesABodyOverTheLimitWith413() throws Exception {
        proxy(c -> c.maxBody = 100);
        h.apiKeyAccount("a", 0);
        String big = "{\"model\":\"m\",\"pad\":\"" + "x".repeat(200) + "\"}";

        HttpResponse<String> declared = h.post("/v1/messages", big);
        HttpResponse<String> chunked = h.http.send(HttpRequest.newBuilder(URI.create(h.url("/v1/messages")))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("\"type\":\"request_too_large\"");
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(fake.requests()).isEmpty();
        assertThat(h.log.next().outcome()).isEqualTo(Outcome.REJECTED);
    }

    @Test void refusesRequestsOverTheInFlightLimitWith503AndRetryAfter() throws Exception {
        proxy(c -> c.maxInFlight = 1);
        h.apiKeyAccount("a", 0);
        fake.behave("key-a", Behaviour.sequence(Behaviour.slowFirstByte(Duration.ofMillis(800)), Behaviour.ok()));

        CompletableFuture<HttpResponse<String>> first = h.http.sendAsync(HttpRequest.newBuilder(URI.create(h.url("/v1/messages")))
                .POST(HttpRequest.BodyPublishers.ofString(JSON)).build(), HttpResponse.BodyHandlers.ofString());
        fake.awaitRequest(0, Duration.ofSeconds(3));
        HttpResponse<String> second = h.post("/v1/messages", JSON);

        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.headers().firstValue("retry-after")).contains("1");
        assertThat(first.get().statusCode()).isEqualTo(200);
    }

    @Test void capturesPayloadsCappedAndWithCredentialsRedacted() throws Exception {
        ProxyHarness.ConfigBuilder b = ProxyHarness.config(fake.baseUri().toString());
        h = new ProxyHarness(b.build(), true);
        h.apiKeyAccount("a", 0);

        h.post("/v1/messages", JSON, "authorization", "Bearer secret-client", "x-api-key", "secret-key", "x-app", "cli");

        RequestRecord.Payload p = h.log.next().payload();
        assertThat(p).isNotNull();
        Map<String, String> headers = new java.util.HashMap<>();
        p.requestHeaders().forEach(e -> headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        assertThat(headers).containsEntry("authorization", "[redacted]").containsEntry("x-api-key", "[redacted]")
                .containsEntry("x-app", "cli");
        assertThat(p.requestBody()).hasSize(64);
        assertThat(p.truncated()).isTrue();
        assertThat(new String(p.responseBody(), StandardCharsets.UTF_8)).startsWith("{");
        assertThat(p.requestHeaders().toString()).doesNotContain("secret");
    }

    /** The upstream attempt was aborted within a second of the client leaving, and recorded as a 499 cancel. */
    private RequestRecord upstreamAbortedWithinASecondOf(long clientClosedAtNanos) throws InterruptedException {
        assertThat(fake.awaitAborts(1, Duration.ofSeconds(3))).isTrue();
        assertThat(Duration.ofNanos(fake.abortedAtNanos().getFirst() - clientClosedAtNanos)).isLessThan(Duration.ofSeconds(1));
        RequestRecord rec = h.log.next();
        assertThat(rec.status()).isEqualTo(499);
        assertThat(rec.outcome()).isEqualTo(Outcome.CLIENT_CANCELLED);
        return rec;
    }

}

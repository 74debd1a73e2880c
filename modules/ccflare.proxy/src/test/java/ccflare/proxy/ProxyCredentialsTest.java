package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Account;
import ccflare.core.Config;
import ccflare.core.Credentials;
import ccflare.core.Outcome;
import ccflare.core.ProviderKind;
import ccflare.core.RequestRecord;
import ccflare.core.TokenSource;
import ccflare.providers.OAuth;
import ccflare.providers.Providers;
import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import ccflare.testing.ManualClock;
import ccflare.testing.Received;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Credentials through the real OAuth token source against FakeUpstream's rotating token endpoint:
 * proactive single-flight refresh, needs-reauth, forced refresh on 401, API-key 401 failover.
 */
class ProxyCredentialsTest {

    static final String JSON = ProxyFailoverTest.JSON;
    static final String STREAM = ProxyFailoverTest.STREAM;
    static final long T0 = ProxyHarness.T0;
    static final long FRESH = T0 + 3_600_000;
    static final long EXPIRED = T0 - 1;
    static final Duration PAST_SESSION = Duration.ofHours(5).plusSeconds(1);

    final FakeUpstream fake = FakeUpstream.start(new ManualClock(T0));
    final HttpClient tokenHttp = OAuth.httpClient();
    ProxyHarness h;
    WatchedTokens tokens;

    /** The real token source of {@code h}'s registry and clock, pointed at the fake's endpoint, watched. */
    static final class WatchedTokens implements TokenSource {
        final TokenSource real;
        final List<String> threads = new CopyOnWriteArrayList<>();

        WatchedTokens(TokenSource real) { this.real = real; }

        @Override public Credentials usable(Account account) {
            threads.add(Thread.currentThread().getName());
            return real.usable(account);
        }

        @Override public Credentials forceRefresh(Account account, Credentials rejected) {
            threads.add(Thread.currentThread().getName());
            return real.forceRefresh(account, rejected);
        }
    }

    Config.OAuth oauthConfig() {
        String base = fake.baseUri().toString();
        return new Config.OAuth(base + "/oauth/authorize", base + "/v1/oauth/token", "https://callback.invalid/cb",
                "claude-client-id", base + "/codex/authorize", base + "/oauth/token", "app_codex_test", 0);
    }

    ProxyHarness proxy() throws Exception {
        h = new ProxyHarness(ProxyHarness.config(fake.baseUri().toString()).build(), false, harness -> {
            tokens = new WatchedTokens(OAuth.tokens(oauthConfig(), harness.accounts, harness.clock, tokenHttp));
            return tokens;
        }, Providers::adapter);
        return h;
    }

    @AfterEach void stop() throws Exception {
        if (h != null) h.close();
        fake.close();
        tokenHttp.close();
    }

    /** A claude-code account holding a live token pair of the fake endpoint; returns its id. */
    String subscription(String name, int priority, long expiresAtMs) {
        FakeUpstream.Tokens t = fake.issueTokens();
        return h.accounts.add(name, name, ProviderKind.CLAUDE_CODE, priority, "",
                new Credentials.OAuthTokens(t.accessToken(), t.refreshToken(), expiresAtMs)).id();
    }

    /** A claude-code account whose refresh token the endpoint never issued (so it is refused: invalid_grant). */
    String revokedSubscription(String name, int priority, long expiresAtMs) {
        return h.accounts.add(name, name, ProviderKind.CLAUDE_CODE, priority, "",
                new Credentials.OAuthTokens("access-" + name, "revoked-" + name, expiresAtMs)).id();
    }

    String accessToken(String id) {
        return ((Credentials.OAuthTokens) h.accounts.credentials(id).orElseThrow()).accessToken();
    }

    Account account(String id) { return h.accounts.byId(id).orElseThrow(); }

    static boolean onCredentialThread(String threadName) { return threadName.startsWith("ccflare-credentials-"); }

    @Test void fiftyConcurrentStreamsOnAnExpiredTokenShareOneRefreshAndAllCarryTheNewToken() throws Exception {
        proxy();
        String max = subscription("max", 0, EXPIRED);
        String oldToken = accessToken(max);
        // Slow enough that most requests arrive while the one refresh is in flight.
        fake.behaveTokenEndpoint(Behaviour.delayed(Duration.ofMillis(200), Behaviour.ok()));
        // The new token is outside the source's 30 s refresh window but inside the proxy's 60 s hop
        // window, so even a request arriving after the refresh asks off the request thread.
        fake.tokenExpiresIn(Duration.ofSeconds(45));

        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            HttpRequest r = HttpRequest.newBuilder(URI.create(h.url("/v1/messages")))
                    .POST(HttpRequest.BodyPublishers.ofString(STREAM)).timeout(Duration.ofSeconds(15)).build();
            responses.add(h.http.sendAsync(r, HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : responses) {
            HttpResponse<String> r = f.join();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("event: message_stop");
        }

        assertThat(fake.tokenRequests()).isEqualTo(1);
        String newToken = fake.issuedTokens().getLast().accessToken();
        assertThat(newToken).isNotEqualTo(oldToken);
        assertThat(accessToken(max)).isEqualTo(newToken);
        List<Received> sent = fake.requestsWithCredential(newToken);
        assertThat(sent).hasSize(50);
        assertThat(sent).allSatisfy(r -> assertThat(r.header("anthropic-beta")).contains("oauth-2025-04-20"));
        assertThat(fake.requestsWithCredential(oldToken)).isEmpty();
        // Every call that could refresh (or wait for the refresh) ran off the request threads.
        assertThat(tokens.threads).hasSize(50).allSatisfy(t -> assertThat(onCredentialThread(t)).as(t).isTrue());
        // The record is written after the last byte reached the client, so the 50th may trail the client's join.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (h.log.all.size() < 50 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(h.log.all).hasSize(50)
                .allSatisfy(rec -> assertThat(rec.outcome()).isEqualTo(Outcome.OK))
                .allSatisfy(rec -> assertThat(rec.accountId()).isEqualTo(max));
    }

    @Test void freshTokensAndApiKeysAreObtainedWithoutAThreadHop() throws Exception {
        proxy();
        subscription("max", 0, FRESH);
        h.apiKeyAccount("key", 0);

        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(h.post("/v1/anthropic/v1/messages", JSON).statusCode()).isEqualTo(200);

        assertThat(tokens.threads).hasSize(2).noneSatisfy(t -> assertThat(onCredentialThread(t)).isTrue());
        assertThat(fake.tokenRequests()).isZero();
    }

    @Test void anAccountWhoseRefreshIsRefusedTwiceFailsOverThenNeedsReauthAndIsSkipped() throws Exception {
        proxy();
        String a = revokedSubscription("a", 0, EXPIRED);
        String b = subscription("b", 1, T0 + Duration.ofDays(30).toMillis());

        // First refusal: a transient failure as far as anyone knows; the request goes to b.
        HttpResponse<String> first = h.post("/v1/messages", JSON);
        assertThat(first.statusCode()).isEqualTo(200);
        RequestRecord rec = h.log.next();
        assertThat(rec.accountId()).isEqualTo(b);
        assertThat(rec.attempts()).isEqualTo(1);
        assertThat(fake.tokenRequests()).isEqualTo(1);
        // Skipped, not failed: no cool-down.
        assertThat(account(a).rateLimit().limitedUntilMs()).isZero();
        assertThat(account(a).needsReauth()).isFalse();

        // Past b's session and a's backoff, a is tried first again and refused a second time.
        h.clock.advance(PAST_SESSION);
        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(h.log.next().accountId()).isEqualTo(b);
        assertThat(fake.tokenRequests()).isEqualTo(2);
        assertThat(account(a).needsReauth()).isTrue();

        // From now on the selector leaves a out: no refresh, no upstream request with its token.
        h.clock.advance(PAST_SESSION);
        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(h.log.next().accountId()).isEqualTo(b);
        assertThat(fake.tokenRequests()).isEqualTo(2);
        assertThat(fake.requestsWithCredential("access-a")).isEmpty();
    }

    @Test void answers503NamingTheReasonWhenNoAccountsCredentialsAreUsable() throws Exception {
        proxy();
        revokedSubscription("work", 0, EXPIRED);

        HttpResponse<String> backingOff = h.post("/v1/messages", JSON);
        assertThat(backingOff.statusCode()).isEqualTo(503);
        assertThat(backingOff.body()).contains("\"type\":\"error\"").contains("overloaded_error")
                .contains("account 'work': token refresh failed");
        // The token source says when it will try again.
        assertThat(backingOff.headers().firstValue("retry-after")).hasValue("5");
        RequestRecord rec = h.log.next();
        assertThat(rec.status()).isEqualTo(503);
        assertThat(rec.attempts()).isZero();
        assertThat(rec.errorMessage()).contains("account 'work'");

        h.clock.advance(Duration.ofSeconds(6));
        HttpResponse<String> reauth = h.post("/v1/messages", JSON);
        assertThat(reauth.statusCode()).isEqualTo(503);
        assertThat(reauth.body()).contains("account 'work' needs re-authentication (sign in again)");
        assertThat(reauth.headers().firstValue("retry-after")).isEmpty();

        HttpResponse<String> later = h.post("/v1/messages", JSON);
        assertThat(later.statusCode()).isEqualTo(503);
        assertThat(later.body()).contains("1 need re-authentication")
                .contains("account 'work' needs re-authentication (sign in again)");
        assertThat(fake.tokenRequests()).isEqualTo(2);
        assertThat(fake.requests("/v1/messages")).isEmpty();
    }

    @Test void a401OnAFreshTokenForcesOneRefreshThenSucceedsOnTheSameAccount() throws Exception {
        proxy();
        String a = subscription("a", 0, FRESH);
        h.apiKeyAccount("spare", 1);
        String oldToken = accessToken(a);
        fake.behave(oldToken, Behaviour.clientError(401));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(fake.tokenRequests()).isEqualTo(1);
        String newToken = accessToken(a);
        assertThat(newToken).isNotEqualTo(oldToken);
        assertThat(fake.requestsWithCredential(oldToken)).hasSize(1);
        assertThat(fake.requestsWithCredential(newToken)).hasSize(1);
        assertThat(fake.requestsWithCredential("key-spare")).isEmpty();
        h.nextServedBy(a, 2, 0);
        assertThat(account(a).availableAt(h.clock.millis())).isTrue();
        // The forced refresh is a network call: never on a request thread.
        assertThat(tokens.threads.getLast()).startsWith("ccflare-credentials-");
    }

    @Test void a401AfterTheForcedRefreshFailsOverAndCoolsTheAccountBriefly() throws Exception {
        proxy();
        String a = subscription("a", 0, FRESH);
        String b = subscription("b", 1, FRESH);
        fake.behave(accessToken(b), Behaviour.ok());
        // Every other token, the refreshed one of a included, is refused.
        fake.behaveByDefault(Behaviour.clientError(401));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(fake.tokenRequests()).as("one forced refresh, not two").isEqualTo(1);
        h.nextServedBy(b, 3, 1);
        assertThat(h.proxy.backOffs.untilMs(a, h.clock.millis())).isEqualTo(T0 + FailoverPolicy.OAUTH_REFUSED_COOL_MS);
        assertThat(account(a).needsReauth()).isFalse();
    }

    @Test void aFailedForcedRefreshFailsOverToTheNextAccount() throws Exception {
        proxy();
        String a = revokedSubscription("a", 0, FRESH);
        String b = subscription("b", 1, FRESH);
        fake.behave("access-a", Behaviour.clientError(401));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(200);
        h.nextServedBy(b, 2, 1);
        assertThat(fake.tokenRequests()).isEqualTo(1);
        assertThat(h.proxy.backOffs.untilMs(a, h.clock.millis())).isEqualTo(T0 + FailoverPolicy.OAUTH_REFUSED_COOL_MS);
    }

    @Test void passesTheSecond401ThroughWhenNoOtherAccountIsLeft() throws Exception {
        proxy();
        String a = subscription("a", 0, FRESH);
        fake.behaveByDefault(Behaviour.clientError(401));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("authentication_error");
        assertThat(fake.tokenRequests()).isEqualTo(1);
        assertThat(h.log.next().attempts()).isEqualTo(2);
        assertThat(account(a).rateLimit().limitedUntilMs()).isZero();
    }

    @Test void anApiKey401FailsOverAndCoolsTheBadKeysAccount() throws Exception {
        proxy();
        String bad = h.apiKeyAccount("bad", 0);
        String good = h.apiKeyAccount("good", 1);
        fake.behave("key-bad", Behaviour.clientError(401));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(200);
        h.nextServedBy(good, 2, 1);
        assertThat(h.proxy.backOffs.untilMs(bad, h.clock.millis())).isEqualTo(T0 + FailoverPolicy.API_KEY_REFUSED_COOL_MS);
        assertThat(fake.tokenRequests()).isZero();

        // While it cools, the bad key is not tried again.
        assertThat(h.post("/v1/messages", JSON).statusCode()).isEqualTo(200);
        assertThat(fake.requestsWithCredential("key-bad")).hasSize(1);
    }

    @Test void passesAnApiKey401ThroughWhenNoOtherAccountIsLeft() throws Exception {
        proxy();
        String only = h.apiKeyAccount("only", 0);
        fake.behave("key-only", Behaviour.clientError(401));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(h.log.next().attempts()).isEqualTo(1);
        assertThat(account(only).rateLimit().limitedUntilMs()).isZero();
    }

    @Test void withoutATokenSourceA401OnAnOAuthAccountFailsOverWithoutARefresh() throws Exception {
        h = new ProxyHarness(ProxyHarness.config(fake.baseUri().toString()).build(), false);
        String a = subscription("a", 0, FRESH);
        String b = subscription("b", 1, FRESH);
        fake.behave(accessToken(a), Behaviour.clientError(401));

        HttpResponse<String> r = h.post("/v1/messages", JSON);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(h.log.next().accountId()).isEqualTo(b);
        assertThat(fake.tokenRequests()).isZero();
        assertThat(h.proxy.backOffs.untilMs(a, h.clock.millis())).isEqualTo(T0 + FailoverPolicy.OAUTH_REFUSED_COOL_MS);
    }
}

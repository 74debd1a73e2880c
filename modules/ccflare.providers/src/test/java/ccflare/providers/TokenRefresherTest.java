package ccflare.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.Config;
import ccflare.core.Credentials;
import ccflare.core.CredentialsUnavailableException;
import ccflare.core.CredentialsUnavailableException.Reason;
import ccflare.core.ProviderKind;
import ccflare.core.TokenSource;
import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import ccflare.testing.ManualClock;
import ccflare.testing.Received;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TokenRefresherTest {

    final ManualClock clock = ManualClock.at("2026-03-01T12:00:00Z");
    final HttpClient http = OAuth.httpClient();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger oauthLogger = (Logger) LoggerFactory.getLogger(OAuth.class);
    FakeUpstream upstream;
    RecordingAccountStore store;
    AccountRegistry accounts;
    TokenSource tokens;

    @BeforeEach void start() {
        upstream = FakeUpstream.start(clock);
        store = new RecordingAccountStore();
        accounts = new AccountRegistry(store, clock);
        tokens = OAuth.tokens(OAuthFlowsTest.config(upstream, 0), accounts, clock, http);
        logs.start();
        oauthLogger.addAppender(logs);
    }

    @AfterEach void stop() {
        oauthLogger.detachAppender(logs);
        upstream.close();
    }

    /** A claude-code account holding live tokens from the fake endpoint that expire at {@code expiresAtMs}. */
    private Account oauthAccount(String name, ProviderKind kind, long expiresAtMs) {
        FakeUpstream.Tokens seeded = upstream.issueTokens();
        return accounts.add(name + "-id", name, kind, 0, "",
                new Credentials.OAuthTokens(seeded.accessToken(), seeded.refreshToken(), expiresAtMs));
    }

    private static Reason reason(Throwable e) { return ((CredentialsUnavailableException) e).reason(); }

    @Test
    void fiftyConcurrentCallersOnAnExpiredAccountShareOneRefreshAndItsDurableResult() throws Exception {
        Account account = oauthAccount("max", ProviderKind.CLAUDE_CODE, clock.millis() - 1);
        upstream.behaveTokenEndpoint(Behaviour.delayed(Duration.ofMillis(300), Behaviour.ok())); // every caller arrives while the one refresh is in flight
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    Credentials c = tokens.usable(account);
                    store.events.add("use " + RecordingAccountStore.describe(c));
                    return ((Credentials.OAuthTokens) c).accessToken();
                }));
            }
            go.countDown();
            for (Future<String> f : results) f.get();
        }

        assertThat(upstream.tokenRequests()).isEqualTo(1);
        FakeUpstream.Tokens rotated = upstream.issuedTokens().get(1);
        for (Future<String> f : results) assertThat(f.get()).isEqualTo(rotated.accessToken());
        String pair = rotated.accessToken() + "/" + rotated.refreshToken();
        assertThat(store.events).filteredOn(e -> e.startsWith("use ")).hasSize(50).containsOnly("use " + pair);
        assertThat(store.events.indexOf("replace " + pair)).as("durable before the first use")
                .isGreaterThanOrEqualTo(0).isLessThan(store.events.indexOf("use " + pair));
        assertThat(store.stored(account.id())).isEqualTo(new Credentials.OAuthTokens(rotated.accessToken(),
                rotated.refreshToken(), clock.millis() + 3_600_000));
        assertThat(accounts.credentials(account.id())).contains(store.stored(account.id()));
    }

    @Test
    void theClaudeRefreshIsAJsonGrantAndTheRotatedRefreshTokenIsWhatTheNextRefreshUses() throws Exception {
        Account account = oauthAccount("max", ProviderKind.CLAUDE_CODE, clock.millis() + 10_000);
        String firstRefresh = upstream.issuedTokens().getFirst().refreshToken();

        tokens.usable(account);
        clock.advance(Duration.ofMinutes(60));
        Credentials third = tokens.usable(account);

        List<Received> requests = upstream.requests("/v1/oauth/token");
        assertThat(requests).hasSize(2);
        assertThat(requests.getFirst().header("content-type")).startsWith("application/json");
        var body = OAuthFlowsTest.json(requests.getFirst());
        assertThat(body.path("grant_type").asText()).isEqualTo("refresh_token");
        assertThat(body.path("refresh_token").asText()).isEqualTo(firstRefresh);
        assertThat(body.path("client_id").asText()).isEqualTo("claude-client-id");
        assertThat(OAuthFlowsTest.json(requests.get(1)).path("refresh_token").asText())
                .isEqualTo(upstream.issuedTokens().get(1).refreshToken());
        assertThat(((Credentials.OAuthTokens) third).accessToken()).isEqualTo(upstream.issuedTokens().get(2).accessToken());
        assertThat(accounts.byId(account.id()).orElseThrow().needsReauth()).isFalse();
    }

    @Test
    void theCodexRefreshIsAFormGrantToTheCodexTokenUrl() {
        Account account = oauthAccount("codex", ProviderKind.CODEX, 0);
        String refresh = upstream.issuedTokens().getFirst().refreshToken();

        Credentials c = tokens.usable(account);

        Received r = upstream.requests("/oauth/token").getFirst();
        assertThat(r.header("content-type")).startsWith("application/x-www-form-urlencoded");
        assertThat(r.bodyText()).isEqualTo("grant_type=refresh_token&refresh_token=" + refresh + "&client_id=app_codex_test");
        assertThat(((Credentials.OAuthTokens) c).accessToken()).isEqualTo(upstream.issuedTokens().get(1).accessToken());
    }

    @Test
    void aTokenIsRefreshedOnlyWithinThirtySecondsOfItsExpiry() {
        long expiresAt = clock.millis() + 60_000;
        Account account = oauthAccount("max", ProviderKind.CLAUDE_CODE, expiresAt);
        String original = upstream.issuedTokens().getFirst().accessToken();

        clock.set(expiresAt - 30_001);
        assertThat(((Credentials.OAuthTokens) tokens.usable(account)).accessToken()).isEqualTo(original);
        assertThat(upstream.tokenRequests()).isZero();

        clock.set(expiresAt - 30_000);
        assertThat(((Credentials.OAuthTokens) tokens.usable(account)).accessToken()).isNotEqualTo(original);
        assertThat(upstream.tokenRequests()).isEqualTo(1);
    }

    @Test
    void anApiKeyIsUsableAsIsAndCannotBeRefreshed() {
        Account key = accounts.add("k", "key", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("sk-ant-x"));
        assertThat(tokens.usable(key)).isEqualTo(new Credentials.ApiKey("sk-ant-x"));
        assertThatThrownBy(() -> tokens.forceRefresh(key, new Credentials.ApiKey("sk-ant-x")))
                .hasMessage("the upstream refused the API key of account 'key'; an API key cannot be refreshed")
                .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.NOT_REFRESHABLE));
        assertThat(upstream.tokenRequests()).isZero();
    }

    @Test
    void forceRefreshAfterA401RefreshesOnceAndLateCallersGetTheReplacement() {
        Account account = oauthAccount("max", ProviderKind.CLAUDE_CODE, clock.millis() + 3_600_000);
        Credentials rejected = tokens.usable(account);

        Credentials replaced = tokens.forceRefresh(account, rejected);
        Credentials late = tokens.forceRefresh(account, rejected);

        assertThat(replaced).isNotEqualTo(rejected);
        assertThat(late).isEqualTo(replaced);
        assertThat(upstream.tokenRequests()).isEqualTo(1);
        assertThat(accounts.credentials(account.id())).contains(replaced);
    }

    @Test
    void invalidGrantTwiceInARowMarksTheAccountNeedsReauthAndLaterCallsFailFast() {
        Account account = accounts.add("dead-id", "dead", ProviderKind.CLAUDE_CODE, 0, "",
                new Credentials.OAuthTokens("old-access", "a-revoked-refresh-token", clock.millis() - 1));

        assertThatThrownBy(() -> tokens.usable(account))
                .hasMessage("account 'dead': token refresh failed (refused: Invalid refresh token); next attempt in 5 s")
                .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.REFRESH_FAILED))
                .satisfies(e -> assertThat(((CredentialsUnavailableException) e).retryAtMs()).isEqualTo(clock.millis() + 5_000));
        assertThat(accounts.byId(account.id()).orElseThrow().needsReauth()).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> tokens.usable(account))
                .hasMessage("account 'dead' needs a new sign-in (its OAuth refresh was refused)")
                .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.NEEDS_REAUTH));
        assertThat(accounts.byId(account.id()).orElseThrow().needsReauth()).isTrue();
        assertThat(store.events).contains("state dead needs-reauth");

        clock.advance(Duration.ofHours(1));
        assertThatThrownBy(() -> tokens.usable(account)).satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.NEEDS_REAUTH));
        assertThatThrownBy(() -> tokens.forceRefresh(account, new Credentials.OAuthTokens("old-access", "x", 0)))
                .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.NEEDS_REAUTH));
        assertThat(upstream.tokenRequests()).isEqualTo(2);
        List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("needs a new sign-in")).toList();
        assertThat(warnings).containsExactly(
                "oauth: account 'dead' needs a new sign-in: its refresh token was refused twice in a row (invalid_grant)");
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("a-revoked-refresh-token")
                || e.getFormattedMessage().contains("old-access"));
    }

    @Test
    void transientFailuresBackOffFromFiveSecondsDoublingToFiveMinutesAndASuccessClearsThem() {
        Account account = oauthAccount("max", ProviderKind.CLAUDE_CODE, clock.millis() - 1);
        upstream.behaveTokenEndpoint(Behaviour.failTimes(9, Behaviour.serverError(503), Behaviour.ok()));
        long[] expectedDelays = {5, 10, 20, 40, 80, 160, 300, 300, 300};

        for (long delay : expectedDelays) {
            long now = clock.millis();
            assertThatThrownBy(() -> tokens.usable(account))
                    .hasMessage("account 'max': token refresh failed (token endpoint " + upstream.baseUri().getAuthority()
                            + " answered HTTP 503); next attempt in " + delay + " s")
                    .satisfies(e -> assertThat(((CredentialsUnavailableException) e).retryAtMs()).isEqualTo(now + delay * 1000));
            int before = upstream.tokenRequests();
            clock.advance(Duration.ofSeconds(delay).minusMillis(1));
            assertThatThrownBy(() -> tokens.usable(account))
                    .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.BACKOFF))
                    .hasMessageContaining("waits 1 s before its next token refresh (last one: token endpoint");
            assertThat(upstream.tokenRequests()).as("no request during the backoff").isEqualTo(before);
            clock.advance(Duration.ofMillis(1));
        }

        Credentials ok = tokens.usable(account);
        assertThat(((Credentials.OAuthTokens) ok).accessToken()).isEqualTo(upstream.issuedTokens().get(1).accessToken());
        clock.advance(Duration.ofHours(1));
        upstream.behaveTokenEndpoint(Behaviour.failTimes(1, Behaviour.serverError(500), Behaviour.ok()));
        assertThatThrownBy(() -> tokens.usable(account)).hasMessageEndingWith("next attempt in 5 s");
        assertThat(accounts.byId(account.id()).orElseThrow().needsReauth()).isFalse();
    }

    @Test
    void anInvalidGrantAfterATransientFailureStartsANewRun() {
        Account account = accounts.add("dead-id", "dead", ProviderKind.CLAUDE_CODE, 0, "",
                new Credentials.OAuthTokens("old", "revoked", clock.millis() - 1));
        assertThatThrownBy(() -> tokens.usable(account)).hasMessageContaining("Invalid refresh token");
        clock.advance(Duration.ofSeconds(5));
        upstream.behaveTokenEndpoint(Behaviour.failTimes(1, Behaviour.serverError(502), Behaviour.ok()));
        assertThatThrownBy(() -> tokens.usable(account)).hasMessageContaining("HTTP 502");
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> tokens.usable(account)).satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.REFRESH_FAILED));
        assertThat(accounts.byId(account.id()).orElseThrow().needsReauth()).isFalse();
    }

    @Test
    void anUnreachableTokenEndpointIsATransientFailure() throws Exception {
        Config.OAuth dead = new Config.OAuth("http://x", "http://127.0.0.1:" + OAuthFlowsTest.freePort() + "/v1/oauth/token",
                "http://x", "id", "http://x", "http://x", "id", 0);
        TokenSource offline = OAuth.tokens(dead, accounts, clock, http);
        Account account = oauthAccount("max", ProviderKind.CLAUDE_CODE, 0);
        assertThatThrownBy(() -> offline.usable(account))
                .hasMessageContaining("unreachable (ConnectException)); next attempt in 5 s")
                .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.REFRESH_FAILED));
    }

    @Test
    void tokensThatCouldNotBeSavedAreNeverHandedOutAndAreSavedOnTheNextCall() {
        Account account = oauthAccount("max", ProviderKind.CLAUDE_CODE, clock.millis() - 1);
        store.failReplaces(1);

        assertThatThrownBy(() -> tokens.usable(account))
                .hasMessage("account 'max': its refreshed tokens could not be saved (disk full)")
                .satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.REFRESH_FAILED));
        FakeUpstream.Tokens rotated = upstream.issuedTokens().get(1);
        Credentials next = tokens.usable(account);

        assertThat(((Credentials.OAuthTokens) next).accessToken()).isEqualTo(rotated.accessToken());
        assertThat(store.stored(account.id())).isEqualTo(next);
        assertThat(upstream.tokenRequests()).as("the rotated token was kept, not refreshed again").isEqualTo(1);
        assertThat(store.events).containsSubsequence("replace failed", "replace " + rotated.accessToken() + "/" + rotated.refreshToken());
    }

    @Test
    void anExpiredAccountWithoutARefreshTokenNeedsANewSignIn() {
        Account account = accounts.add("n", "norefresh", ProviderKind.CLAUDE_CODE, 0, "",
                new Credentials.OAuthTokens("at", "", clock.millis() - 1));
        assertThatThrownBy(() -> tokens.usable(account)).satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.NEEDS_REAUTH));
        assertThat(accounts.byId("n").orElseThrow().needsReauth()).isTrue();
        assertThat(upstream.tokenRequests()).isZero();
    }

    @Test
    void aRemovedAccountHasNoCredentials() {
        Account account = oauthAccount("gone", ProviderKind.CLAUDE_CODE, 0);
        accounts.remove(account.id());
        assertThatThrownBy(() -> tokens.usable(account)).satisfies(e -> assertThat(reason(e)).isEqualTo(Reason.MISSING));
    }
}

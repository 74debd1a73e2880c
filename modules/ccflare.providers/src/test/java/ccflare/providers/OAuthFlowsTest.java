package ccflare.providers;

import static ccflare.providers.LoopbackCallbackTest.awaitClosed;
import static ccflare.providers.LoopbackCallbackTest.listening;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.Config;
import ccflare.core.Credentials;
import ccflare.core.OAuthFlowException;
import ccflare.core.OAuthFlows;
import ccflare.core.ProviderKind;
import ccflare.testing.FakeUpstream;
import ccflare.testing.ManualClock;
import ccflare.testing.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OAuthFlowsTest {

    static final String CLAUDE_REDIRECT = "https://platform.claude.com/oauth/code/callback";
    static final ObjectMapper JSON = new ObjectMapper();

    final ManualClock clock = ManualClock.at("2026-03-01T12:00:00Z");
    final HttpClient http = OAuth.httpClient();
    FakeUpstream upstream;
    RecordingAccountStore store;
    AccountRegistry accounts;
    int codexPort;
    OAuthFlows flows;

    @BeforeEach void start() throws IOException {
        upstream = FakeUpstream.start(clock);
        store = new RecordingAccountStore();
        accounts = new AccountRegistry(store, clock);
        codexPort = freePort();
        flows = OAuth.flows(config(upstream, codexPort), accounts, clock, http);
    }

    @AfterEach void stop() { upstream.close(); }

    static Config.OAuth config(FakeUpstream up, int codexPort) {
        return new Config.OAuth(up.baseUri() + "/oauth/authorize", up.baseUri() + "/v1/oauth/token", CLAUDE_REDIRECT,
                "claude-client-id", up.baseUri() + "/codex/oauth/authorize", up.baseUri() + "/oauth/token",
                "app_codex_test", codexPort);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The query parameters of a URL, in order, decoded. */
    static List<Map.Entry<String, String>> params(String url) {
        URI uri = URI.create(url);
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.add(Map.entry(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8)));
        }
        return out;
    }

    static String param(String url, String name) {
        return params(url).stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElseThrow();
    }

    static JsonNode json(Received r) throws IOException { return JSON.readTree(r.body()); }

    /** Starts a claude-code flow whose code the fake token endpoint accepts with the flow's own verifier. */
    private OAuthFlows.Started startClaude(String name, String code) {
        OAuthFlows.Started started = flows.start(ProviderKind.CLAUDE_CODE, name, "", 2);
        upstream.expectAuthorization(code, param(started.authorizeUrl(), "code_challenge"));
        lastStarted = started;
        return started;
    }

    private OAuthFlows.Started lastStarted;

    /** The state of the flow {@link #startClaude} started last. */
    private String lastState() { return param(lastStarted.authorizeUrl(), "state"); }

    @Test
    void claudeCodeSignInBuildsTheAuthorizeUrlExchangesThePastedCodeAndAddsTheAccount() throws Exception {
        OAuthFlows.Started started = flows.start(ProviderKind.CLAUDE_CODE, "max one", "https://gw.example.com", 2);

        assertThat(started.expiresAtMs()).isEqualTo(clock.millis() + 600_000);
        assertThat(started.authorizeUrl()).startsWith(upstream.baseUri() + "/oauth/authorize?code=true&client_id=");
        assertThat(params(started.authorizeUrl())).extracting(Map.Entry::getKey).containsExactly("code", "client_id",
                "response_type", "redirect_uri", "scope", "code_challenge", "code_challenge_method", "state");
        assertThat(param(started.authorizeUrl(), "code")).isEqualTo("true");
        assertThat(param(started.authorizeUrl(), "client_id")).isEqualTo("claude-client-id");
        assertThat(param(started.authorizeUrl(), "response_type")).isEqualTo("code");
        assertThat(param(started.authorizeUrl(), "redirect_uri")).isEqualTo(CLAUDE_REDIRECT);
        assertThat(param(started.authorizeUrl(), "scope")).isEqualTo("org:create_api_key user:profile user:inference");
        assertThat(param(started.authorizeUrl(), "code_challenge_method")).isEqualTo("S256");
        String challenge = param(started.authorizeUrl(), "code_challenge");
        String state = param(started.authorizeUrl(), "state");
        assertThat(challenge).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(state).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(started.instructions()).contains("CODE#STATE");
        assertThat(flows.state(started.flowId())).isEqualTo(new OAuthFlows.FlowState(started.flowId(), "claude-code",
                "pending", "", ""));

        upstream.expectAuthorization("auth-code-1", challenge);
        Account account = flows.complete(started.flowId(), "  auth-code-1#" + state + "\n");

        List<Received> exchanges = upstream.requests("/v1/oauth/token");
        assertThat(exchanges).hasSize(1);
        assertThat(exchanges.getFirst().header("content-type")).startsWith("application/json");
        JsonNode body = json(exchanges.getFirst());
        assertThat(body.path("grant_type").asText()).isEqualTo("authorization_code");
        assertThat(body.path("code").asText()).isEqualTo("auth-code-1");
        assertThat(body.path("state").asText()).isEqualTo(state);
        assertThat(body.path("client_id").asText()).isEqualTo("claude-client-id");
        assertThat(body.path("redirect_uri").asText()).isEqualTo(CLAUDE_REDIRECT);
        String verifier = body.path("code_verifier").asText();
        assertThat(verifier).hasSize(43).isNotEqualTo(state);
        assertThat(FakeUpstream.pkceChallenge(verifier)).isEqualTo(challenge);

        FakeUpstream.Tokens issued = upstream.issuedTokens().getFirst();
        assertThat(account.name()).isEqualTo("max one");
        assertThat(account.provider()).isEqualTo(ProviderKind.CLAUDE_CODE);
        assertThat(account.priority()).isEqualTo(2);
        assertThat(account.baseUrl()).isEqualTo("https://gw.example.com");
        assertThat(accounts.byId(account.id())).contains(account);
        assertThat(accounts.credentials(account.id())).contains(new Credentials.OAuthTokens(issued.accessToken(),
                issued.refreshToken(), clock.millis() + 3_600_000));
        assertThat(store.rows).containsKey(account.id());
        assertThat(flows.state(started.flowId())).isEqualTo(new OAuthFlows.FlowState(started.flowId(), "claude-code",
                "completed", account.id(), ""));
    }

    @Test
    void aSignInAgainReplacesTheTokensOfTheSameAccountAndClearsNeedsReauth() {
        Account first = flows.complete(startClaude("max", "code-1").flowId(), "code-1#" + lastState());
        accounts.changeState(first.id(), a -> a.withNeedsReauth(true).withPriority(7));
        Credentials before = accounts.credentials(first.id()).orElseThrow();

        OAuthFlows.Started again = flows.reauthorize(first.id());
        upstream.expectAuthorization("code-2", param(again.authorizeUrl(), "code_challenge"));
        assertThat(flows.state(again.flowId()).status()).isEqualTo("pending");
        Account renewed = flows.complete(again.flowId(), "code-2#" + param(again.authorizeUrl(), "state"));

        assertThat(renewed.id()).isEqualTo(first.id());
        assertThat(renewed.name()).isEqualTo("max");
        assertThat(renewed.needsReauth()).isFalse();
        assertThat(accounts.accounts()).hasSize(1);
        FakeUpstream.Tokens issued = upstream.issuedTokens().getLast();
        assertThat(accounts.credentials(first.id())).contains(new Credentials.OAuthTokens(issued.accessToken(),
                issued.refreshToken(), clock.millis() + 3_600_000));
        assertThat(accounts.credentials(first.id()).orElseThrow()).isNotEqualTo(before);
        assertThat(flows.state(again.flowId())).isEqualTo(new OAuthFlows.FlowState(again.flowId(), "claude-code",
                "completed", first.id(), ""));
    }

    @Test
    void aSignInAgainIsRefusedForAnApiKeyOrUnknownAccountAndFailsWhenTheAccountWentMeanwhile() {
        accounts.add("k1", "keyed", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("sk-x"));
        assertThatThrownBy(() -> flows.reauthorize("k1")).isInstanceOf(OAuthFlowException.class)
                .hasMessage("account 'keyed' uses an API key (anthropic); there is nothing to sign in again (replace its key instead)");
        assertThatThrownBy(() -> flows.reauthorize("nope")).hasMessage("no account with id 'nope'");

        Account gone = flows.complete(startClaude("gone", "code-g").flowId(), "code-g#" + lastState());
        OAuthFlows.Started again = flows.reauthorize(gone.id());
        upstream.expectAuthorization("code-h", param(again.authorizeUrl(), "code_challenge"));
        accounts.remove(gone.id());
        assertThatThrownBy(() -> flows.complete(again.flowId(), "code-h#" + param(again.authorizeUrl(), "state")))
                .hasMessage("account 'gone' was removed while signing in; add it again as a new account");
        assertThat(flows.state(again.flowId()).status()).isEqualTo("failed");
        assertThat(accounts.accounts()).extracting(Account::name).containsExactly("keyed");
    }

    @Test
    void everySignInHasItsOwnVerifierAndState() {
        String a = flows.start(ProviderKind.CLAUDE_CODE, "a", "", 0).authorizeUrl();
        String b = flows.start(ProviderKind.CLAUDE_CODE, "b", "", 0).authorizeUrl();
        assertThat(param(a, "state")).isNotEqualTo(param(b, "state"));
        assertThat(param(a, "code_challenge")).isNotEqualTo(param(b, "code_challenge"));
    }

    @Test
    void aStateFromAnotherSignInIsRefusedBeforeAnyExchangeAndEndsTheFlow() {
        OAuthFlows.Started started = startClaude("acct", "code-1");
        OAuthFlows.Started other = flows.start(ProviderKind.CLAUDE_CODE, "other", "", 0);

        assertThatThrownBy(() -> flows.complete(started.flowId(), "code-1#" + param(other.authorizeUrl(), "state")))
                .isInstanceOf(OAuthFlowException.class)
                .hasMessage("state does not match this sign-in; start again")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.STATE_MISMATCH);
        assertThat(upstream.tokenRequests()).isZero();
        assertThat(flows.state(started.flowId()).status()).isEqualTo("failed");
        assertThat(flows.state(started.flowId()).error()).isEqualTo("state does not match this sign-in; start again");
        String state = param(started.authorizeUrl(), "state");
        assertThatThrownBy(() -> flows.complete(started.flowId(), "code-1#" + state))
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.ALREADY_USED);
        assertThat(accounts.size()).isZero();
    }

    @Test
    void aPastedCodeWithoutItsStateIsRefused() {
        OAuthFlows.Started started = startClaude("acct", "code-1");
        assertThatThrownBy(() -> flows.complete(started.flowId(), "code-1"))
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.STATE_MISMATCH);
        OAuthFlows.Started again = startClaude("acct", "code-2");
        assertThatThrownBy(() -> flows.complete(again.flowId(), "   "))
                .hasMessage("code: empty (expected: the CODE#STATE shown after signing in)")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.INVALID_INPUT);
        assertThat(flows.state(again.flowId()).status()).isEqualTo("pending");
        assertThat(upstream.tokenRequests()).isZero();
    }

    @Test
    void aCompletedFlowCannotBeCompletedAgain() {
        OAuthFlows.Started started = startClaude("acct", "code-1");
        String pasted = "code-1#" + param(started.authorizeUrl(), "state");
        flows.complete(started.flowId(), pasted);

        assertThatThrownBy(() -> flows.complete(started.flowId(), pasted))
                .hasMessage("this sign-in already completed; start a new one to add another account")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.ALREADY_USED);
        assertThat(upstream.tokenRequests()).isEqualTo(1);
        assertThat(accounts.size()).isEqualTo(1);
    }

    @Test
    void aFlowExpiresAfterTenMinutes() {
        OAuthFlows.Started late = startClaude("late", "code-late");
        OAuthFlows.Started onTime = startClaude("on time", "code-ok");
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        flows.complete(onTime.flowId(), "code-ok#" + param(onTime.authorizeUrl(), "state"));
        clock.advance(Duration.ofMillis(1));

        assertThatThrownBy(() -> flows.complete(late.flowId(), "code-late#" + param(late.authorizeUrl(), "state")))
                .hasMessage("this sign-in expired (a sign-in lasts 10 minutes); start again")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.EXPIRED);
        assertThat(flows.state(late.flowId()).status()).isEqualTo("expired");
        assertThat(flows.state(late.flowId()).error()).contains("expired");
        assertThat(upstream.tokenRequests()).isEqualTo(1);
        assertThat(accounts.find("late")).isEmpty();
    }

    @Test
    void finishedFlowsAreForgottenAnHourAfterTheyExpired() {
        OAuthFlows.Started old = flows.start(ProviderKind.CLAUDE_CODE, "old", "", 0);
        clock.advance(Duration.ofMinutes(10 + 60).plusSeconds(1));
        flows.start(ProviderKind.CLAUDE_CODE, "new", "", 0);
        assertThatThrownBy(() -> flows.state(old.flowId()))
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.UNKNOWN_FLOW);
    }

    @Test
    void anUnknownFlowIsRefused() {
        assertThatThrownBy(() -> flows.complete("nope", "c#s"))
                .hasMessage("no sign-in with id 'nope' (it never started, or finished more than an hour ago)")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.UNKNOWN_FLOW);
        assertThatThrownBy(() -> flows.state("nope"))
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.UNKNOWN_FLOW);
    }

    @Test
    void theTokenEndpointsRefusalFailsTheFlowWithTheProvidersReason() {
        OAuthFlows.Started started = startClaude("acct", "the-right-code");
        assertThatThrownBy(() -> flows.complete(started.flowId(), "a-wrong-code#" + param(started.authorizeUrl(), "state")))
                .hasMessage("the provider refused the sign-in: Invalid authorization code")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.REFUSED);
        assertThat(flows.state(started.flowId()).status()).isEqualTo("failed");
        assertThat(flows.state(started.flowId()).error()).isEqualTo("the provider refused the sign-in: Invalid authorization code");
        assertThat(accounts.size()).isZero();
    }

    @Test
    void anUnreachableTokenEndpointLeavesTheFlowPendingForAnotherTry() throws IOException {
        Config.OAuth dead = new Config.OAuth(upstream.baseUri() + "/oauth/authorize",
                "http://127.0.0.1:" + freePort() + "/v1/oauth/token", CLAUDE_REDIRECT, "id", "http://x", "http://x", "id", 0);
        OAuthFlows offline = OAuth.flows(dead, accounts, clock, http);
        OAuthFlows.Started started = offline.start(ProviderKind.CLAUDE_CODE, "acct", "", 0);
        assertThatThrownBy(() -> offline.complete(started.flowId(), "code#" + param(started.authorizeUrl(), "state")))
                .hasMessageStartingWith("could not finish the sign-in: token endpoint 127.0.0.1:")
                .hasMessageContaining("unreachable (ConnectException)")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.UNREACHABLE);
        assertThat(offline.state(started.flowId()).status()).isEqualTo("pending");
    }

    @Test
    void aTakenNameIsRefusedAtStartAndAgainAtCompletion() {
        accounts.add("k1", "taken", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("sk-x"));
        assertThatThrownBy(() -> flows.start(ProviderKind.CLAUDE_CODE, "taken", "", 0))
                .hasMessage("account name 'taken' is already taken")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.DUPLICATE_NAME);

        OAuthFlows.Started started = startClaude("raced", "code-1");
        accounts.add("k2", "raced", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("sk-y"));
        assertThatThrownBy(() -> flows.complete(started.flowId(), "code-1#" + param(started.authorizeUrl(), "state")))
                .hasMessage("account name 'raced' is already taken; start again with another name")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.DUPLICATE_NAME);
        assertThat(flows.state(started.flowId()).status()).isEqualTo("failed");
    }

    @Test
    void apiKeyProvidersAndBadValuesCannotStartASignIn() {
        assertThatThrownBy(() -> flows.start(ProviderKind.ANTHROPIC, "a", "", 0))
                .hasMessage("provider 'anthropic' uses an API key, not an OAuth sign-in (expected: claude-code or codex)")
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.INVALID_INPUT);
        assertThatThrownBy(() -> flows.start(ProviderKind.CLAUDE_CODE, " ", "", 0))
                .extracting(e -> ((OAuthFlowException) e).reason()).isEqualTo(OAuthFlowException.Reason.INVALID_INPUT);
        assertThatThrownBy(() -> flows.start(ProviderKind.CLAUDE_CODE, "a", "", -1))
                .hasMessage("priority: -1 (expected: >= 0)");
    }

    @Test
    void pendingSignInsAreCapped() {
        for (int i = 0; i < 32; i++) flows.start(ProviderKind.CLAUDE_CODE, "a" + i, "", 0);
        assertThatThrownBy(() -> flows.start(ProviderKind.CLAUDE_CODE, "one more", "", 0))
                .hasMessage("too many sign-ins in progress (32); finish one or wait for it to expire");
        clock.advance(Duration.ofMinutes(10));
        assertThat(flows.start(ProviderKind.CLAUDE_CODE, "one more", "", 0).flowId()).isNotBlank();
    }

    // ------------------------------------------------------------------ codex

    private HttpResponse<String> browserReturns(int port, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/auth/callback?" + query))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }


    @Test
    void codexSignInCompletesThroughTheLoopbackCallbackAndTheListenerCloses() throws Exception {
        OAuthFlows.Started started = flows.start(ProviderKind.CODEX, "chatgpt", "", 1);
        String url = started.authorizeUrl();
        String redirect = "http://localhost:" + codexPort + "/auth/callback";
        assertThat(url).startsWith(upstream.baseUri() + "/codex/oauth/authorize?response_type=code&");
        assertThat(params(url)).extracting(Map.Entry::getKey).containsExactly("response_type", "client_id",
                "redirect_uri", "scope", "code_challenge", "code_challenge_method", "id_token_add_organizations",
                "codex_cli_simplified_flow", "state");
        assertThat(param(url, "client_id")).isEqualTo("app_codex_test");
        assertThat(param(url, "redirect_uri")).isEqualTo(redirect);
        assertThat(param(url, "scope")).isEqualTo("openid profile email offline_access");
        assertThat(param(url, "code_challenge_method")).isEqualTo("S256");
        assertThat(param(url, "id_token_add_organizations")).isEqualTo("true");
        assertThat(param(url, "codex_cli_simplified_flow")).isEqualTo("true");
        assertThat(started.instructions()).contains("completes by itself");
        String state = param(url, "state");
        upstream.expectAuthorization("codex-code", param(url, "code_challenge"));

        HttpResponse<String> page = browserReturns(codexPort, "code=codex-code&state=" + state + "&scope=openid");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("The account &#39;chatgpt&#39; is ready in ccflare. You can close this tab.");
        Received exchange = upstream.requests("/oauth/token").getFirst();
        assertThat(exchange.header("content-type")).startsWith("application/x-www-form-urlencoded");
        assertThat(exchange.bodyText()).startsWith("grant_type=authorization_code&code=codex-code&redirect_uri="
                + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8)
                + "&client_id=app_codex_test&code_verifier=");
        Account account = accounts.find("chatgpt").orElseThrow();
        assertThat(account.provider()).isEqualTo(ProviderKind.CODEX);
        assertThat(account.priority()).isEqualTo(1);
        assertThat(accounts.credentials(account.id()).orElseThrow()).isInstanceOf(Credentials.OAuthTokens.class);
        assertThat(flows.state(started.flowId()).status()).isEqualTo("completed");
        awaitClosed(codexPort);
    }

    @Test
    void theCallbackListenerIgnoresStrangersAndKeepsWaiting() throws Exception {
        OAuthFlows.Started started = flows.start(ProviderKind.CODEX, "chatgpt", "", 0);
        HttpResponse<String> stranger = browserReturns(codexPort, "code=x&state=forged");
        assertThat(stranger.statusCode()).isEqualTo(400);
        assertThat(stranger.body()).contains("Start the sign-in again");
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + codexPort + "/elsewhere"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(flows.state(started.flowId()).status()).isEqualTo("pending");
        assertThat(listening(codexPort)).isTrue();
        assertThat(upstream.tokenRequests()).isZero();
    }

    @Test
    void theProvidersErrorRedirectFailsTheFlow() throws Exception {
        OAuthFlows.Started started = flows.start(ProviderKind.CODEX, "chatgpt", "", 0);
        HttpResponse<String> page = browserReturns(codexPort, "error=access_denied&error_description=User+said+no&state="
                + param(started.authorizeUrl(), "state"));
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("User said no");
        assertThat(flows.state(started.flowId()).error()).isEqualTo("the provider refused the sign-in: User said no");
        awaitClosed(codexPort);
    }

    @Test
    void theCallbackListenerClosesWhenTheCodexFlowExpires() throws Exception {
        flows.start(ProviderKind.CODEX, "chatgpt", "", 0);
        assertThat(listening(codexPort)).isTrue();
        clock.advance(Duration.ofMinutes(10));
        awaitClosed(codexPort);
    }

    @Test
    void twoCodexSignInsShareOneListenerAndEachCompletesByItsState() throws Exception {
        OAuthFlows.Started a = flows.start(ProviderKind.CODEX, "a", "", 0);
        OAuthFlows.Started b = flows.start(ProviderKind.CODEX, "b", "", 0);
        upstream.expectAuthorization("code-b", param(b.authorizeUrl(), "code_challenge"));
        upstream.expectAuthorization("code-a", param(a.authorizeUrl(), "code_challenge"));
        assertThat(browserReturns(codexPort, "code=code-b&state=" + param(b.authorizeUrl(), "state")).statusCode()).isEqualTo(200);
        assertThat(listening(codexPort)).as("a is still pending").isTrue();
        assertThat(browserReturns(codexPort, "code=code-a&state=" + param(a.authorizeUrl(), "state")).statusCode()).isEqualTo(200);
        assertThat(accounts.find("a")).isPresent();
        assertThat(accounts.find("b")).isPresent();
        awaitClosed(codexPort);
    }

    @Test
    void whenTheCallbackPortIsTakenTheUserPastesTheRedirectedAddress() throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            OAuthFlows busy = OAuth.flows(config(upstream, squatter.getLocalPort()), accounts, clock, http);
            OAuthFlows.Started started = busy.start(ProviderKind.CODEX, "pasted", "", 0);
            assertThat(started.instructions()).startsWith("Port " + squatter.getLocalPort() + " is in use")
                    .contains("paste");
            String url = started.authorizeUrl();
            upstream.expectAuthorization("codex-code", param(url, "code_challenge"));

            Account account = busy.complete(started.flowId(), "http://localhost:" + squatter.getLocalPort()
                    + "/auth/callback?code=codex-code&scope=openid&state=" + param(url, "state"));

            assertThat(account.name()).isEqualTo("pasted");
            assertThat(account.provider()).isEqualTo(ProviderKind.CODEX);
        }
    }

    @Test
    void codexAcceptsAPastedCodeAndState() {
        OAuthFlows.Started started = flows.start(ProviderKind.CODEX, "pasted", "", 0);
        upstream.expectAuthorization("codex-code", param(started.authorizeUrl(), "code_challenge"));
        Account account = flows.complete(started.flowId(), "codex-code#" + param(started.authorizeUrl(), "state"));
        assertThat(accounts.byId(account.id())).isPresent();
    }
}

package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.OAuthFlowException.Reason;
import ccflare.core.ProviderKind;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiAuthTest {

    @TempDir Path dir;
    ApiFixture f;
    FakeSignIn signIn;

    @BeforeEach void start() throws Exception {
        AtomicReference<FakeSignIn> made = new AtomicReference<>();
        f = new ApiFixture(dir, (accounts, clock) -> {
            made.set(new FakeSignIn(accounts, clock));
            return made.get();
        });
        signIn = made.get();
    }

    @AfterEach void stop() throws Exception { f.close(); }

    private String init(String provider, String name) throws Exception {
        var r = f.post("/api/auth/" + provider + "/init", "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("flowId").asText();
    }

    private void assertError(RawHttp.Reply r, int status, String error) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.error()).isEqualTo(error);
    }

    @Test
    void initStartsASignInAndAnswers201WithTheAuthorizeUrlAndWhereToFollowIt() throws Exception {
        var r = f.post("/api/auth/claude-code/init", "{\"name\":\"  max one \",\"baseUrl\":\"https://gw.example.com/\",\"priority\":2}");

        assertThat(r.status()).isEqualTo(201);
        JsonNode body = r.json();
        String flowId = body.path("flowId").asText();
        assertThat(body.path("provider").asText()).isEqualTo("claude-code");
        assertThat(body.path("authorizeUrl").asText()).isEqualTo("https://auth.example/authorize?state=s-" + flowId);
        assertThat(body.path("expiresAt").asText()).isEqualTo("2026-03-01T12:10:00Z");
        assertThat(body.path("instructions").asText()).isEqualTo("Open the URL.");
        assertThat(r.header("location")).isEqualTo("/api/auth/flows/" + flowId);
        assertThat(signIn.started).containsExactly(new FakeSignIn.Begun(ProviderKind.CLAUDE_CODE, "max one",
                "https://gw.example.com", 2));
        var state = f.get("/api/auth/flows/" + flowId);
        assertThat(state.status()).isEqualTo(200);
        assertThat(state.body()).isEqualTo("{\"flowId\":\"" + flowId + "\",\"provider\":\"claude-code\",\"status\":\"pending\"}");
    }

    @Test
    void completeAddsTheAccountAndAnswers201WithItsViewNeverItsTokens() throws Exception {
        String flowId = init("codex", "chatgpt");

        var r = f.post("/api/auth/codex/complete", "{\"flowId\":\"" + flowId + "\",\"code\":\"the-code#the-state\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode a = r.json();
        String id = a.path("id").asText();
        assertThat(a.path("name").asText()).isEqualTo("chatgpt");
        assertThat(a.path("provider").asText()).isEqualTo("codex");
        assertThat(a.path("hasCredentials").asBoolean()).isTrue();
        assertThat(a.path("tokenExpiresAt").asText()).isEqualTo("2026-03-01T13:00:00Z");
        assertThat(r.header("location")).isEqualTo("/api/accounts/" + id);
        assertThat(r.body()).doesNotContain(FakeSignIn.ACCESS, FakeSignIn.REFRESH, "the-code");
        assertThat(signIn.pasted).containsExactly("the-code#the-state");
        assertThat(f.accounts.find("chatgpt")).isPresent();
        assertThat(f.get("/api/auth/flows/" + flowId).json().path("accountId").asText()).isEqualTo(id);
        assertThat(f.get("/api/auth/flows/" + flowId).json().path("status").asText()).isEqualTo("completed");
    }

    @Test
    void initValidatesTheProviderAndEveryField() throws Exception {
        String rule = "1-100 characters: letters, digits, space and _ - @ . +";
        assertError(f.post("/api/auth/anthropic/init", "{\"name\":\"a\"}"), 400, "provider: 'anthropic' uses an API key,"
                + " not an OAuth sign-in (add it with POST /api/accounts; OAuth providers: claude-code, codex)");
        assertError(f.post("/api/auth/openai/init", "{\"name\":\"a\"}"), 400, "provider: 'openai' uses an API key,"
                + " not an OAuth sign-in (add it with POST /api/accounts; OAuth providers: claude-code, codex)");
        assertError(f.post("/api/auth/gemini/init", "{\"name\":\"a\"}"), 400, "provider: 'gemini' (expected: claude-code or codex)");
        assertError(f.post("/api/auth/claude-code/init", "{}"), 400, "name: missing (expected: " + rule + ")");
        assertError(f.post("/api/auth/claude-code/init", "{\"name\":\"a/b\"}"), 400, "name: contains '/' (expected: " + rule + ")");
        assertError(f.post("/api/auth/claude-code/init", "{\"name\":\"a\",\"apiKey\":\"k\"}"), 400,
                "unknown field 'apiKey' (expected: name, baseUrl, priority)");
        assertError(f.post("/api/auth/claude-code/init", "{\"name\":\"a\",\"priority\":-1}"), 400,
                "priority: -1 (expected: an integer >= 0)");
        assertThat(f.post("/api/auth/claude-code/init", "{\"name\":\"a\",\"baseUrl\":\"ftp://x\"}").error())
                .startsWith("baseUrl: 'ftp://x' (expected: an absolute http(s) URL");
        assertThat(f.post("/api/auth/claude-code/init", "[1]").error()).isEqualTo("body: an array (expected: a JSON object)");
        assertThat(f.post("/api/auth/claude-code/init", "{\"name\":").status()).isEqualTo(400);
        assertThat(signIn.started).isEmpty();
    }

    @Test
    void aTakenNameIs409AtInit() throws Exception {
        f.post("/api/accounts", "{\"name\":\"taken\",\"provider\":\"anthropic\",\"apiKey\":\"sk-x\"}");
        assertError(f.post("/api/auth/claude-code/init", "{\"name\":\"taken\"}"), 409, "account name 'taken' is already taken");
    }

    @Test
    void completeValidatesItsBodyAndTheProviderOfTheFlow() throws Exception {
        String flowId = init("codex", "chatgpt");
        assertError(f.post("/api/auth/codex/complete", "{\"code\":\"c#s\"}"), 400,
                "flowId: missing (expected: the flowId answered by POST /api/auth/codex/init)");
        assertError(f.post("/api/auth/codex/complete", "{\"flowId\":\"" + flowId + "\"}"), 400,
                "code: missing (expected: the address the browser was sent to after signing in, or CODE#STATE)");
        assertError(f.post("/api/auth/claude-code/complete", "{\"flowId\":\"" + flowId + "\",\"code\":\" \"}"), 400,
                "code: missing (expected: the CODE#STATE shown after signing in)");
        assertError(f.post("/api/auth/codex/complete", "{\"flowId\":\"" + flowId + "\",\"code\":[\"secret\"]}"), 400,
                "code: an array (expected: a string)");
        assertError(f.post("/api/auth/claude-code/complete", "{\"flowId\":\"" + flowId + "\",\"code\":\"c#s\"}"), 400,
                "flowId: the sign-in '" + flowId + "' is for codex, not claude-code (expected: POST /api/auth/codex/complete)");
        assertError(f.post("/api/auth/codex/complete", "{\"flowId\":\"" + flowId + "\",\"code\":\"c#s\",\"x\":1}"), 400,
                "unknown field 'x' (expected: flowId, code)");
        assertError(f.post("/api/auth/anthropic/complete", "{\"flowId\":\"" + flowId + "\",\"code\":\"c#s\"}"), 400,
                "provider: 'anthropic' uses an API key, not an OAuth sign-in (add it with POST /api/accounts; OAuth providers: claude-code, codex)");
        assertThat(signIn.pasted).isEmpty();
    }

    @Test
    void eachSignInFailureGetsItsStatusAndTheReason() throws Exception {
        String flowId = init("claude-code", "max");
        String body = "{\"flowId\":\"" + flowId + "\",\"code\":\"c#s\"}";
        record Case(Reason reason, String message, int status) {}
        for (Case c : List.of(
                new Case(Reason.STATE_MISMATCH, "state does not match this sign-in; start again", 400),
                new Case(Reason.EXPIRED, "this sign-in expired (a sign-in lasts 10 minutes); start again", 400),
                new Case(Reason.REFUSED, "the provider refused the sign-in: Invalid authorization code", 400),
                new Case(Reason.INVALID_INPUT, "code: empty", 400),
                new Case(Reason.DUPLICATE_NAME, "account name 'max' is already taken; start again with another name", 409),
                new Case(Reason.UNREACHABLE, "could not finish the sign-in: token endpoint x unreachable", 502))) {
            signIn.failNextComplete(c.reason(), c.message());
            assertError(f.post("/api/auth/claude-code/complete", body), c.status(), c.message());
        }
        assertThat(f.post("/api/auth/claude-code/complete", body).status()).isEqualTo(201);
        assertError(f.post("/api/auth/claude-code/complete", body), 400, "this sign-in already completed");
    }

    @Test
    void reauthenticateSignsAnExistingAccountInAgainKeepingItsIdAndClearingNeedsReauth() throws Exception {
        String flowId = init("claude-code", "max");
        String id = f.post("/api/auth/claude-code/complete", "{\"flowId\":\"" + flowId + "\",\"code\":\"c#s\"}").json()
                .path("id").asText();
        f.accounts.changeState(id, a -> a.withNeedsReauth(true));
        assertThat(f.get("/api/accounts/max").json().path("needsReauth").asBoolean()).isTrue();

        var start = f.post("/api/accounts/max/reauthenticate", null);
        assertThat(start.status()).as(start.body()).isEqualTo(201);
        String again = start.json().path("flowId").asText();
        assertThat(start.json().path("provider").asText()).isEqualTo("claude-code");
        assertThat(start.header("location")).isEqualTo("/api/auth/flows/" + again);
        assertThat(signIn.started.getLast()).isEqualTo(new FakeSignIn.Begun(ProviderKind.CLAUDE_CODE, "max", "", 0, id));

        var done = f.post("/api/auth/claude-code/complete", "{\"flowId\":\"" + again + "\",\"code\":\"c2#s2\"}");
        assertThat(done.status()).as("a sign-in again changes, not creates: " + done.body()).isEqualTo(200);
        assertThat(done.json().path("id").asText()).isEqualTo(id);
        assertThat(done.json().path("needsReauth").asBoolean()).isFalse();
        assertThat(done.body()).doesNotContain(FakeSignIn.RENEWED);
        assertThat(f.accounts.accounts()).hasSize(1);
        assertThat(f.accounts.credentials(id).orElseThrow()).isInstanceOfSatisfying(ccflare.core.Credentials.OAuthTokens.class,
                t -> assertThat(t.accessToken()).isEqualTo(FakeSignIn.RENEWED));

        f.post("/api/accounts", "{\"name\":\"keyed\",\"provider\":\"anthropic\",\"apiKey\":\"sk-x\"}");
        assertError(f.post("/api/accounts/keyed/reauthenticate", "{}"), 400,
                "account 'keyed' uses an API key (anthropic), not a sign-in; there is nothing to renew");
        assertError(f.post("/api/accounts/ghost/reauthenticate", null), 404,
                "account 'ghost' not found (expected: an account id or name)");
    }

    @Test
    void anUnknownFlowIs404() throws Exception {
        assertError(f.post("/api/auth/claude-code/complete", "{\"flowId\":\"nope\",\"code\":\"c#s\"}"), 404,
                "no sign-in with id 'nope'");
        assertError(f.get("/api/auth/flows/nope"), 404, "no sign-in with id 'nope'");
    }

    @Test
    void initAndCompleteArePostOnly() throws Exception {
        var r = f.get("/api/auth/claude-code/init");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("allow")).isEqualTo("POST");
    }

    @Test
    void withoutOAuthConfiguredEveryAuthEndpointIs503() throws Exception {
        try (ApiFixture plain = new ApiFixture(java.nio.file.Files.createDirectory(dir.resolve("plain")))) {
            // the 6-argument ApiContext: no sign-in behind /api/auth/**
            assertError(plain.post("/api/auth/claude-code/init", "{\"name\":\"a\"}"), 503, "OAuth sign-in is not configured");
            assertError(plain.post("/api/auth/codex/complete", "{\"flowId\":\"f\",\"code\":\"c#s\"}"), 503,
                    "OAuth sign-in is not configured");
            assertError(plain.get("/api/auth/flows/f"), 503, "OAuth sign-in is not configured");
        }
    }
}

package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Account;
import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiAccountsTest extends AgainstApiFixture {

    private JsonNode add(String name) throws Exception {
        var r = f.post("/api/accounts", "{\"name\":\"" + name + "\",\"provider\":\"anthropic\",\"apiKey\":\"sk-test\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private void assertBadRequest(String method, String target, String body, String error) throws Exception {
        var r = f.call(method, target, body);
        assertThat(r.status()).as(body).isEqualTo(400);
        assertThat(r.error()).as(body).isEqualTo(error);
    }

    @Test
    void addingAnApiKeyAccountAnswers201WithTheAccountAndItsLocation() throws Exception {
        var r = f.post("/api/accounts", "{\"name\":\"  work key  \",\"provider\":\"openai\",\"apiKey\":\"sk-x\","
                + "\"baseUrl\":\"https://proxy.example.com/v1/\",\"priority\":3}");
        assertThat(r.status()).isEqualTo(201);
        JsonNode a = r.json();
        String id = a.path("id").asText();
        assertThat(java.util.UUID.fromString(id).toString()).isEqualTo(id);
        assertThat(r.header("location")).isEqualTo("/api/accounts/" + id);
        assertThat(a.path("name").asText()).isEqualTo("work key");
        assertThat(a.path("provider").asText()).isEqualTo("openai");
        assertThat(a.path("priority").asInt()).isEqualTo(3);
        assertThat(a.path("paused").asBoolean()).isFalse();
        assertThat(a.path("baseUrl").asText()).isEqualTo("https://proxy.example.com/v1");
        assertThat(a.path("created").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(a.has("lastUsed")).isTrue();
        assertThat(a.path("lastUsed").isNull()).isTrue();
        assertThat(a.path("sessionStart").isNull()).isTrue();
        assertThat(a.path("requestCount").asLong()).isZero();
        assertThat(a.path("rateLimitStatus").asText()).isEqualTo("OK");
        assertThat(a.path("rateLimitReset").isNull()).isTrue();
        assertThat(a.path("rateLimitRemaining").isNull()).isTrue();
        assertThat(a.path("hasCredentials").asBoolean()).isTrue();
        assertThat(a.path("needsReauth").asBoolean()).isFalse();
        assertThat(a.has("tokenExpiresAt")).isFalse();
        assertThat(a.has("usage5h")).isFalse();
        assertThat(f.accounts.credentials(id)).contains(new Credentials.ApiKey("sk-x"));
        assertThat(f.store.rows).containsKey(id);
    }

    @Test
    void listShowsAccountsInSelectionOrderWithoutBaseUrlWhenDefault() throws Exception {
        f.post("/api/accounts", "{\"name\":\"b\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"priority\":1}");
        f.clock.advance(Duration.ofSeconds(1));
        f.post("/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"priority\":1}");
        f.post("/api/accounts", "{\"name\":\"c\",\"provider\":\"anthropic\",\"apiKey\":\"k\"}");
        var r = f.get("/api/accounts");
        assertThat(r.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.json().forEach(a -> names.add(a.path("name").asText()));
        assertThat(names).containsExactly("c", "b", "a");
        r.json().forEach(a -> assertThat(a.has("baseUrl")).isFalse());
    }

    @Test
    void listShowsRateLimitsUsageSessionsAndOAuthExpiryNeverTheSecrets() throws Exception {
        long now = f.clock.millis();
        Account limited = f.accounts.add("id-1", "limited", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("sk-1"));
        f.accounts.changeState(limited.id(), a -> a.usedAt(now - 60_000, 18_000_000)
                .withRateLimit(new RateLimitState("", 0, -1, now + 41 * 60_000 + 1, -1, 0, -1, 0)));
        Account warned = f.accounts.add("id-2", "warned", ProviderKind.CLAUDE_CODE, 1, "",
                new Credentials.OAuthTokens("at-secret", "rt-secret", now + 3_600_000));
        f.accounts.changeState(warned.id(), a -> a.withNeedsReauth(true).withRateLimit(new RateLimitState(
                "allowed_warning", now + 10 * 60_000, 12, 0, 0.8, now + 2 * 3_600_000, 0.25, now + 86_400_000)));
        var r = f.get("/api/accounts");
        JsonNode l = r.json().get(0);
        assertThat(l.path("rateLimitStatus").asText()).isEqualTo("rate_limited (42m)");
        assertThat(l.path("lastUsed").asText()).isEqualTo("2026-03-01T11:59:00Z");
        assertThat(l.path("sessionStart").asText()).isEqualTo("2026-03-01T11:59:00Z");
        assertThat(l.path("sessionRequestCount").asLong()).isEqualTo(1);
        assertThat(l.path("requestCount").asLong()).isEqualTo(1);
        assertThat(l.path("totalRequests").asLong()).isEqualTo(1);
        JsonNode w = r.json().get(1);
        assertThat(w.path("provider").asText()).isEqualTo("claude-code");
        assertThat(w.path("rateLimitStatus").asText()).isEqualTo("allowed_warning (10m)");
        assertThat(w.path("rateLimitReset").asText()).isEqualTo("2026-03-01T12:10:00Z");
        assertThat(w.path("rateLimitRemaining").asLong()).isEqualTo(12);
        assertThat(w.path("usage5h").asDouble()).isEqualTo(0.8);
        assertThat(w.path("usage5hReset").asText()).isEqualTo("2026-03-01T14:00:00Z");
        assertThat(w.path("usage7d").asDouble()).isEqualTo(0.25);
        assertThat(w.path("usage7dReset").asText()).isEqualTo("2026-03-02T12:00:00Z");
        assertThat(w.path("needsReauth").asBoolean()).isTrue();
        assertThat(w.path("tokenExpiresAt").asText()).isEqualTo("2026-03-01T13:00:00Z");
        assertThat(r.body()).doesNotContain("sk-1", "at-secret", "rt-secret");
    }

    @Test
    void rateLimitStatusCountsDownWithTheClockAndReturnsToTheProviderStatus() {
        long now = 1_000_000;
        var rl = new RateLimitState("rate_limited", now + 90_000, 0, now + 90_000, -1, 0, -1, 0);
        assertThat(Views.rateLimitStatus(rl, now)).isEqualTo("rate_limited (2m)");
        assertThat(Views.rateLimitStatus(rl, now + 89_000)).isEqualTo("rate_limited (1m)");
        assertThat(Views.rateLimitStatus(rl, now + 90_000)).isEqualTo("rate_limited");
        assertThat(Views.rateLimitStatus(new RateLimitState("allowed", 0, -1, now + 1, -1, 0, -1, 0), now))
                .isEqualTo("rate_limited (1m)");
        assertThat(Views.rateLimitStatus(RateLimitState.NONE, now)).isEqualTo("OK");
    }

    @Test
    void getOneAccountByIdOrName() throws Exception {
        String id = add("solo").path("id").asText();
        assertThat(f.get("/api/accounts/" + id).json().path("name").asText()).isEqualTo("solo");
        assertThat(f.get("/api/accounts/solo").json().path("id").asText()).isEqualTo(id);
        var missing = f.get("/api/accounts/ghost");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("account 'ghost' not found (expected: an account id or name)");
    }

    @Test
    void addValidatesEveryFieldAndNamesIt() throws Exception {
        String rule = "1-100 characters: letters, digits, space and _ - @ . +";
        assertBadRequest("POST", "/api/accounts", "{\"provider\":\"anthropic\",\"apiKey\":\"k\"}",
                "name: missing (expected: " + rule + ")");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"   \",\"provider\":\"anthropic\",\"apiKey\":\"k\"}",
                "name: '' (expected: " + rule + ")");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"" + "n".repeat(101) + "\",\"provider\":\"anthropic\",\"apiKey\":\"k\"}",
                "name: 101 characters (expected: " + rule + ")");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\\r\\nX-Evil: 1\",\"provider\":\"anthropic\",\"apiKey\":\"k\"}",
                "name: contains U+000D (expected: " + rule + ")");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a/b\",\"provider\":\"anthropic\",\"apiKey\":\"k\"}",
                "name: contains '/' (expected: " + rule + ")");
        assertBadRequest("POST", "/api/accounts", "{\"name\":42,\"provider\":\"anthropic\",\"apiKey\":\"k\"}",
                "name: 42 (expected: a string)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"apiKey\":\"k\"}",
                "provider: missing (expected: anthropic or openai)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"gemini\",\"apiKey\":\"k\"}",
                "provider: 'gemini' (expected: anthropic or openai, or claude-code/codex through POST /api/auth/{provider}/init)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"claude-code\"}",
                "provider: 'claude-code' signs in with OAuth (use POST /api/auth/claude-code/init)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"codex\",\"apiKey\":\"k\"}",
                "provider: 'codex' signs in with OAuth (use POST /api/auth/codex/init)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\"}",
                "apiKey: missing (expected: the anthropic API key)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"  \"}",
                "apiKey: missing (expected: the anthropic API key)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":{\"v\":\"sk-hidden\"}}",
                "apiKey: an object (expected: a string)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"baseUrl\":\"ftp://x\"}",
                "baseUrl: 'ftp://x' (expected: an absolute http(s) URL such as https://api.example.com)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"baseUrl\":\"api.example.com\"}",
                "baseUrl: 'api.example.com' (expected: an absolute http(s) URL such as https://api.example.com)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"baseUrl\":\"https://u:p@h.example\"}",
                "baseUrl: user:password in the URL is refused (expected: the account's key carries the credential)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"baseUrl\":\"http://169.254.169.254/\"}",
                "baseUrl: host 169.254.169.254 is link-local or unspecified (expected: an LLM API endpoint)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"baseUrl\":\"https://h.example/?x=1\"}",
                "baseUrl: 'https://h.example/?x=1' has a query or fragment (expected: scheme, host, port and path only)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"priority\":-1}",
                "priority: -1 (expected: an integer >= 0)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"priority\":1.5}",
                "priority: 1.5 (expected: an integer >= 0)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"k\",\"priority\":\"2\"}",
                "priority: '2' (expected: an integer >= 0)");
        assertBadRequest("POST", "/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"accessToken\":\"t\"}",
                "unknown field 'accessToken' (expected: name, provider, apiKey, baseUrl, priority)");
        assertBadRequest("POST", "/api/accounts", "[1,2]", "body: an array (expected: a JSON object)");
        assertThat(f.accounts.size()).isZero();
    }

    @Test
    void malformedJsonIs400WithTheParsersMessage() throws Exception {
        var r = f.post("/api/accounts", "{\"name\": \"a\",");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).startsWith("malformed JSON: ").contains("line 1");
        var empty = f.call("POST", "/api/accounts", "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.error()).isEqualTo("malformed JSON: empty body (expected: a JSON document)");
    }

    @Test
    void aRepeatedKeyIs400AndChangesNothing() throws Exception {
        String id = add("twice").path("id").asText();
        var r = f.patch("/api/accounts/" + id, "{\"priority\":5,\"priority\":7}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).startsWith("malformed JSON: Duplicate field 'priority'").contains("line 1");
        assertThat(f.accounts.byId(id).orElseThrow().priority()).isZero();
        var added = f.post("/api/accounts", "{\"name\":\"a\",\"provider\":\"anthropic\",\"apiKey\":\"sk-1\",\"apiKey\":\"sk-2\"}");
        assertThat(added.status()).isEqualTo(400);
        assertThat(f.accounts.find("a")).isEmpty();
    }

    @Test
    void addingATakenNameIs409() throws Exception {
        add("dup");
        var r = f.post("/api/accounts", "{\"name\":\"dup\",\"provider\":\"openai\",\"apiKey\":\"k2\"}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.error()).isEqualTo("account name 'dup' is already taken");
        assertThat(f.accounts.size()).isEqualTo(1);
    }

    @Test
    void deletingByIdOrNameRemovesTheAccountAndUnknownIs404() throws Exception {
        String id = add("one").path("id").asText();
        add("two");
        var r = f.delete("/api/accounts/" + id);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        assertThat(r.json().path("message").asText()).isEqualTo("Account 'one' removed");
        assertThat(f.delete("/api/accounts/two").status()).isEqualTo(200);
        assertThat(f.accounts.size()).isZero();
        assertThat(f.store.rows).isEmpty();
        var again = f.delete("/api/accounts/two");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.error()).isEqualTo("account 'two' not found (expected: an account id or name)");
    }

    @Test
    void pauseAndResumeAreIdempotentAndSaySoWhenNothingChanged() throws Exception {
        add("my acct");
        var p = f.post("/api/accounts/my%20acct/pause", null);
        assertThat(p.status()).isEqualTo(200);
        assertThat(p.json().path("message").asText()).isEqualTo("Account 'my acct' paused");
        assertThat(p.json().path("account").path("paused").asBoolean()).isTrue();
        var again = f.post("/api/accounts/my%20acct/pause", null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("message").asText()).isEqualTo("Account 'my acct' was already paused");
        assertThat(f.accounts.find("my acct").orElseThrow().paused()).isTrue();
        var resume = f.post("/api/accounts/my%20acct/resume", "{}");
        assertThat(resume.json().path("message").asText()).isEqualTo("Account 'my acct' resumed");
        assertThat(resume.json().path("account").path("paused").asBoolean()).isFalse();
        assertThat(f.post("/api/accounts/my%20acct/resume", null).json().path("message").asText())
                .isEqualTo("Account 'my acct' was already resumed");
        assertThat(f.post("/api/accounts/nobody/pause", null).status()).isEqualTo(404);
    }

    @Test
    void renameChangesTheNameAndRefusesATakenOne() throws Exception {
        String id = add("old").path("id").asText();
        add("taken");
        var r = f.post("/api/accounts/" + id + "/rename", "{\"name\":\" new@team.io \"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("message").asText()).isEqualTo("Account renamed from 'old' to 'new@team.io'");
        assertThat(r.json().path("account").path("name").asText()).isEqualTo("new@team.io");
        assertThat(f.store.rows.get(id).account().name()).isEqualTo("new@team.io");
        var clash = f.post("/api/accounts/" + id + "/rename", "{\"name\":\"taken\"}");
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.error()).isEqualTo("account name 'taken' is already taken");
        assertThat(f.post("/api/accounts/" + id + "/rename", "{\"name\":\"new@team.io\"}").json().path("message").asText())
                .isEqualTo("Account 'new@team.io' already has that name");
        assertBadRequest("POST", "/api/accounts/" + id + "/rename", "{}",
                "name: missing (expected: the new name, 1-100 characters: letters, digits, space and _ - @ . +)");
        assertThat(f.post("/api/accounts/ghost/rename", "{\"name\":\"x\"}").status()).isEqualTo(404);
    }

    @Test
    void priorityEndpointSetsThePriority() throws Exception {
        add("p");
        var r = f.post("/api/accounts/p/priority", "{\"priority\":7}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("message").asText()).isEqualTo("Account 'p' priority set to 7");
        assertThat(r.json().path("account").path("priority").asInt()).isEqualTo(7);
        assertBadRequest("POST", "/api/accounts/p/priority", "{}", "priority: missing (expected: an integer >= 0)");
        assertBadRequest("POST", "/api/accounts/p/priority", "{\"priority\":-3}", "priority: -3 (expected: an integer >= 0)");
        assertThat(f.accounts.find("p").orElseThrow().priority()).isEqualTo(7);
    }

    @Test
    void patchChangesSeveralSettingsAtOnceAndNullClearsTheBaseUrl() throws Exception {
        String id = add("patchme").path("id").asText();
        var r = f.patch("/api/accounts/" + id, "{\"baseUrl\":\"http://127.0.0.1:9999\",\"priority\":2,\"name\":\"patched\",\"paused\":true}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode a = r.json();
        assertThat(a.path("baseUrl").asText()).isEqualTo("http://127.0.0.1:9999");
        assertThat(a.path("priority").asInt()).isEqualTo(2);
        assertThat(a.path("name").asText()).isEqualTo("patched");
        assertThat(a.path("paused").asBoolean()).isTrue();
        var cleared = f.patch("/api/accounts/patched", "{\"baseUrl\":null}");
        assertThat(cleared.json().has("baseUrl")).isFalse();
        assertThat(f.accounts.byId(id).orElseThrow().baseUrl()).isEmpty();
    }

    @Test
    void patchWithABadFieldChangesNothing() throws Exception {
        String id = add("keep").path("id").asText();
        assertBadRequest("PATCH", "/api/accounts/" + id, "{\"priority\":5,\"baseUrl\":\"nope\"}",
                "baseUrl: 'nope' (expected: an absolute http(s) URL such as https://api.example.com)");
        assertBadRequest("PATCH", "/api/accounts/" + id, "{\"priority\":5,\"paused\":\"yes\"}",
                "paused: 'yes' (expected: true or false)");
        assertBadRequest("PATCH", "/api/accounts/" + id, "{\"apiKey\":\"sk-new\"}",
                "unknown field 'apiKey' (expected: baseUrl, priority, name, paused)");
        assertBadRequest("PATCH", "/api/accounts/" + id, "{}",
                "body: no fields (expected: one or more of baseUrl, priority, name, paused)");
        assertBadRequest("PATCH", "/api/accounts/" + id, "{\"name\":null}",
                "name: null (expected: 1-100 characters: letters, digits, space and _ - @ . +)");
        Account a = f.accounts.byId(id).orElseThrow();
        assertThat(a.priority()).isZero();
        assertThat(a.paused()).isFalse();
        add("other");
        var clash = f.patch("/api/accounts/" + id, "{\"name\":\"other\",\"priority\":9}");
        assertThat(clash.status()).isEqualTo(409);
        assertThat(f.accounts.byId(id).orElseThrow().priority()).isZero();
        assertThat(f.patch("/api/accounts/ghost", "{\"priority\":1}").status()).isEqualTo(404);
    }
}

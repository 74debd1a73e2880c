package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class NoSecretsTest {

    static final String CANARY = "sk-canary-XYZ";

    @TempDir Path dir;
    ApiFixture f;
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.classic.Level previousLevel;

    @BeforeEach void start() throws Exception {
        f = new ApiFixture(dir, FakeSignIn::new);
        logs.start();
        root.addAppender(logs);
        previousLevel = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG); // so the per-request debug lines are checked too
    }

    @AfterEach void stop() throws Exception {
        root.detachAppender(logs);
        root.setLevel(previousLevel);
        f.close();
    }

    @Test
    void noResponseOrLogLineEverCarriesAnAccountSecret() throws Exception {
        var added = f.post("/api/accounts", "{\"name\":\"canary\",\"provider\":\"anthropic\",\"apiKey\":\"" + CANARY + "\"}");
        assertThat(added.status()).isEqualTo(201);
        String id = added.json().path("id").asText();
        f.accounts.add("oauth-1", "oauth", ProviderKind.CLAUDE_CODE, 0, "",
                new Credentials.OAuthTokens("oauth-canary-AT", "oauth-canary-RT", ApiFixture.T0 + 60_000));

        // An OAuth sign-in whose account holds canary tokens (FakeSignIn's), and one left pending.
        String done = f.post("/api/auth/claude-code/init", "{\"name\":\"signed in\"}").json().path("flowId").asText();
        assertThat(f.post("/api/auth/claude-code/complete", "{\"flowId\":\"" + done + "\",\"code\":\"oauth-canary-code#s\"}")
                .status()).isEqualTo(201);
        String flowId = f.post("/api/auth/codex/init", "{\"name\":\"pending\"}").json().path("flowId").asText();

        // Every route, over both transports, with bodies that succeed and bodies that fail.
        // DELETE last, so every other route sees the canary account.
        List<String> walk = f.api.routes().stream().sorted(java.util.Comparator.comparing((String r) -> r.startsWith("DELETE"))).toList();
        for (String route : walk) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replace("{id}", id).replace("{provider}", "codex")
                    .replace("{flowId}", flowId);
            if (path.endsWith("/stream")) {
                // Event streams never end by themselves: take what they send first, then hang up.
                try (RawLive tcp = RawLive.get(f.port(), path, List.of("Host: " + f.host(), "Authorization: Bearer " + ApiFixture.TOKEN));
                     RawLive unix = RawLive.get(f.socket, path, List.of("Host: ccflare"))) {
                    f.bodies.add(tcp.event());
                    f.bodies.add(unix.event());
                }
                continue;
            }
            f.call(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}");
            f.unix(method, path, List.of("Host: ccflare"), null);
        }
        // Errors that involve the key: duplicate name, bad neighbour field, wrong type, unknown field on PATCH.
        f.post("/api/accounts", "{\"name\":\"canary\",\"provider\":\"anthropic\",\"apiKey\":\"" + CANARY + "\"}");
        assertThat(f.post("/api/accounts", "{\"name\":\"canary\",\"provider\":\"anthropic\",\"apiKey\":\"" + CANARY + "\"}")
                .status()).isEqualTo(409);
        f.post("/api/accounts", "{\"name\":\"c2\",\"provider\":\"anthropic\",\"apiKey\":\"" + CANARY + "\",\"baseUrl\":\"nope\"}");
        f.post("/api/accounts", "{\"name\":\"c3\",\"provider\":\"anthropic\",\"apiKey\":[\"" + CANARY + "\"]}");
        f.post("/api/accounts", "{\"name\":\"c4\",\"provider\":\"claude-code\",\"apiKey\":\"" + CANARY + "\"}");
        f.patch("/api/accounts/oauth", "{\"apiKey\":\"" + CANARY + "\"}");
        f.get("/api/accounts");
        f.get("/api/accounts/oauth");
        f.get("/api/accounts/signed%20in");
        f.post("/api/auth/codex/complete", "{\"flowId\":\"" + done + "\",\"code\":\"oauth-canary-code#s\"}");
        f.post("/api/auth/codex/complete", "{\"flowId\":\"" + flowId + "\",\"code\":[\"oauth-canary-code\"]}");
        f.get("/health");

        assertThat(f.bodies).isNotEmpty();
        assertThat(f.bodies).noneMatch(b -> b.contains("canary-XYZ") || b.contains("oauth-canary"));
        // the appender adds under its own lock while threads of the fixture may still log
        java.util.List<ILoggingEvent> logged;
        synchronized (logs) { logged = new java.util.ArrayList<>(logs.list); }
        assertThat(logged).noneMatch(e -> e.getFormattedMessage().contains("canary-XYZ")
                || e.getFormattedMessage().contains("oauth-canary"));
        assertThat(new ccflare.protocol.NewAccount("n", "anthropic", CANARY, null, null).toString()).doesNotContain(CANARY);
    }
}

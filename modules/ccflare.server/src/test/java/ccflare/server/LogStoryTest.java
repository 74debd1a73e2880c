package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import ccflare.testing.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code journalctl -u ccflare -f} and {@code ccflarectl logs -f} tell after a scripted day
 * (issue 18 item 2), read back from {@code /api/logs/history}: accounts added and paused, a rate
 * limit with its end, a failover from one account to the other, an overloaded account backing
 * off, and the refusal when every account is limited — each one line, with the request id where
 * there is one, and never a key.
 */
class LogStoryTest {

    private static final String TOKEN = "log-story-admin-token-0123";
    private static final String[] AUTH = {"authorization", "Bearer " + TOKEN};
    private static final String KEY_WORK = "sk-ant-story-work-5d1e";
    private static final String KEY_SPARE = "sk-ant-story-spare-88b0";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.stop();
    }

    private TestHttp.Reply proxy() {
        return TestHttp.postJson(daemon.uri().resolve("/v1/messages"), BODY, "x-api-key", "sk-client", "anthropic-version", "2023-06-01");
    }

    private List<String> logLines() throws Exception {
        TestHttp.Reply r = TestHttp.get(daemon.uri().resolve("/api/logs/history?limit=1000"), AUTH);
        assertThat(r.status()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        for (JsonNode n : JSON.readTree(r.body())) lines.add(n.path("level").asText() + " " + n.path("msg").asText());
        return lines;
    }

    @Test
    void theLogTellsWhatHappenedToTheAccountsAndTheRequests() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            daemon = TestDaemons.start(home, TOKEN, Map.of());
            for (String[] a : new String[][] {{"work", KEY_WORK, "0"}, {"spare", KEY_SPARE, "1"}}) {
                TestHttp.Reply added = TestHttp.postJson(daemon.uri().resolve("/api/accounts"), "{\"name\":\"" + a[0]
                        + "\",\"provider\":\"anthropic\",\"apiKey\":\"" + a[1] + "\",\"baseUrl\":\"" + upstream.baseUri()
                        + "\",\"priority\":" + a[2] + "}", AUTH);
                assertThat(added.status()).as(added.body()).isEqualTo(201);
            }

            upstream.behave(KEY_WORK, Behaviour.rateLimited429(30, 0));
            assertThat(proxy().status()).as("served by spare after work's 429").isEqualTo(200);
            upstream.behave(KEY_SPARE, Behaviour.overloaded529());
            assertThat(proxy().status()).as("work is limited, spare overloaded: the provider's own 529").isEqualTo(529);
            upstream.behave(KEY_SPARE, Behaviour.rateLimited429(60, 0));
            assertThat(proxy().status()).isEqualTo(429);
            TestHttp.Reply refused = proxy();
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.body()).contains("all 2 accounts are rate limited");
            assertThat(TestHttp.postJson(daemon.uri().resolve("/api/accounts/spare/pause"), "{}", AUTH).status()).isEqualTo(200);

            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                lines = logLines();
                if (lines.stream().anyMatch(l -> l.contains("account 'spare' paused"))) break;
                Thread.sleep(50);
            }
            assertThat(lines).anyMatch(l -> l.equals("INFO account 'work' added (anthropic, priority 0, base URL " + upstream.baseUri() + ")"));
            assertThat(lines).anyMatch(l -> l.startsWith("WARN ") && l.contains("account 'work' rate limited until ")
                    && l.contains("(status 429, the provider's reset)"));
            assertThat(lines).anyMatch(l -> l.startsWith("INFO ") && l.contains("failover from 'work' to 'spare': work: 429 rate limited"));
            assertThat(lines).anyMatch(l -> l.startsWith("WARN ") && l.contains("account 'spare' is tried after the others for 30 s after 529"));
            assertThat(lines).anyMatch(l -> l.startsWith("WARN ") && l.contains("refused: all 2 accounts are rate limited; earliest reset in"));
            assertThat(lines).anyMatch(l -> l.equals("INFO account 'spare' paused"));
            // the proxy's lines start with the request id, which is the record's id
            String failover = lines.stream().filter(l -> l.contains("failover from")).findFirst().orElseThrow();
            String id = failover.substring("INFO ".length(), failover.indexOf(' ', "INFO ".length()));
            assertThat(TestHttp.get(daemon.uri().resolve("/api/requests/" + id), AUTH).status()).as("the id in the line: " + id).isEqualTo(200);
            assertThat(String.join("\n", lines)).doesNotContain(KEY_WORK, KEY_SPARE);
        }
    }
}

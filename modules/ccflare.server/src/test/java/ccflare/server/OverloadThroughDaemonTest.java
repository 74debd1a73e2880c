package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import ccflare.testing.TestHttp;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Overload through the whole daemon (issue 16 item 2): when every account answers 529, the client
 * gets the provider's own 529 {@code overloaded_error} with its body — which SDKs retry and show
 * as overload — not a 429 made up here; and the overload does not refuse the next request
 * without trying an account.
 */
class OverloadThroughDaemonTest {

    private static final String TOKEN = "overload-admin-token-0123";
    private static final String[] AUTH = {"authorization", "Bearer " + TOKEN};
    private static final String KEY_A = "sk-ant-overload-a-11aa";
    private static final String KEY_B = "sk-ant-overload-b-22bb";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir Path home;
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.stop();
    }

    private TestHttp.Reply proxy() {
        return TestHttp.postJson(daemon.uri().resolve("/v1/messages"), BODY, "x-api-key", "sk-client", "anthropic-version", "2023-06-01");
    }

    @Test
    void every529GivesTheClientTheUpstreams529AndTheNextRequestStillTriesAnAccount() {
        try (FakeUpstream upstream = FakeUpstream.start()) {
            daemon = TestDaemons.start(home, TOKEN, Map.of("RETRY_ATTEMPTS", "1"));
            for (String[] a : new String[][] {{"a", KEY_A, "0"}, {"b", KEY_B, "1"}}) {
                TestHttp.Reply added = TestHttp.postJson(daemon.uri().resolve("/api/accounts"), "{\"name\":\"" + a[0]
                        + "\",\"provider\":\"anthropic\",\"apiKey\":\"" + a[1] + "\",\"baseUrl\":\"" + upstream.baseUri()
                        + "\",\"priority\":" + a[2] + "}", AUTH);
                assertThat(added.status()).as(added.body()).isEqualTo(201);
            }
            upstream.behave(KEY_A, Behaviour.overloaded529());
            upstream.behave(KEY_B, Behaviour.overloaded529());

            TestHttp.Reply overloaded = proxy();
            assertThat(overloaded.status()).as("the provider's own status, not our 429").isEqualTo(529);
            assertThat(overloaded.body()).contains("\"type\":\"error\"").contains("overloaded_error")
                    .doesNotContain("rate limited");
            assertThat(upstream.requestsWithCredential(KEY_A)).hasSize(1);
            assertThat(upstream.requestsWithCredential(KEY_B)).hasSize(1);

            // Both back off, neither is limited: the next request is tried, and gets the provider's answer again.
            TestHttp.Reply again = proxy();
            assertThat(again.status()).isEqualTo(529);
            assertThat(upstream.requestsWithCredential(KEY_A).size() + upstream.requestsWithCredential(KEY_B).size())
                    .as("the second request reached the upstream").isEqualTo(4);

            // Once the provider recovers, the next request is served at once, though both still back off.
            upstream.behave(KEY_A, Behaviour.ok());
            upstream.behave(KEY_B, Behaviour.ok());
            assertThat(proxy().status()).isEqualTo(200);
        }
    }
}

package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.FakeUpstream;
import ccflare.testing.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The translating routes through the daemon as {@code ccflare} launches it: the model lists and the record of a translation. */
class TranslatingThroughDaemonTest {

    private static final String TOKEN = "translating-admin-token-0123";
    private static final String[] AUTH = {"authorization", "Bearer " + TOKEN};
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;
    private final FakeUpstream upstream = FakeUpstream.start();
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.stop();
        upstream.close();
    }

    private URI uri(String path) { return daemon.uri().resolve(path); }

    private void addAccount(String name, String provider, String baseUrl) {
        TestHttp.Reply added = TestHttp.postJson(uri("/api/accounts"), "{\"name\":\"" + name + "\",\"provider\":\"" + provider
                + "\",\"apiKey\":\"sk-" + name + "-0123456789\",\"baseUrl\":\"" + baseUrl + "\"}", AUTH);
        assertThat(added.status()).as(added.body()).isEqualTo(201);
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        for (JsonNode m : list.path("data")) ids.add(m.path("id").asText());
        return ids;
    }

    @Test
    void theModelListsNameWhatTheConfiguredAccountsServeInEachClientsFormat() throws Exception {
        daemon = TestDaemons.start(home, TOKEN, Map.of());

        JsonNode none = JSON.readTree(TestHttp.get(uri("/v1/ccflare/openai/models")).body());
        assertThat(none.path("object").asText()).isEqualTo("list");
        assertThat(none.path("data").isEmpty()).isTrue();

        addAccount("work", "anthropic", upstream.baseUri().toString());

        TestHttp.Reply anthropic = TestHttp.get(uri("/v1/ccflare/anthropic/models"));
        assertThat(anthropic.status()).as(anthropic.body()).isEqualTo(200);
        JsonNode list = JSON.readTree(anthropic.body());
        assertThat(ids(list)).contains("anthropic/claude-sonnet-4-5-20250929", "anthropic/claude-haiku-4-5")
                .allMatch(id -> id.startsWith("anthropic/"));
        JsonNode first = list.path("data").path(0);
        assertThat(first.path("type").asText()).isEqualTo("model");
        assertThat(first.path("display_name").asText()).startsWith("Claude ");
        assertThat(first.path("created_at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T00:00:00Z");
        assertThat(list.path("has_more").asBoolean(true)).isFalse();
        assertThat(list.path("first_id").asText()).isEqualTo(first.path("id").asText());
        // Where an Anthropic SDK with base URL …/v1/ccflare/anthropic asks: the same list.
        assertThat(JSON.readTree(TestHttp.get(uri("/v1/ccflare/anthropic/v1/models")).body())).isEqualTo(list);

        addAccount("openai-key", "openai", upstream.baseUri() + "/v1");

        JsonNode openai = JSON.readTree(TestHttp.get(uri("/v1/ccflare/openai/models")).body());
        assertThat(ids(openai)).contains("openai/gpt-5-codex", "anthropic/claude-sonnet-4-5");
        JsonNode codex = openai.path("data").findParents("id").stream()
                .filter(m -> m.path("id").asText().equals("openai/gpt-5-codex")).findFirst().orElseThrow();
        assertThat(codex.path("object").asText()).isEqualTo("model");
        assertThat(codex.path("owned_by").asText()).isEqualTo("openai");
        assertThat(codex.path("created").asLong()).isPositive();
        // The list is the daemon's own: nothing reached an upstream.
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void theRequestListAndDetailSayWhichTranslationRanAndNullForAPassThrough() throws Exception {
        daemon = TestDaemons.start(home, TOKEN, Map.of());
        addAccount("work", "anthropic", upstream.baseUri().toString());

        TestHttp.Reply plain = TestHttp.postJson(uri("/v1/messages"),
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(plain.status()).as(plain.body()).isEqualTo(200);
        TestHttp.Reply chat = TestHttp.postJson(uri("/v1/ccflare/openai/chat/completions"),
                "{\"model\":\"anthropic/claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);
        assertThat(JSON.readTree(chat.body()).path("object").asText()).isEqualTo("chat.completion");

        JsonNode rows = null;
        for (int i = 0; i < 100; i++) {
            rows = JSON.readTree(TestHttp.get(uri("/api/requests?limit=10"), AUTH).body());
            if (rows.size() >= 2) break;
            Thread.sleep(50);
        }
        assertThat(rows.size()).isEqualTo(2);
        JsonNode translated = rows.get(0);
        assertThat(translated.path("path").asText()).isEqualTo("/v1/ccflare/openai/chat/completions");
        assertThat(translated.path("translation").asText()).isEqualTo("openai-chat→anthropic-messages");
        assertThat(rows.get(1).has("translation")).as("present, and null, on a pass-through").isTrue();
        assertThat(rows.get(1).get("translation").isNull()).isTrue();

        TestHttp.Reply detail = TestHttp.get(uri("/api/requests/" + translated.path("id").asText()), AUTH);
        assertThat(detail.status()).as(detail.body()).isEqualTo(200);
        assertThat(JSON.readTree(detail.body()).path("translation").asText()).isEqualTo("openai-chat→anthropic-messages");
    }
}

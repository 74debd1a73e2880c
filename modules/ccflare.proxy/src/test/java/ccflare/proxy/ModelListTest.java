package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.providers.ApiFamily;
import ccflare.providers.KnownModel;
import ccflare.providers.translate.Dialect;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The model list of the translating routes: the families with accounts, prefixed ids, each client's list format. */
class ModelListTest {
    static final List<KnownModel> MODELS = List.of(
            new KnownModel("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", ApiFamily.ANTHROPIC, LocalDate.of(2025, 9, 29)),
            new KnownModel("claude-haiku-4-5", null, ApiFamily.ANTHROPIC, null),
            new KnownModel("gpt-5-codex", "GPT-5-Codex", ApiFamily.OPENAI, LocalDate.of(2025, 9, 15)));

    @Test void anthropicListNamesEachModelOfTheFamiliesWithAccountsWithItsPrefix() {
        JsonNode list = ModelList.of(Dialect.MESSAGES, EnumSet.allOf(ApiFamily.class), MODELS);

        assertThat(list.has("object")).isFalse();
        assertThat(list.path("data").size()).isEqualTo(3);
        JsonNode sonnet = list.path("data").path(0);
        assertThat(sonnet.path("type").asText()).isEqualTo("model");
        assertThat(sonnet.path("id").asText()).isEqualTo("anthropic/claude-sonnet-4-5-20250929");
        assertThat(sonnet.path("display_name").asText()).isEqualTo("Claude Sonnet 4.5");
        assertThat(sonnet.path("created_at").asText()).isEqualTo("2025-09-29T00:00:00Z");
        // No name in the table: the id stands in; no date: the epoch.
        assertThat(list.path("data").path(1).path("display_name").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(list.path("data").path(1).path("created_at").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(list.path("data").path(2).path("id").asText()).isEqualTo("openai/gpt-5-codex");
        assertThat(list.path("has_more").asBoolean(true)).isFalse();
        assertThat(list.path("first_id").asText()).isEqualTo("anthropic/claude-sonnet-4-5-20250929");
        assertThat(list.path("last_id").asText()).isEqualTo("openai/gpt-5-codex");
    }

    @Test void openAiListHasOpenAisShapeAndOnlyTheFamiliesWithAccounts() {
        JsonNode list = ModelList.of(Dialect.CHAT, Set.of(ApiFamily.OPENAI), MODELS);

        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data").size()).isEqualTo(1);
        JsonNode codex = list.path("data").path(0);
        assertThat(codex.path("id").asText()).isEqualTo("openai/gpt-5-codex");
        assertThat(codex.path("object").asText()).isEqualTo("model");
        assertThat(codex.path("created").asLong()).isEqualTo(LocalDate.of(2025, 9, 15).toEpochDay() * 86_400);
        assertThat(codex.path("owned_by").asText()).isEqualTo("openai");
    }

    @Test void noAccountsListNothing() {
        JsonNode anthropic = ModelList.of(Dialect.MESSAGES, Set.of(), MODELS);
        assertThat(anthropic.path("data").isEmpty()).isTrue();
        assertThat(anthropic.path("first_id").isNull()).isTrue();
        assertThat(anthropic.path("last_id").isNull()).isTrue();
        assertThat(ModelList.of(Dialect.CHAT, Set.of(), MODELS).path("data").isEmpty()).isTrue();
    }
}

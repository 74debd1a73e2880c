package ccflare.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.core.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PricingTest {
    private static final Usage SAMPLE = new Usage(1000, 500, 2000, 100, 0);

    @TempDir Path dir;

    @Test
    void pricesSonnet4ExactlyFromTheBundledTable() {
        assertThat(Pricing.bundled().costUsd("claude-sonnet-4-20250514", SAMPLE)).isEqualTo(0.011475);
    }

    @Test
    void pricesEveryListedModel() {
        Pricing p = Pricing.bundled();
        for (String model : new String[] {"claude-opus-4-5-20251101", "claude-opus-4-1-20250805", "claude-opus-4-20250514",
                "claude-sonnet-4-5-20250929", "claude-sonnet-4-20250514", "claude-3-7-sonnet-20250219",
                "claude-haiku-4-5-20251001", "claude-3-5-haiku-20241022", "gpt-5", "gpt-5-mini", "gpt-5-nano",
                "gpt-5-codex", "gpt-4.1", "gpt-4.1-mini", "gpt-4o", "gpt-4o-mini", "o3", "o4-mini"}) {
            assertThat(p.costUsd(model, new Usage(1_000_000, 0, 0, 0, 0))).as(model).isPositive();
        }
        assertThat(p.costUsd("claude-opus-4-5-20251101", new Usage(1_000_000, 1_000_000, 0, 0, 0))).isEqualTo(30.0);
        assertThat(p.costUsd("claude-haiku-4-5", new Usage(1_000_000, 1_000_000, 1_000_000, 1_000_000, 0))).isEqualTo(7.35);
    }

    @Test
    void stripsDateSuffixesPrefixesAndLatestToFindAModel() {
        Pricing p = Pricing.bundled();
        double sonnet45 = p.costUsd("claude-sonnet-4-5", SAMPLE);
        assertThat(sonnet45).isEqualTo(0.011475);
        assertThat(p.costUsd("claude-sonnet-4-5-20250929", SAMPLE)).isEqualTo(sonnet45);
        assertThat(p.costUsd("claude-sonnet-4-5-20991231", SAMPLE)).as("unknown snapshot date").isEqualTo(sonnet45);
        assertThat(p.costUsd("anthropic/claude-sonnet-4-5", SAMPLE)).isEqualTo(sonnet45);
        assertThat(p.costUsd("claude-sonnet-4-5@20250929", SAMPLE)).isEqualTo(sonnet45);
        assertThat(p.costUsd("Claude-Sonnet-4-5", SAMPLE)).isEqualTo(sonnet45);
        assertThat(p.costUsd("claude-sonnet-4", SAMPLE)).as("alias of claude-sonnet-4-20250514").isEqualTo(0.011475);
        assertThat(p.costUsd("claude-3-5-haiku-latest", SAMPLE))
                .isEqualTo(p.costUsd("claude-3-5-haiku-20241022", SAMPLE));
        assertThat(p.costUsd("gpt-4o-2024-08-06", new Usage(1_000_000, 0, 0, 0, 0))).isEqualTo(2.5);
        assertThat(p.costUsd("gpt-5-2025-08-07", new Usage(1_000_000, 0, 0, 0, 0))).isEqualTo(1.25);
    }

    @Test
    void listsTheBundledModelsByFamilyWithNamesAndReleaseDates() {
        var models = Pricing.bundled().models();
        assertThat(models).extracting(KnownModel::id).contains("claude-sonnet-4-5-20250929", "gpt-5-codex", "o3");
        KnownModel sonnet = models.stream().filter(m -> m.id().equals("claude-sonnet-4-5-20250929")).findFirst().orElseThrow();
        assertThat(sonnet.family()).isEqualTo(ApiFamily.ANTHROPIC);
        assertThat(sonnet.displayName()).isEqualTo("Claude Sonnet 4.5");
        assertThat(sonnet.releaseDate()).contains(java.time.LocalDate.of(2025, 9, 29));
        assertThat(models).filteredOn(m -> m.id().startsWith("claude-")).allMatch(m -> m.family() == ApiFamily.ANTHROPIC);
        assertThat(models).filteredOn(m -> !m.id().startsWith("claude-")).allMatch(m -> m.family() == ApiFamily.OPENAI);
        assertThat(models).allMatch(m -> m.releaseDate().isPresent());
    }

    @Test
    void anOverrideFileAddsItsFirstPartyModelsAndReplacesTheSameCanonicalIds() throws Exception {
        Path file = dir.resolve("models.json");
        Files.writeString(file, "{\"openai\":{\"models\":{\"gpt-6\":{\"name\":\"GPT-6\",\"release_date\":\"2026-10\","
                + "\"cost\":{\"input\":2,\"output\":20}},\"gpt-5\":{\"name\":\"GPT-5 (new)\",\"cost\":{\"input\":1,\"output\":8}}}},"
                + "\"openrouter\":{\"models\":{\"x/y\":{\"cost\":{\"input\":1,\"output\":1}}}}}");
        var models = Pricing.load(file).models();
        assertThat(models.getFirst().id()).isEqualTo("gpt-6");
        assertThat(models.getFirst().releaseDate()).contains(java.time.LocalDate.of(2026, 10, 1));
        assertThat(models).filteredOn(m -> m.id().equals("gpt-5")).extracting(KnownModel::displayName).containsExactly("GPT-5 (new)");
        assertThat(models).extracting(KnownModel::id).doesNotContain("x/y").contains("claude-sonnet-4-5");
    }

    @Test
    void aReleaseDateThatIsNotADateNamesTheEntry() throws Exception {
        Path file = dir.resolve("bad-date.json");
        Files.writeString(file, "{\"anthropic\":{\"models\":{\"claude-x\":{\"release_date\":\"soon\",\"cost\":{\"input\":1}}}}}");
        assertThatThrownBy(() -> Pricing.load(file)).isInstanceOf(ProviderException.class)
                .hasMessageContaining("\"anthropic\".models.\"claude-x\".release_date is \"soon\" (expected: a date like 2025-09-29)");
    }

    @Test
    void doesNotCountReasoningTokensTwice() {
        // 2000 fresh input, 8000 cached, 1000 output of which 500 reasoning.
        assertThat(Pricing.bundled().costUsd("gpt-5", new Usage(2000, 1000, 8000, 0, 500))).isEqualTo(0.0135);
    }

    @Test
    void appliesLongContextRatesAbove200kPromptTokens() {
        assertThat(Pricing.bundled().costUsd("claude-sonnet-4-5", new Usage(250_000, 1_000, 0, 0, 0)))
                .isEqualTo(250_000 * 6 / 1e6 + 1_000 * 22.5 / 1e6);
    }

    @Test
    void unknownModelCostsNothing() {
        assertThat(Pricing.bundled().costUsd("llama-3-70b", SAMPLE)).isZero();
        assertThat(Pricing.bundled().costUsd("", SAMPLE)).isZero();
        assertThat(Pricing.bundled().costUsd(null, SAMPLE)).isZero();
    }

    @Test
    void overrideEntriesReplaceBundledOnesAndAddNewModels() throws Exception {
        Path file = dir.resolve("models.dev.json");
        Files.writeString(file, """
                {"_source": "test",
                 "acme": {"models": {"acme-1": {"id": "acme-1", "cost": {"input": 10, "output": 20}},
                                     "no-price": {"id": "no-price", "name": "free text only"}}},
                 "anthropic": {"models": {"claude-sonnet-4-20250514": {"id": "claude-sonnet-4-20250514",
                      "cost": {"input": 1, "output": 2, "cache_read": 0.1, "cache_write": 1.25}}}}}
                """);
        Pricing p = Pricing.load(file);
        assertThat(p.costUsd("claude-sonnet-4-20250514", SAMPLE)).isEqualTo((1000 * 1 + 500 * 2 + 2000 * 0.1 + 100 * 1.25) / 1e6);
        assertThat(p.costUsd("claude-sonnet-4", SAMPLE)).isEqualTo(p.costUsd("claude-sonnet-4-20250514", SAMPLE));
        assertThat(p.costUsd("acme-1", new Usage(1_000_000, 1_000_000, 0, 0, 0))).isEqualTo(30.0);
        assertThat(p.costUsd("no-price", SAMPLE)).isZero();
        assertThat(p.costUsd("claude-opus-4-1", new Usage(1_000_000, 0, 0, 0, 0))).as("bundled entries stay").isEqualTo(15.0);
        assertThat(Pricing.bundled().costUsd("claude-sonnet-4-20250514", SAMPLE)).as("bundled table untouched").isEqualTo(0.011475);
    }

    @Test
    void prefersFirstPartyPricesOverResellersListingTheSameId() throws Exception {
        Path file = dir.resolve("models.dev.json");
        Files.writeString(file, """
                {"github-copilot": {"models": {"gpt-4.1": {"cost": {"input": 0, "output": 0}}}},
                 "openai": {"models": {"gpt-4.1": {"cost": {"input": 3, "output": 9}}}}}
                """);
        assertThat(Pricing.load(file).costUsd("gpt-4.1", new Usage(1_000_000, 0, 0, 0, 0))).isEqualTo(3.0);
    }

    @Test
    void aMissingRateCostsNothingForThatKindOnly() {
        // OpenAI lists no cache_write price.
        assertThat(Pricing.bundled().costUsd("gpt-4o", new Usage(1_000_000, 0, 0, 1_000_000, 0))).isEqualTo(2.5);
    }

    @Test
    void malformedOverrideFileIsAClearError() throws Exception {
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{\"openai\": {\"models\": {");
        assertThatThrownBy(() -> Pricing.load(notJson)).isInstanceOf(ProviderException.class)
                .hasMessageContaining(notJson.toString()).hasMessageContaining("not valid JSON").hasMessageContaining("line 1");

        Path badCost = dir.resolve("bad-cost.json");
        Files.writeString(badCost, "{\"openai\": {\"models\": {\"gpt-x\": {\"cost\": {\"input\": \"cheap\"}}}}}");
        assertThatThrownBy(() -> Pricing.load(badCost)).isInstanceOf(ProviderException.class)
                .hasMessageContaining(badCost.toString())
                .hasMessageContaining("\"openai\".models.\"gpt-x\".cost.input is \"cheap\" (expected: a number ≥ 0");

        Path negative = dir.resolve("negative.json");
        Files.writeString(negative, "{\"openai\": {\"models\": {\"gpt-x\": {\"cost\": {\"input\": -1}}}}}");
        assertThatThrownBy(() -> Pricing.load(negative)).hasMessageContaining("cost.input is -1");

        Path array = dir.resolve("array.json");
        Files.writeString(array, "[1,2]");
        assertThatThrownBy(() -> Pricing.load(array)).hasMessageContaining("expected: an object of providers");

        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "");
        assertThatThrownBy(() -> Pricing.load(empty)).isInstanceOf(ProviderException.class).hasMessageContaining(empty.toString());

        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> Pricing.load(missing)).isInstanceOf(ProviderException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("cannot be read");
    }
}

package ccflare.providers;

import ccflare.core.Usage;
import java.nio.file.Path;
import java.util.List;

/**
 * USD prices per million tokens by model id: a bundled table of current Claude and OpenAI models,
 * optionally overridden by a JSON file in the models.dev shape. Thread-safe, immutable.
 *
 * <p>A model is looked up by its exact id, then by its canonical id: lower case, without a
 * {@code provider/} prefix, an {@code @version} or {@code -latest} suffix, or a trailing date
 * ({@code claude-sonnet-4-5-20250929} → {@code claude-sonnet-4-5}, {@code gpt-4o-2024-08-06} →
 * {@code gpt-4o}).
 */
public interface Pricing {

    /**
     * The cost of a response in USD: Σ count × rate / 10⁶ over input, output, cache read and cache
     * write (creation). Reasoning tokens are not added: providers count them inside output. When the
     * prompt exceeds 200 k tokens and the model has long-context rates, those apply. 0 when the
     * model is unknown (a warning is logged once per model); a kind of token whose rate is missing
     * costs nothing.
     */
    double costUsd(String model, Usage usage);

    /**
     * The models of the first-party families this table lists (its {@code anthropic} and {@code
     * openai} entries, in table order, an override file's laid over the bundled ones); empty for a
     * table that lists none, such as a test's pricing function.
     */
    default List<KnownModel> models() {
        return List.of();
    }

    /** The bundled table, resource {@code ccflare/providers/pricing.json}. */
    static Pricing bundled() {
        return PriceTable.bundled();
    }

    /**
     * The bundled table with the entries of a models.dev-shaped file
     * ({@code {"<provider>":{"models":{"<id>":{"cost":{"input":…,"output":…,"cache_read":…,"cache_write":…}}}}}})
     * laid over it: an entry replaces the bundled entries of the same canonical id. Models without
     * {@code cost} are skipped, as are top-level keys that are not objects (such as {@code "_source"}).
     *
     * @throws ProviderException when the file cannot be read, is not JSON, or a cost is not a number ≥ 0;
     *         the message names the file and the problem
     */
    static Pricing load(Path modelsDevJsonOverride) {
        return PriceTable.withOverride(modelsDevJsonOverride);
    }
}

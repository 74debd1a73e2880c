package ccflare.providers;

import ccflare.core.Usage;

/**
 * USD prices per million tokens by model id: a bundled table of current Claude and OpenAI models,
 * optionally overridden by a JSON file in the models.dev shape. Thread-safe, immutable.
 */
public interface Pricing {

    /** The cost of a response in USD; 0 when the model is unknown. */
    double costUsd(String model, Usage usage);
}

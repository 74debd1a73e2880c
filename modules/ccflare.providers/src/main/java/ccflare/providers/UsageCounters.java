package ccflare.providers;

import ccflare.core.Usage;

/**
 * The raw usage counters a response reported, each overwritten by the latest event that carries
 * it, and turned into {@link Usage} by the rules of the provider's dialect.
 */
final class UsageCounters {
    private long input = -1;
    private long output = -1;
    private long cacheRead = -1;
    private long cacheCreation = -1;
    private long promptTokens = -1;
    private long completionTokens = -1;
    private long cachedTokens = -1;
    private long reasoningTokens = -1;
    private String model = "";

    /**
     * One counter of a {@code usage} object.
     *
     * @param details the sub-object ({@code prompt_tokens_details}, …) or null for a direct field
     */
    void put(String details, String field, long value) {
        if (details == null) {
            switch (field) {
                case "input_tokens" -> input = value;
                case "output_tokens" -> output = value;
                case "cache_read_input_tokens" -> cacheRead = value;
                case "cache_creation_input_tokens" -> cacheCreation = value;
                case "prompt_tokens" -> promptTokens = value;
                case "completion_tokens" -> completionTokens = value;
                default -> { /* total_tokens and others are derived or unused */ }
            }
            return;
        }
        switch (details) {
            case "prompt_tokens_details", "input_tokens_details" -> {
                if (field.equals("cached_tokens")) cachedTokens = value;
            }
            case "completion_tokens_details", "output_tokens_details" -> {
                if (field.equals("reasoning_tokens")) reasoningTokens = value;
            }
            default -> { /* e.g. Anthropic's cache_creation split by TTL: the total is already counted */ }
        }
    }

    void model(String model) { this.model = model; }

    String model() { return model; }

    /** Anthropic: input excludes cache reads and writes, which are reported separately. */
    Usage anthropic() {
        return new Usage(z(input), z(output), z(cacheRead), z(cacheCreation), 0);
    }

    /**
     * OpenAI (chat and Responses): the prompt count includes cached tokens, so they are moved from
     * input to cache read; reasoning tokens are part of the output count and reported on the side.
     */
    Usage openAi() {
        long prompt = promptTokens >= 0 ? promptTokens : z(input);
        long cached = Math.min(z(cachedTokens), prompt);
        long out = completionTokens >= 0 ? completionTokens : z(output);
        return new Usage(prompt - cached, out, cached, 0, z(reasoningTokens));
    }

    private static long z(long v) { return Math.max(v, 0); }
}

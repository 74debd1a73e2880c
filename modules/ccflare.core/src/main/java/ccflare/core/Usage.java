package ccflare.core;

/** Token counts of one response; zero where the provider reported nothing. */
public record Usage(long inputTokens, long outputTokens, long cacheReadInputTokens,
                    long cacheCreationInputTokens, long reasoningTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

    /** Prompt side as the original counts it: input plus cache read plus cache creation. */
    public long promptTokens() { return inputTokens + cacheReadInputTokens + cacheCreationInputTokens; }

    public long totalTokens() { return promptTokens() + outputTokens; }

    public boolean isEmpty() { return totalTokens() == 0 && reasoningTokens == 0; }
}

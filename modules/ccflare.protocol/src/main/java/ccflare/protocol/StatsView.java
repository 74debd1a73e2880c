package ccflare.protocol;

import java.util.List;

/**
 * {@code GET /api/stats}: totals over every recorded request.
 *
 * @param successRate        percent of requests that succeeded, rounded to an integer
 * @param activeAccounts     accounts that served at least one request since the last reset
 * @param avgResponseTime    milliseconds, rounded
 * @param totalTokens        input + output + cache read + cache creation
 * @param avgTokensPerSecond absent when no streamed request measured it
 * @param topModels          the five most used models
 * @param accounts           the ten accounts with the most requests; pass-through and deleted accounts are {@code no_account}
 * @param recentErrors       distinct error messages, newest first, at most ten
 */
public record StatsView(long totalRequests, int successRate, int activeAccounts, long avgResponseTime,
                        long totalTokens, double totalCostUsd, Double avgTokensPerSecond, TokenDetails tokenDetails,
                        List<ModelShare> topModels, List<AccountShare> accounts, List<String> recentErrors) {
    public StatsView {
        topModels = topModels == null ? List.of() : List.copyOf(topModels);
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
        recentErrors = recentErrors == null ? List.of() : List.copyOf(recentErrors);
    }

    public record TokenDetails(long inputTokens, long cacheReadInputTokens, long cacheCreationInputTokens,
                               long outputTokens, long reasoningTokens) {}

    /** @param percentage percent of the requests that named a model, two decimals */
    public record ModelShare(String model, long count, double percentage) {}

    /** @param successRate percent, rounded to an integer; @param costUsd of the recorded requests */
    public record AccountShare(String name, long requestCount, int successRate, long totalTokens, double costUsd) {}
}

package ccflare.protocol;

import java.util.List;

/**
 * {@code GET /api/analytics}: time-bucketed usage over a range. Rates are percentages 0..100;
 * times are milliseconds; {@code ts} is the bucket start, epoch ms.
 */
public record AnalyticsView(Meta meta, Totals totals, List<Point> timeSeries, TokenBreakdown tokenBreakdown,
                            List<ModelCount> modelDistribution, List<AccountPerformance> accountPerformance,
                            List<ModelCost> costByModel, List<ModelPerformance> modelPerformance) {
    public AnalyticsView {
        timeSeries = timeSeries == null ? List.of() : List.copyOf(timeSeries);
        modelDistribution = modelDistribution == null ? List.of() : List.copyOf(modelDistribution);
        accountPerformance = accountPerformance == null ? List.of() : List.copyOf(accountPerformance);
        costByModel = costByModel == null ? List.of() : List.copyOf(costByModel);
        modelPerformance = modelPerformance == null ? List.of() : List.copyOf(modelPerformance);
    }

    /** @param range {@code 1h|6h|24h|7d|30d}; @param bucket {@code 1m|5m|1h|1d}; @param cumulative running sums */
    public record Meta(String range, String bucket, boolean cumulative) {}

    /**
     * @param p50ResponseTime    median response time, ms (nearest rank); absent when no request measured one
     * @param p95ResponseTime    95th percentile, ms (nearest rank); absent likewise
     * @param avgTokensPerSecond absent when nothing measured it
     */
    public record Totals(long requests, int successRate, long activeAccounts, long avgResponseTime,
                         Long p50ResponseTime, Long p95ResponseTime, long totalTokens,
                         double totalCostUsd, Double avgTokensPerSecond) {}

    /**
     * One bucket (one bucket and model with {@code modelBreakdown=true}). In cumulative mode
     * {@code requests}, {@code tokens} and {@code costUsd} are running sums; rates never are.
     *
     * @param model only with {@code modelBreakdown=true}
     */
    public record Point(long ts, String model, long requests, long tokens, double costUsd, double successRate,
                        double errorRate, double cacheHitRate, long avgResponseTime, Double avgTokensPerSecond) {}

    public record TokenBreakdown(long inputTokens, long cacheReadInputTokens, long cacheCreationInputTokens,
                                 long outputTokens) {}

    public record ModelCount(String model, long count) {}

    /** @param name the account's name, its id when deleted, {@code no_account} for pass-through */
    public record AccountPerformance(String name, long requests, int successRate, long totalTokens, double costUsd) {}

    public record ModelCost(String model, double costUsd, long requests, long totalTokens) {}

    public record ModelPerformance(String model, long avgResponseTime, long p95ResponseTime, double errorRate,
                                   Double avgTokensPerSecond, Double minTokensPerSecond, Double maxTokensPerSecond) {}
}

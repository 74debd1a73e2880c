package ccflare.core;

import java.util.List;
import java.util.Optional;

/** Read side of the recorded requests, for the API. Blocking; never called from the proxy. */
public interface RequestQueries {

    /** The newest {@code limit} requests, newest first, without payloads. */
    List<RequestRecord> recent(int limit);

    /** One request with its payload, when it is still retained. */
    Optional<RequestRecord> find(String id);

    /** Aggregates over every recorded request. */
    Stats stats();

    /** Time-bucketed analytics. */
    Analytics analytics(AnalyticsQuery query);

    /** Deletes every request row and payload and zeroes the accounts' request counters. */
    void resetStats();

    /**
     * Deletes every request row and payload but keeps the accounts' request counters (unlike
     * {@link #resetStats()}); returns how many request rows were removed. Blocking.
     *
     * <p>The default throws {@link UnsupportedOperationException}: a store that can clear the
     * history overrides it (the SQLite store in {@code ccflare.db} does), and the API answers 501
     * for one that cannot.
     */
    default long clearHistory() {
        throw new UnsupportedOperationException("clearing the request history is not supported by this store");
    }

    /** Deletes rows older than the retention windows in small batches; returns what was removed. */
    Purge purge(long payloadCutoffMs, long requestCutoffMs);

    record Purge(long removedRequests, long removedPayloads) {}

    record ModelCount(String model, long count, double percentage) {}

    /** One account's share: {@code accountId} "" for pass-through; {@code name} "" when the account is gone. */
    record AccountStats(String accountId, String name, long requests, long successful, long totalTokens,
                        double costUsd) {}

    record Stats(long totalRequests, long successfulRequests, double avgResponseTimeMs, long totalTokens,
                 double totalCostUsd, double avgTokensPerSecond, Usage usage, List<ModelCount> topModels,
                 List<AccountStats> accounts, List<String> recentErrors) {}

    /**
     * @param rangeMs   how far back
     * @param bucketMs  bucket width
     * @param accountIds empty for all; the literal "" selects pass-through requests
     * @param models    empty for all
     * @param status    all | success | error
     */
    record AnalyticsQuery(long nowMs, long rangeMs, long bucketMs, List<String> accountIds, List<String> models,
                          String status, boolean modelBreakdown) {}

    record Bucket(long ts, String model, long requests, long tokens, double costUsd, long successful,
                  double avgResponseTimeMs, long cacheReadTokens, long promptTokens, double avgTokensPerSecond) {}

    record ModelPerformance(String model, long requests, double avgResponseTimeMs, double p95ResponseTimeMs,
                            long errors, double avgTokensPerSecond, double minTokensPerSecond,
                            double maxTokensPerSecond) {}

    record ModelCost(String model, double costUsd, long requests, long totalTokens) {}

    /**
     * @param p50ResponseTimeMs the median response time (nearest rank); null when no request in range measured one
     * @param p95ResponseTimeMs the 95th percentile (nearest rank); null likewise
     */
    record Analytics(long totalRequests, long successfulRequests, long activeAccounts, double avgResponseTimeMs,
                     Long p50ResponseTimeMs, Long p95ResponseTimeMs,
                     long totalTokens, double totalCostUsd, double avgTokensPerSecond, Usage usage,
                     List<Bucket> timeSeries, List<ModelCount> modelDistribution, List<AccountStats> accounts,
                     List<ModelCost> costByModel, List<ModelPerformance> modelPerformance) {}
}

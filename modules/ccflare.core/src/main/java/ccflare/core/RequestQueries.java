package ccflare.core;

import java.util.List;
import java.util.Optional;

/** Read side of the recorded requests, for the API. Blocking; never called from the proxy. */
public interface RequestQueries {

    /** The newest {@code limit} requests, newest first, without payloads. */
    default List<RequestRecord> recent(int limit) {
        return history(HistoryQuery.latest(limit));
    }

    /**
     * One page of the history, newest first, without payloads: the requests that match every
     * given filter and were recorded before the cursor request. An unknown cursor gives an empty page.
     */
    List<RequestRecord> history(HistoryQuery query);

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
    /**
     * @param limit       1 or more
     * @param beforeId    the cursor: only requests older than this one (by time, then by recording order); null: from the newest
     * @param accountId   only this account's requests, {@code ""} only pass-through ones; null: any
     * @param model       only models containing this text (case-insensitive); null: any
     * @param statusCode  only this client status; null: any
     * @param statusClass only statuses {@code statusClass}xx (1..5); null: any
     * @param outcome     only this outcome; null: any
     * @param sinceMs     only requests received at or after this epoch ms; null: any
     * @param clientKeyId only requests that presented this client key (by id), {@code ""} only those that presented none; null: any
     */
    record HistoryQuery(int limit, String beforeId, String accountId, String model, Integer statusCode,
                        Integer statusClass, Outcome outcome, Long sinceMs, String clientKeyId) {

        public HistoryQuery(int limit, String beforeId, String accountId, String model, Integer statusCode,
                            Integer statusClass, Outcome outcome, Long sinceMs) {
            this(limit, beforeId, accountId, model, statusCode, statusClass, outcome, sinceMs, null);
        }

        public HistoryQuery {
            if (limit < 1) throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
            if (statusClass != null && (statusClass < 1 || statusClass > 5)) {
                throw new IllegalArgumentException("statusClass: " + statusClass + " (expected: 1..5)");
            }
        }

        public static HistoryQuery latest(int limit) {
            return new HistoryQuery(limit, null, null, null, null, null, null, null);
        }
    }

    /** @param clientKeyIds empty for all; the literal "" selects requests that presented no client key */
    record AnalyticsQuery(long nowMs, long rangeMs, long bucketMs, List<String> accountIds, List<String> models,
                          String status, boolean modelBreakdown, List<String> clientKeyIds) {

        public AnalyticsQuery(long nowMs, long rangeMs, long bucketMs, List<String> accountIds, List<String> models,
                              String status, boolean modelBreakdown) {
            this(nowMs, rangeMs, bucketMs, accountIds, models, status, modelBreakdown, List.of());
        }

        public AnalyticsQuery {
            clientKeyIds = clientKeyIds == null ? List.of() : List.copyOf(clientKeyIds);
        }
    }

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

package ccflare.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One recorded request as {@code GET /api/requests} lists it. Optional numbers and strings are
 * absent when zero or unknown (as the original ccflare did), so a client must treat a missing
 * token count as 0. Durations are milliseconds.
 *
 * @param timestamp       when the request was received, ISO-8601
 * @param accountUsed     the account's name when it still exists, else its id, else null (pass-through)
 * @param accountId       the account's id; absent for pass-through
 * @param statusCode      the status the client received (499 when it went away)
 * @param success         2xx and the response reached the client whole
 * @param responseTimeMs  receipt to the end of the response
 * @param failoverAttempts how many times the request moved to another account
 * @param promptTokens    input + cache read + cache creation
 * @param completionTokens output tokens
 * @param tokensPerSecond output tokens per second of streaming
 * @param provider        the provider that served it
 * @param outcome         ok, upstream_error, rate_limited, proxy_error, client_cancelled, mid_stream_reset,
 *                        stream_idle_timeout or rejected
 * @param attempts        upstream attempts made
 * @param ttfbMs          receipt to the first byte written to the client
 * @param upstreamTtfbMs  receipt to the first upstream response byte
 * @param proxyOverheadMs time spent in the proxy before the first upstream attempt was sent
 * @param clientKeyId     the id of the client key the request presented; absent when none was required
 * @param translation     which translation a {@code /v1/ccflare/**} route ran, {@code <client grammar>→<upstream
 *                        grammar>} (e.g. {@code openai-chat→anthropic-messages}); always present, null when the
 *                        body passed untranslated
 */
public record RequestSummary(String id, String timestamp, String method, String path,
                             @JsonInclude(JsonInclude.Include.ALWAYS) String accountUsed, String accountId,
                             int statusCode, boolean success, String errorMessage, Long responseTimeMs,
                             int failoverAttempts, String model, Long promptTokens, Long completionTokens,
                             Long totalTokens, Long inputTokens, Long cacheReadInputTokens,
                             Long cacheCreationInputTokens, Long outputTokens, Long reasoningTokens,
                             Double costUsd, Double tokensPerSecond, String provider, String outcome, int attempts,
                             Long ttfbMs, Long upstreamTtfbMs, Long proxyOverheadMs, String userAgent,
                             String clientSessionId, String clientKeyId,
                             @JsonInclude(JsonInclude.Include.ALWAYS) String translation) {

    /** A summary of a request that ran no translation. */
    public RequestSummary(String id, String timestamp, String method, String path, String accountUsed, String accountId,
                          int statusCode, boolean success, String errorMessage, Long responseTimeMs,
                          int failoverAttempts, String model, Long promptTokens, Long completionTokens,
                          Long totalTokens, Long inputTokens, Long cacheReadInputTokens,
                          Long cacheCreationInputTokens, Long outputTokens, Long reasoningTokens,
                          Double costUsd, Double tokensPerSecond, String provider, String outcome, int attempts,
                          Long ttfbMs, Long upstreamTtfbMs, Long proxyOverheadMs, String userAgent,
                          String clientSessionId, String clientKeyId) {
        this(id, timestamp, method, path, accountUsed, accountId, statusCode, success, errorMessage, responseTimeMs,
                failoverAttempts, model, promptTokens, completionTokens, totalTokens, inputTokens, cacheReadInputTokens,
                cacheCreationInputTokens, outputTokens, reasoningTokens, costUsd, tokensPerSecond, provider, outcome,
                attempts, ttfbMs, upstreamTtfbMs, proxyOverheadMs, userAgent, clientSessionId, clientKeyId, null);
    }

    /** A summary of a request that presented no client key. */
    public RequestSummary(String id, String timestamp, String method, String path, String accountUsed, String accountId,
                          int statusCode, boolean success, String errorMessage, Long responseTimeMs,
                          int failoverAttempts, String model, Long promptTokens, Long completionTokens,
                          Long totalTokens, Long inputTokens, Long cacheReadInputTokens,
                          Long cacheCreationInputTokens, Long outputTokens, Long reasoningTokens,
                          Double costUsd, Double tokensPerSecond, String provider, String outcome, int attempts,
                          Long ttfbMs, Long upstreamTtfbMs, Long proxyOverheadMs, String userAgent,
                          String clientSessionId) {
        this(id, timestamp, method, path, accountUsed, accountId, statusCode, success, errorMessage, responseTimeMs,
                failoverAttempts, model, promptTokens, completionTokens, totalTokens, inputTokens, cacheReadInputTokens,
                cacheCreationInputTokens, outputTokens, reasoningTokens, costUsd, tokensPerSecond, provider, outcome,
                attempts, ttfbMs, upstreamTtfbMs, proxyOverheadMs, userAgent, clientSessionId, null, null);
    }

    public RequestSummary {
        requireNonNull(id, "id");
        requireNonNull(outcome, "outcome");
    }
}

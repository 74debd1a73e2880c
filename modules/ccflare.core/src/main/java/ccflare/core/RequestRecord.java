package ccflare.core;

import static java.util.Objects.requireNonNull;

/**
 * Everything recorded about one client request: exactly one of these per request served.
 * Times are epoch ms; durations are ms, negative when the moment never happened (for example no
 * upstream byte ever arrived).
 *
 * @param provider           the provider that served it, empty when none was reached
 * @param accountId          the account used, empty for pass-through
 * @param attempts           upstream attempts made (0 when none)
 * @param failovers          how many times the request moved to another account
 * @param upstreamFirstByteMs time from receipt to the first upstream response byte
 * @param clientFirstByteMs  time from receipt to the first byte written to the client
 * @param totalMs            time from receipt to the end of the response
 * @param proxyOverheadMs    time spent in the proxy itself before the first upstream attempt was sent
 * @param tokensPerSecond    output tokens per second of streaming, negative when not measured
 * @param payload            the captured bodies and headers, {@code null} when capture is off or shed
 * @param clientKeyId        the id of the client key the request presented, empty when none was required
 * @param translation        which translation a {@code /v1/ccflare/**} route ran, as {@code
 *                           <client grammar>→<upstream grammar>} (e.g. {@code openai-chat→anthropic-messages},
 *                           {@code anthropic-messages→codex-responses}); empty when the body passed untranslated
 */
public record RequestRecord(String id, long receivedAtMs, String method, String path, String provider,
                            String accountId, String model, int status, Outcome outcome, int attempts,
                            int failovers, long upstreamFirstByteMs, long clientFirstByteMs, long totalMs,
                            long proxyOverheadMs, Usage usage, double costUsd, double tokensPerSecond,
                            String userAgent, String clientSessionId, String errorMessage,
                            Payload payload, String clientKeyId, String translation) {

    /** A record of a request that ran no translation. */
    public RequestRecord(String id, long receivedAtMs, String method, String path, String provider,
                         String accountId, String model, int status, Outcome outcome, int attempts,
                         int failovers, long upstreamFirstByteMs, long clientFirstByteMs, long totalMs,
                         long proxyOverheadMs, Usage usage, double costUsd, double tokensPerSecond,
                         String userAgent, String clientSessionId, String errorMessage,
                         Payload payload, String clientKeyId) {
        this(id, receivedAtMs, method, path, provider, accountId, model, status, outcome, attempts, failovers,
                upstreamFirstByteMs, clientFirstByteMs, totalMs, proxyOverheadMs, usage, costUsd, tokensPerSecond,
                userAgent, clientSessionId, errorMessage, payload, clientKeyId, "");
    }

    /** A record of a request that presented no client key. */
    public RequestRecord(String id, long receivedAtMs, String method, String path, String provider,
                         String accountId, String model, int status, Outcome outcome, int attempts,
                         int failovers, long upstreamFirstByteMs, long clientFirstByteMs, long totalMs,
                         long proxyOverheadMs, Usage usage, double costUsd, double tokensPerSecond,
                         String userAgent, String clientSessionId, String errorMessage, Payload payload) {
        this(id, receivedAtMs, method, path, provider, accountId, model, status, outcome, attempts, failovers,
                upstreamFirstByteMs, clientFirstByteMs, totalMs, proxyOverheadMs, usage, costUsd, tokensPerSecond,
                userAgent, clientSessionId, errorMessage, payload, "", "");
    }

    public RequestRecord {
        requireNonNull(id, "id");
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(outcome, "outcome");
        provider = provider == null ? "" : provider;
        accountId = accountId == null ? "" : accountId;
        model = model == null ? "" : model;
        usage = usage == null ? Usage.NONE : usage;
        userAgent = userAgent == null ? "" : userAgent;
        clientSessionId = clientSessionId == null ? "" : clientSessionId;
        errorMessage = errorMessage == null ? "" : errorMessage;
        clientKeyId = clientKeyId == null ? "" : clientKeyId;
        translation = translation == null ? "" : translation;
    }

    /** This record without its payload (shed, or not for a live view); everything else kept. */
    public RequestRecord withoutPayload() {
        return new RequestRecord(id, receivedAtMs, method, path, provider, accountId, model, status, outcome, attempts,
                failovers, upstreamFirstByteMs, clientFirstByteMs, totalMs, proxyOverheadMs, usage, costUsd,
                tokensPerSecond, userAgent, clientSessionId, errorMessage, null, clientKeyId, translation);
    }

    public boolean success() { return status >= 200 && status < 300 && outcome == Outcome.OK; }

    /**
     * Captured request and response, credentials already redacted. Bodies are raw bytes, capped;
     * {@code truncated} says a cap cut them.
     */
    public record Payload(java.util.List<java.util.Map.Entry<String, String>> requestHeaders, byte[] requestBody,
                          java.util.List<java.util.Map.Entry<String, String>> responseHeaders, byte[] responseBody,
                          boolean streamed, boolean truncated) {
        public Payload {
            requestHeaders = java.util.List.copyOf(requestHeaders);
            responseHeaders = java.util.List.copyOf(responseHeaders);
            requestBody = requestBody == null ? new byte[0] : requestBody;
            responseBody = responseBody == null ? new byte[0] : responseBody;
        }
    }
}

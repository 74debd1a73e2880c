package ccflare.proxy;

import ccflare.core.Account;
import ccflare.core.Outcome;
import ccflare.core.ProviderKind;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import ccflare.providers.Pricing;
import ccflare.providers.UsageScanner;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * What an ended {@link Exchange} turns into: its {@link RequestRecord}, assembled from the
 * exchange's facts. Apart from the exchange, so {@link Exchange#finish} keeps only the lifecycle
 * (ended once, unwatched, appended to the log), and the choices of provider and error message are
 * tested without sockets. Plain parameters rather than a facts object: this runs once per request
 * on the hot path and allocates nothing beyond the record.
 */
final class ExchangeRecord {

    private ExchangeRecord() {}

    /**
     * The record; the caller holds the exchange's monitor, as {@code scanner} and {@code capture}
     * are the exchange's. Ends the scanner, so it is called once.
     *
     * @param message   the exchange's own message for this end, or null to use {@code lastError}
     * @param lastError what the last failed attempt said; "" when none failed
     */
    static RequestRecord assemble(String id, long receivedAtMs, long nowMs, String method, String path, Route route,
                                  ProviderKind servedKind, Account servedBy, String requestModel, UsageScanner scanner,
                                  int code, Outcome outcome, String message, String lastError, int attempts, int failovers,
                                  long upstreamFirstByteMs, long clientFirstByteMs, long proxyOverheadMs, Pricing pricing,
                                  HttpFields requestHeaders, PayloadCapture capture, boolean sse, String clientKeyId,
                                  String translation) {
        Usage usage = Usage.NONE;
        String model = requestModel;
        double tokensPerSecond = -1;
        if (scanner != null) {
            scanner.finish();
            usage = scanner.usage();
            if (!scanner.model().isEmpty()) model = scanner.model();
            tokensPerSecond = scanner.tokensPerSecond();
        }
        return new RequestRecord(id, receivedAtMs, method, path, provider(servedKind, servedBy, route),
                servedBy == null ? "" : servedBy.id(), model, code, outcome, attempts, failovers,
                upstreamFirstByteMs, clientFirstByteMs, nowMs - receivedAtMs, proxyOverheadMs, usage,
                usage.isEmpty() ? 0 : pricing.costUsd(model, usage), tokensPerSecond,
                requestHeaders.get(HttpHeader.USER_AGENT), requestHeaders.get("x-claude-code-session-id"),
                errorMessage(message, outcome, lastError), capture == null ? null : capture.toPayload(sse),
                clientKeyId, translation);
    }

    /**
     * The provider that served it (the adapter's kind once committed), else the account's, else the
     * route's primary kind; "" for a request that never matched a route.
     */
    static String provider(ProviderKind servedKind, Account servedBy, Route route) {
        return servedKind != null ? servedKind.id()
                : route instanceof Route.Match m ? (servedBy != null ? servedBy.provider().id() : m.primary().id()) : "";
    }

    /** The exchange's own message when it gave one; else none for a success, the last attempt's error for a failure. */
    static String errorMessage(String message, Outcome outcome, String lastError) {
        return message != null ? message : outcome == Outcome.OK ? "" : lastError;
    }
}

package ccflare.api;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.Credentials;
import ccflare.core.RateLimitState;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import ccflare.protocol.AccountView;
import ccflare.protocol.PayloadView;
import ccflare.protocol.RequestDetail;
import ccflare.protocol.RequestSummary;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Maps domain records to the wire DTOs of {@code ccflare.protocol}. Nothing secret crosses this line. */
final class Views {

    private Views() {}

    static String iso(long epochMs) { return Instant.ofEpochMilli(epochMs).toString(); }

    /** ISO-8601, or null for 0 ("never" / "unknown"). */
    static String isoOrNull(long epochMs) { return epochMs > 0 ? iso(epochMs) : null; }

    static AccountView account(Account a, Optional<Credentials> credentials, long nowMs) {
        RateLimitState rl = a.rateLimit();
        String tokenExpiresAt = null;
        if (credentials.orElse(null) instanceof Credentials.OAuthTokens t && a.provider().oauth()) {
            tokenExpiresAt = isoOrNull(t.expiresAtMs());
        }
        return new AccountView(a.id(), a.name(), a.provider().id(), a.priority(), a.paused(), a.baseUrl(),
                iso(a.createdAtMs()), isoOrNull(a.lastUsedMs()), a.requestCount(), a.totalRequests(),
                isoOrNull(a.sessionStartMs()), a.sessionRequestCount(), rateLimitStatus(rl, nowMs),
                isoOrNull(rl.resetAtMs()), rl.remaining() >= 0 ? rl.remaining() : null,
                fraction(rl.fiveHourUtilisation()), isoOrNull(rl.fiveHourResetAtMs()),
                fraction(rl.sevenDayUtilisation()), isoOrNull(rl.sevenDayResetAtMs()),
                a.needsReauth(), tokenExpiresAt, credentials.isPresent());
    }

    /**
     * The original's presentation (§2.6), with our own cool-down shown first: while the account is
     * cooling down, {@code rate_limited (Nm)} (or the provider's non-"allowed" status) with the
     * minutes left; else the provider's status with the minutes to its reset when that is ahead;
     * else {@code OK}. Minutes are rounded up.
     */
    static String rateLimitStatus(RateLimitState rl, long nowMs) {
        String status = rl.status();
        if (rl.limitedAt(nowMs)) {
            String name = status.isEmpty() || status.startsWith("allowed") ? "rate_limited" : status;
            return name + " (" + minutesUntil(rl.limitedUntilMs(), nowMs) + "m)";
        }
        if (!status.isEmpty()) {
            return rl.resetAtMs() > nowMs ? status + " (" + minutesUntil(rl.resetAtMs(), nowMs) + "m)" : status;
        }
        return "OK";
    }

    private static long minutesUntil(long thenMs, long nowMs) {
        return (thenMs - nowMs + 59_999) / 60_000;
    }

    private static Double fraction(double f) { return f >= 0 ? f : null; }

    /** The name of the account that served a request, else its id (deleted account), else null (pass-through). */
    static String accountUsed(String accountId, AccountRegistry accounts) {
        if (accountId.isEmpty()) return null;
        return accounts.byId(accountId).map(Account::name).orElse(accountId);
    }

    static RequestSummary summary(RequestRecord r, AccountRegistry accounts) {
        Usage u = r.usage();
        return new RequestSummary(r.id(), iso(r.receivedAtMs()), r.method(), r.path(),
                accountUsed(r.accountId(), accounts), emptyToNull(r.accountId()), r.status(), r.success(),
                emptyToNull(r.errorMessage()), nonNegative(r.totalMs()), r.failovers(), emptyToNull(r.model()),
                positive(u.promptTokens()), positive(u.outputTokens()), positive(u.totalTokens()),
                positive(u.inputTokens()), positive(u.cacheReadInputTokens()), positive(u.cacheCreationInputTokens()),
                positive(u.outputTokens()), positive(u.reasoningTokens()), r.costUsd() > 0 ? r.costUsd() : null,
                r.tokensPerSecond() > 0 ? r.tokensPerSecond() : null, emptyToNull(r.provider()),
                r.outcome().wireName(), r.attempts(), nonNegative(r.clientFirstByteMs()),
                nonNegative(r.upstreamFirstByteMs()), nonNegative(r.proxyOverheadMs()), emptyToNull(r.userAgent()),
                emptyToNull(r.clientSessionId()), emptyToNull(r.clientKeyId()), emptyToNull(r.translation()));
    }

    static RequestDetail detail(RequestRecord r, AccountRegistry accounts) {
        return new RequestDetail(summary(r, accounts), r.payload() == null ? null : payload(r.payload()));
    }

    static PayloadView payload(RequestRecord.Payload p) {
        return new PayloadView(part(p.requestHeaders(), p.requestBody(), p.truncated()),
                part(p.responseHeaders(), p.responseBody(), p.truncated()), p.streamed(), p.truncated());
    }

    private static PayloadView.Part part(List<Map.Entry<String, String>> headers, byte[] body, boolean truncated) {
        Map<String, String> joined = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers) {
            joined.merge(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
        }
        String text = utf8(body, truncated);
        return text != null ? new PayloadView.Part(joined, text, null)
                : new PayloadView.Part(joined, Base64.getEncoder().encodeToString(body), "base64");
    }

    /**
     * The bytes as text when they are valid UTF-8, else null. A body cut by the size cap may end
     * inside a multi-byte character; those last bytes are dropped rather than turning the whole
     * body into base64.
     */
    static String utf8(byte[] body, boolean truncated) {
        int maxTrim = truncated ? Math.min(3, body.length) : 0;
        for (int trim = 0; trim <= maxTrim; trim++) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(body, 0, body.length - trim)).toString();
            } catch (CharacterCodingException e) {
                // try once more without the last byte, only when the cap cut the body
            }
        }
        return null;
    }

    private static String emptyToNull(String s) { return s == null || s.isEmpty() ? null : s; }

    private static Long positive(long v) { return v > 0 ? v : null; }

    private static Long nonNegative(long v) { return v >= 0 ? v : null; }
}

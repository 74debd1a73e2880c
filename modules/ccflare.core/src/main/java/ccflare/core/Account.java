package ccflare.core;

import static java.util.Objects.requireNonNull;

/**
 * One account as the selector and the API see it: identity, settings and live state, never the
 * secret (that is {@link Credentials}, held beside it by the {@link AccountRegistry}).
 *
 * @param baseUrl       upstream base URL of this account; empty for the provider's default
 * @param createdAtMs   creation time, epoch ms; with {@code priority} it orders the accounts
 * @param lastUsedMs    0 when never used
 * @param sessionStartMs start of the account's current session, 0 when none
 * @param needsReauth   its OAuth refresh was refused; it is skipped until signed in again
 */
public record Account(String id, String name, ProviderKind provider, int priority, boolean paused,
                      String baseUrl, long createdAtMs, long lastUsedMs, long requestCount,
                      long totalRequests, long sessionStartMs, long sessionRequestCount,
                      RateLimitState rateLimit, boolean needsReauth) {

    public Account {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(provider, "provider");
        baseUrl = baseUrl == null ? "" : baseUrl;
        rateLimit = rateLimit == null ? RateLimitState.NONE : rateLimit;
        if (priority < 0) throw new IllegalArgumentException("priority: " + priority + " (expected: >= 0)");
    }

    /** A new account with no history. */
    public static Account create(String id, String name, ProviderKind provider, int priority, String baseUrl,
                                 long createdAtMs) {
        return new Account(id, name, provider, priority, false, baseUrl, createdAtMs, 0, 0, 0, 0, 0,
                RateLimitState.NONE, false);
    }

    /** Selectable at {@code nowMs}: not paused, not cooling down, not waiting for a new sign-in. */
    public boolean availableAt(long nowMs) {
        return !paused && !needsReauth && !rateLimit.limitedAt(nowMs);
    }

    public Account withPaused(boolean p) {
        return new Account(id, name, provider, priority, p, baseUrl, createdAtMs, lastUsedMs, requestCount,
                totalRequests, sessionStartMs, sessionRequestCount, rateLimit, needsReauth);
    }

    public Account withName(String n) {
        return new Account(id, n, provider, priority, paused, baseUrl, createdAtMs, lastUsedMs, requestCount,
                totalRequests, sessionStartMs, sessionRequestCount, rateLimit, needsReauth);
    }

    public Account withPriority(int p) {
        return new Account(id, name, provider, p, paused, baseUrl, createdAtMs, lastUsedMs, requestCount,
                totalRequests, sessionStartMs, sessionRequestCount, rateLimit, needsReauth);
    }

    public Account withBaseUrl(String u) {
        return new Account(id, name, provider, priority, paused, u, createdAtMs, lastUsedMs, requestCount,
                totalRequests, sessionStartMs, sessionRequestCount, rateLimit, needsReauth);
    }

    public Account withRateLimit(RateLimitState r) {
        return new Account(id, name, provider, priority, paused, baseUrl, createdAtMs, lastUsedMs, requestCount,
                totalRequests, sessionStartMs, sessionRequestCount, r, needsReauth);
    }

    public Account withNeedsReauth(boolean n) {
        return new Account(id, name, provider, priority, paused, baseUrl, createdAtMs, lastUsedMs, requestCount,
                totalRequests, sessionStartMs, sessionRequestCount, rateLimit, n);
    }

    /** This account after serving one request at {@code nowMs}; starts a new session when the old one expired. */
    public Account usedAt(long nowMs, long sessionDurationMs) {
        boolean newSession = sessionStartMs == 0 || nowMs - sessionStartMs >= sessionDurationMs;
        return new Account(id, name, provider, priority, paused, baseUrl, createdAtMs, nowMs, requestCount + 1,
                totalRequests + 1, newSession ? nowMs : sessionStartMs, newSession ? 1 : sessionRequestCount + 1,
                rateLimit, needsReauth);
    }

    /** Counters zeroed by "reset stats" (the session start and total survive). */
    public Account withStatsReset() {
        return new Account(id, name, provider, priority, paused, baseUrl, createdAtMs, lastUsedMs, 0,
                totalRequests, sessionStartMs, 0, rateLimit, needsReauth);
    }
}

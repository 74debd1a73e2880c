package ccflare.proxy;

import ccflare.core.ClientKey;

/**
 * The optional limits of a client key as a pure function: requests per minute (a sliding 60 s
 * window) and spend per UTC day. Spend is known only when a request ends, so the request that
 * crosses the daily limit completes, and the ones after it are refused until midnight UTC.
 */
final class KeyLimits {

    private KeyLimits() {}

    static final long WINDOW_MS = 60_000;
    static final long DAY_MS = 86_400_000;

    sealed interface Verdict {
        record Admit() implements Verdict {}

        /** Refused with 429; {@code retryAfterSeconds} is at least 1. */
        record Limited(long retryAfterSeconds, String message) implements Verdict {}
    }

    static final Verdict ADMIT = new Verdict.Admit();

    /**
     * @param oldestStartMs  the oldest request of this key within the last {@link #WINDOW_MS}; ignored when {@code startsInWindow} is 0
     * @param startsInWindow how many requests this key made within the last {@link #WINDOW_MS}
     * @param spentTodayUsd  what this key's requests cost since midnight UTC
     */
    static Verdict decide(ClientKey key, long oldestStartMs, int startsInWindow, double spentTodayUsd, long nowMs) {
        if (key.requestsPerMinute() > 0 && startsInWindow >= key.requestsPerMinute()) {
            long waitMs = Math.max(0, oldestStartMs + WINDOW_MS - nowMs);
            return new Verdict.Limited(seconds(waitMs), "client key '" + key.name() + "' is limited to "
                    + key.requestsPerMinute() + " request" + (key.requestsPerMinute() == 1 ? "" : "s") + " per minute");
        }
        if (key.dailyUsd() > 0 && spentTodayUsd >= key.dailyUsd()) {
            long waitMs = (Math.floorDiv(nowMs, DAY_MS) + 1) * DAY_MS - nowMs;
            return new Verdict.Limited(seconds(waitMs), "client key '" + key.name() + "' reached its limit of $"
                    + key.dailyUsd() + " per day (UTC); it works again at midnight UTC");
        }
        return ADMIT;
    }

    private static long seconds(long ms) {
        return Math.max(1, (ms + 999) / 1000);
    }
}

package ccflare.testing;

import java.time.Duration;

/** The numbers a {@link FakeUpstream} puts into successful answers; immutable, swapped atomically. */
record Settings(long inputTokens, long outputTokens, long cacheReadTokens, long cacheCreationTokens,
                long reasoningTokens, int deltas, Duration deltaDelay,
                double fiveHourUtilisation, double sevenDayUtilisation,
                long fiveHourResetEpochSeconds, long sevenDayResetEpochSeconds,
                long tokenExpiresInSeconds, String fixedPiece) {

    static final Settings DEFAULTS = new Settings(25, 12, 0, 0, 0, 3, Duration.ZERO, 0.12, 0.34, 0, 0, 3600, null);

    Settings {
        if (inputTokens < 0 || outputTokens < 0 || cacheReadTokens < 0 || cacheCreationTokens < 0 || reasoningTokens < 0)
            throw new IllegalArgumentException("token counts must be >= 0");
        if (deltas < 1) throw new IllegalArgumentException("deltas: " + deltas + " (expected: >= 1)");
        if (deltaDelay.isNegative()) throw new IllegalArgumentException("deltaDelay: " + deltaDelay + " (expected: >= 0)");
        if (tokenExpiresInSeconds < 0) throw new IllegalArgumentException("tokenExpiresInSeconds: " + tokenExpiresInSeconds + " (expected: >= 0)");
    }

    Settings withUsage(long in, long out, long cacheRead, long cacheCreation) {
        return new Settings(in, out, cacheRead, cacheCreation, reasoningTokens, deltas, deltaDelay,
                fiveHourUtilisation, sevenDayUtilisation, fiveHourResetEpochSeconds, sevenDayResetEpochSeconds, tokenExpiresInSeconds, fixedPiece);
    }

    Settings withReasoning(long reasoning) {
        return new Settings(inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, reasoning, deltas, deltaDelay,
                fiveHourUtilisation, sevenDayUtilisation, fiveHourResetEpochSeconds, sevenDayResetEpochSeconds, tokenExpiresInSeconds, fixedPiece);
    }

    Settings withDeltas(int count, Duration between) {
        return new Settings(inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, reasoningTokens, count, between,
                fiveHourUtilisation, sevenDayUtilisation, fiveHourResetEpochSeconds, sevenDayResetEpochSeconds, tokenExpiresInSeconds, fixedPiece);
    }

    Settings withWindows(double fiveHour, long fiveHourReset, double sevenDay, long sevenDayReset) {
        return new Settings(inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, reasoningTokens, deltas, deltaDelay,
                fiveHour, sevenDay, fiveHourReset, sevenDayReset, tokenExpiresInSeconds, fixedPiece);
    }

    Settings withTokenExpiresIn(long seconds) {
        return new Settings(inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, reasoningTokens, deltas, deltaDelay,
                fiveHourUtilisation, sevenDayUtilisation, fiveHourResetEpochSeconds, sevenDayResetEpochSeconds, seconds, fixedPiece);
    }

    /** One text delta repeated for bulk streams, with a single delta in the transcript. */
    Settings withFixedPiece(String piece) {
        return new Settings(inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, reasoningTokens, 1, deltaDelay,
                fiveHourUtilisation, sevenDayUtilisation, fiveHourResetEpochSeconds, sevenDayResetEpochSeconds,
                tokenExpiresInSeconds, piece);
    }

    /** The text of delta {@code i}; the full answer is the concatenation of all deltas. */
    String piece(int i) {
        if (fixedPiece != null) return fixedPiece;
        return i == 0 ? "Hello" : " from fake upstream " + i;
    }

    String fullText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < deltas; i++) sb.append(piece(i));
        return sb.toString();
    }
}

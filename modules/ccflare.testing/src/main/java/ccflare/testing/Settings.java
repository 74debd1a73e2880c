package ccflare.testing;

import java.time.Duration;

/**
 * The numbers a {@link FakeUpstream} puts into successful answers; immutable, swapped atomically.
 * Grouped by what a setter of FakeUpstream changes, so each {@code with…} replaces one group.
 */
record Settings(Tokens tokens, Stream stream, Windows windows, long tokenExpiresInSeconds) {

    /** The usage counts an answer reports. */
    record Tokens(long input, long output, long cacheRead, long cacheCreation, long reasoning) {
        Tokens {
            if (input < 0 || output < 0 || cacheRead < 0 || cacheCreation < 0 || reasoning < 0)
                throw new IllegalArgumentException("token counts must be >= 0");
        }
    }

    /** How the answer text is cut into deltas; {@code fixedPiece} non-null: that one delta, repeated. */
    record Stream(int deltas, Duration deltaDelay, String fixedPiece) {
        Stream {
            if (deltas < 1) throw new IllegalArgumentException("deltas: " + deltas + " (expected: >= 1)");
            if (deltaDelay.isNegative()) throw new IllegalArgumentException("deltaDelay: " + deltaDelay + " (expected: >= 0)");
        }
    }

    /** The rate-limit windows the headers report; a reset of 0 means "a full window from now". */
    record Windows(double fiveHourUtilisation, long fiveHourResetEpochSeconds,
                   double sevenDayUtilisation, long sevenDayResetEpochSeconds) {}

    static final Settings DEFAULTS = new Settings(new Tokens(25, 12, 0, 0, 0), new Stream(3, Duration.ZERO, null),
            new Windows(0.12, 0, 0.34, 0), 3600);

    Settings {
        if (tokenExpiresInSeconds < 0) throw new IllegalArgumentException("tokenExpiresInSeconds: " + tokenExpiresInSeconds + " (expected: >= 0)");
    }

    Settings withUsage(long in, long out, long cacheRead, long cacheCreation) {
        return new Settings(new Tokens(in, out, cacheRead, cacheCreation, tokens.reasoning()), stream, windows, tokenExpiresInSeconds);
    }

    Settings withReasoning(long reasoning) {
        Tokens t = tokens;
        return new Settings(new Tokens(t.input(), t.output(), t.cacheRead(), t.cacheCreation(), reasoning), stream, windows,
                tokenExpiresInSeconds);
    }

    Settings withDeltas(int count, Duration between) {
        return new Settings(tokens, new Stream(count, between, stream.fixedPiece()), windows, tokenExpiresInSeconds);
    }

    Settings withWindows(double fiveHour, long fiveHourReset, double sevenDay, long sevenDayReset) {
        return new Settings(tokens, stream, new Windows(fiveHour, fiveHourReset, sevenDay, sevenDayReset), tokenExpiresInSeconds);
    }

    Settings withTokenExpiresIn(long seconds) {
        return new Settings(tokens, stream, windows, seconds);
    }

    /** One text delta repeated for bulk streams, with a single delta in the transcript. */
    Settings withFixedPiece(String piece) {
        return new Settings(tokens, new Stream(1, stream.deltaDelay(), piece), windows, tokenExpiresInSeconds);
    }

    int deltas() { return stream.deltas(); }

    /** The text of delta {@code i}; the full answer is the concatenation of all deltas. */
    String piece(int i) {
        if (stream.fixedPiece() != null) return stream.fixedPiece();
        return i == 0 ? "Hello" : " from fake upstream " + i;
    }

    String fullText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < deltas(); i++) sb.append(piece(i));
        return sb.toString();
    }
}

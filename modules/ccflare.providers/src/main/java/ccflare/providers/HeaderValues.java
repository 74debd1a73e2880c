package ccflare.providers;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Function;

/**
 * Lenient readers for rate-limit header values. Upstream headers are outside our control, so a
 * value that does not parse is treated as absent ({@link #ABSENT} or NaN), never as an exception.
 */
final class HeaderValues {
    static final long ABSENT = -1;

    /** Longer values are not rate-limit headers we understand; ignoring them bounds parsing work. */
    private static final int MAX_VALUE_LENGTH = 256;

    /** Below this a bare number is a delay in seconds (31 years), at or above it an epoch-seconds instant. */
    private static final double EPOCH_SECONDS_FROM = 1e9;
    /** At or above this a bare number is epoch milliseconds (2001-09-09 in ms). */
    private static final double EPOCH_MILLIS_FROM = 1e12;
    /** Far beyond any real reset; keeps arithmetic clear of overflow. */
    private static final long MAX_MS = 1L << 52;

    private HeaderValues() {}

    /** The stripped value of a header, or null when it is absent, blank, too long, or the lookup fails. */
    static String text(Function<String, String> header, String name) {
        String v;
        try {
            v = header.apply(name);
        } catch (RuntimeException e) {
            return null;
        }
        if (v == null) return null;
        v = v.strip();
        return v.isEmpty() || v.length() > MAX_VALUE_LENGTH ? null : v;
    }

    /**
     * A plain decimal number ({@code 12}, {@code -3}, {@code 0.5}), or NaN. Exponents, hex, {@code NaN},
     * {@code Infinity} and type suffixes ({@code 7d}, which {@link Double#parseDouble} would accept) are rejected.
     */
    static double number(String v) {
        if (v == null || v.isEmpty()) return Double.NaN;
        int i = v.charAt(0) == '-' || v.charAt(0) == '+' ? 1 : 0;
        boolean digit = false;
        boolean dot = false;
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return Double.NaN;
            }
        }
        if (!digit) return Double.NaN;
        double d = Double.parseDouble(v);
        return Double.isFinite(d) ? d : Double.NaN;
    }

    /** A count ≥ 0 (decimals truncated), or {@link #ABSENT}. */
    static long count(String v) {
        double d = number(v);
        if (Double.isNaN(d) || d < 0) return ABSENT;
        return (long) Math.min(d, MAX_MS);
    }

    /**
     * A duration in ms, as OpenAI writes them: {@code 1m30s}, {@code 6ms}, {@code 0.5s}, {@code 2h},
     * {@code 1h2m3.5s}, {@code 250us}, {@code 1d}. Rounded up to whole ms. {@link #ABSENT} for anything
     * else, including a bare number (whose unit would be a guess).
     */
    static long durationMs(String v) {
        if (v == null) return ABSENT;
        String s = v.toLowerCase(Locale.ROOT);
        int i = 0;
        int n = s.length();
        double total = 0;
        boolean any = false;
        while (i < n) {
            int start = i;
            while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            if (start == i) return ABSENT;
            double amount = number(s.substring(start, i));
            int unitStart = i;
            while (i < n && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') i++;
            double factor = switch (s.substring(unitStart, i)) {
                case "d" -> 86_400_000d;
                case "h" -> 3_600_000d;
                case "m" -> 60_000d;
                case "s" -> 1_000d;
                case "ms" -> 1d;
                case "us", "µs" -> 1e-3;
                case "ns" -> 1e-6;
                default -> Double.NaN;
            };
            if (Double.isNaN(amount) || Double.isNaN(factor)) return ABSENT;
            total += amount * factor;
            any = true;
        }
        return any ? (long) Math.min(Math.ceil(total), MAX_MS) : ABSENT;
    }

    /**
     * When a limit resets, as epoch ms, from any of the forms providers use: epoch seconds
     * ({@code 1767225600}), epoch ms, a bare delay in seconds (a number below 1e9), a duration
     * ({@code 1m30s}), an HTTP date or an RFC 3339 / ISO-8601 instant. {@link #ABSENT} on garbage.
     */
    static long resetAtMs(String v, long nowMs) {
        if (v == null) return ABSENT;
        double d = number(v);
        if (!Double.isNaN(d)) {
            if (d < 0) return ABSENT;
            if (d >= EPOCH_MILLIS_FROM) return (long) Math.min(d, MAX_MS);
            if (d >= EPOCH_SECONDS_FROM) return (long) Math.min(d * 1000, MAX_MS);
            return plus(nowMs, (long) Math.ceil(d * 1000));
        }
        long duration = durationMs(v);
        if (duration >= 0) return plus(nowMs, duration);
        return dateMs(v);
    }

    /**
     * The instant a {@code retry-after} asks for: delay seconds (decimals tolerated) or an HTTP date;
     * OpenAI's {@code retry-after-ms} wins when present. {@link #ABSENT} when both are absent,
     * negative or garbage. A date in the past means "now".
     */
    static long retryAfterAtMs(String retryAfter, String retryAfterMs, long nowMs) {
        double ms = number(retryAfterMs);
        if (!Double.isNaN(ms) && ms >= 0) return plus(nowMs, (long) Math.ceil(Math.min(ms, MAX_MS)));
        if (retryAfter == null) return ABSENT;
        double seconds = number(retryAfter);
        if (!Double.isNaN(seconds)) {
            return seconds < 0 ? ABSENT : plus(nowMs, (long) Math.ceil(Math.min(seconds * 1000, MAX_MS)));
        }
        long at = dateMs(retryAfter);
        return at < 0 ? ABSENT : Math.max(at, nowMs);
    }

    /**
     * A utilisation as a fraction 0..1, or NaN. {@code percent} values (Codex {@code *-used-percent})
     * are divided by 100. Fraction values (Anthropic {@code *-utilization}, observed 0.0–1.0) above 2
     * can only be percentages and are divided by 100; values in (1, 2] are over-use and clamp to 1.
     */
    static double utilisation(String v, boolean percent) {
        double d = number(v);
        if (Double.isNaN(d) || d < 0) return Double.NaN;
        if (percent || d > 2) d = d / 100;
        return Math.min(d, 1.0);
    }

    /** A status token ({@code allowed}, {@code rate_limited}, …) in lower case, or null when absent or not a token. */
    static String status(String v) {
        if (v == null || v.length() > 64) return null;
        String s = v.toLowerCase(Locale.ROOT);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) return null;
        }
        return s;
    }

    private static long dateMs(String v) {
        try {
            return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            // not an HTTP date; try RFC 3339 next
        }
        try {
            return OffsetDateTime.parse(v).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            // not an offset date-time either
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            return ABSENT;
        }
    }

    private static long plus(long nowMs, long deltaMs) {
        return nowMs + Math.min(Math.max(deltaMs, 0), MAX_MS);
    }
}

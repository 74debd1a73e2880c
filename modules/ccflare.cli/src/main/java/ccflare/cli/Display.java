package ccflare.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How numbers and times read in human output, as in the original's UI: cost {@code $0.0123},
 * durations {@code 123ms / 1.2s / 3.4m / 5.6h}, tokens grouped {@code 1,234,567}, times relative
 * ({@code 5m ago}, {@code in 3h}).
 */
final class Display {

    private Display() {}

    static String cost(double usd) {
        return String.format(Locale.ROOT, "$%.4f", usd);
    }

    static String duration(long ms) {
        if (ms < 1000) return ms + "ms";
        if (ms < 60_000) return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        if (ms < 3_600_000) return String.format(Locale.ROOT, "%.1fm", ms / 60_000.0);
        return String.format(Locale.ROOT, "%.1fh", ms / 3_600_000.0);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String tokensPerSecond(double tps) {
        return tps <= 0 ? "0 tok/s" : String.format(Locale.ROOT, "%.1f tok/s", tps);
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** An uptime such as {@code 3d 4h}, {@code 2h 5m}, {@code 42s}. */
    static String span(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) return s + "s";
        long m = s / 60;
        if (m < 60) return m + "m " + (s % 60) + "s";
        long h = m / 60;
        if (h < 24) return h + "h " + (m % 60) + "m";
        return (h / 24) + "d " + (h % 24) + "h";
    }

    /** {@code then} relative to {@code now}: {@code just now}, {@code 42s ago}, {@code in 5m}. */
    static String relative(Instant then, Instant now) {
        long s = Duration.between(then, now).toSeconds();
        boolean future = s < 0;
        long a = Math.abs(s);
        if (a < 5) return "just now";
        String amount;
        if (a < 60) amount = a + "s";
        else if (a < 3600) amount = (a / 60) + "m";
        else if (a < 86_400) amount = (a / 3600) + "h";
        else amount = (a / 86_400) + "d";
        return future ? "in " + amount : amount + " ago";
    }

    /** A JSON time (ISO-8601 text or epoch milliseconds) relative to now; {@code absent} when missing. */
    static String relative(JsonNode time, Instant now, String absent) {
        return instant(time).map(t -> relative(t, now)).orElse(absent);
    }

    static java.util.Optional<Instant> instant(JsonNode time) {
        if (time == null || time.isMissingNode() || time.isNull()) return java.util.Optional.empty();
        if (time.isNumber()) return java.util.Optional.of(Instant.ofEpochMilli(time.asLong()));
        String text = time.asText("");
        if (text.isBlank()) return java.util.Optional.empty();
        try {
            return java.util.Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            try {
                return java.util.Optional.of(Instant.ofEpochMilli(Long.parseLong(text)));
            } catch (NumberFormatException ignored) {
                return java.util.Optional.empty();
            }
        }
    }
}

package ccflare.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --account}, {@code --status} and {@code --since} of {@code ccflarectl requests}: sent to
 * {@code GET /api/requests} as its own filters ({@link #query()}), and applied again to what comes
 * back and to the live rows of {@code -f}. {@code success} and {@code error} the API does not
 * filter on; those are kept here only. An absent part matches every request.
 *
 * @param account a name or id, matched against {@code accountUsed} and {@code accountId}
 * @param status  the {@code --status} text, kept for messages
 * @param since   requests received at or after this instant
 */
record RequestFilter(Optional<String> account, Optional<String> status, IntPredicate statusTest, Optional<Instant> since) {

    private static final Pattern AGO = Pattern.compile("(\\d{1,9})(s|m|h|d)");
    private static final Pattern CODE = Pattern.compile("[1-5]\\d\\d");
    private static final Pattern CLASS = Pattern.compile("([1-5])xx");

    /** Parses the options; a malformed value is a usage error naming what is expected. */
    static RequestFilter of(String account, String status, String since, Instant now) {
        Optional<String> a = Optional.ofNullable(account).map(String::strip).filter(v -> !v.isEmpty());
        Optional<String> s = Optional.ofNullable(status).map(v -> v.strip().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty());
        IntPredicate test = s.map(RequestFilter::statusTest).orElse(code -> true);
        Optional<Instant> from = Optional.ofNullable(since).map(String::strip).filter(v -> !v.isEmpty()).map(v -> instant(v, now));
        return new RequestFilter(a, s, test, from);
    }

    boolean isEmpty() { return account.isEmpty() && status.isEmpty() && since.isEmpty(); }

    /** Whether the API applies every part (it knows codes and classes, not success/error). */
    boolean serverSide() { return status.map(s -> !s.equals("success") && !s.equals("error")).orElse(true); }

    /** The parts the API filters on, as {@code &name=value} pairs for {@code /api/requests}. */
    String query() {
        StringBuilder q = new StringBuilder();
        account.ifPresent(a -> q.append("&account=").append(java.net.URLEncoder.encode(a, java.nio.charset.StandardCharsets.UTF_8)));
        status.filter(s -> serverSide()).ifPresent(s -> q.append("&status=").append(s));
        since.ifPresent(t -> q.append("&since=").append(t));
        return q.toString();
    }

    boolean test(JsonNode r) {
        if (account.isPresent()) {
            String wanted = account.get();
            if (!wanted.equals(r.path("accountUsed").asText(null)) && !wanted.equals(r.path("accountId").asText(null))) return false;
        }
        if (status.isPresent()) {
            boolean success = r.path("success").asBoolean(r.path("statusCode").asInt() / 100 == 2);
            if (status.get().equals("success") ? !success : status.get().equals("error") ? success
                    : !statusTest.test(r.path("statusCode").asInt())) return false;
        }
        if (since.isPresent()) {
            Optional<Instant> at = Display.instant(r.path("timestamp"));
            if (at.isEmpty() || at.get().isBefore(since.get())) return false;
        }
        return true;
    }

    private static IntPredicate statusTest(String text) {
        if (text.equals("success") || text.equals("error")) return code -> true; // decided on the success flag in test()
        if (CODE.matcher(text).matches()) {
            int wanted = Integer.parseInt(text);
            return code -> code == wanted;
        }
        Matcher m = CLASS.matcher(text);
        if (m.matches()) {
            int hundreds = Integer.parseInt(m.group(1));
            return code -> code / 100 == hundreds;
        }
        throw Failure.usage("--status: '" + text + "' (expected: a status code like 429, a class like 4xx, success or error)");
    }

    private static Instant instant(String text, Instant now) {
        Matcher m = AGO.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw Failure.usage("--since: '" + text + "' (expected: a time ago like 30s, 15m, 2h or 7d, or an ISO-8601 instant"
                    + " like 2026-03-01T12:00:00Z)");
        }
    }
}

package ccflare.api;

import ccflare.core.Outcome;
import ccflare.core.RequestQueries.HistoryQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The query of {@code GET /api/requests} as a {@link HistoryQuery}: {@code limit}, {@code before}
 * (a request id, the cursor of the next older page), {@code account} (name, id or
 * {@code no_account}), {@code model} (substring), {@code status} ({@code 429} or {@code 4xx}),
 * {@code outcome} (wire name), {@code since} (an ISO-8601 instant or an age such as {@code 90s},
 * {@code 15m}, {@code 2h}, {@code 7d}). Every bad value is a 400 naming the parameter.
 */
final class HistoryParams {
    private static final Pattern CODE = Pattern.compile("[1-5][0-9][0-9]");
    private static final Pattern CLASS = Pattern.compile("([1-5])xx", Pattern.CASE_INSENSITIVE);
    private static final Pattern AGE = Pattern.compile("([0-9]{1,9})([smhd])");

    private HistoryParams() {}

    /**
     * @param query        the request's query parameters
     * @param accountId    an account name or id to the id filtered on ({@code ""} for pass-through);
     *                     throws the 400 itself for an unknown name
     * @param nowMs        the clock's now, for an age in {@code since}
     */
    static HistoryQuery parse(Function<String, Optional<String>> query, int defaultLimit, int maxLimit,
                              UnaryOperator<String> accountId, long nowMs) {
        int limit = query.apply("limit").map(v -> limit(v, maxLimit)).orElse(defaultLimit);
        String before = nonBlank(query, "before");
        String account = Optional.ofNullable(nonBlank(query, "account")).map(accountId).orElse(null);
        String model = nonBlank(query, "model");
        Integer code = null;
        Integer statusClass = null;
        String status = nonBlank(query, "status");
        if (status != null) {
            Matcher m = CLASS.matcher(status);
            if (CODE.matcher(status).matches()) code = Integer.parseInt(status);
            else if (m.matches()) statusClass = Integer.parseInt(m.group(1));
            else throw ApiException.badRequest("status: '" + status + "' (expected: a status code such as 429, or a class such as 4xx)");
        }
        Outcome outcome = Optional.ofNullable(nonBlank(query, "outcome")).map(HistoryParams::outcome).orElse(null);
        Long since = Optional.ofNullable(nonBlank(query, "since")).map(v -> since(v, nowMs)).orElse(null);
        return new HistoryQuery(limit, before, account, model, code, statusClass, outcome, since);
    }

    private static String nonBlank(Function<String, Optional<String>> query, String name) {
        return query.apply(name).map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
    }

    private static int limit(String raw, int max) {
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 1 && n <= max) return n;
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw ApiException.badRequest("limit: '" + raw + "' (expected: an integer 1.." + max + ")");
    }

    private static Outcome outcome(String raw) {
        return Arrays.stream(Outcome.values()).filter(o -> o.wireName().equals(raw.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> ApiException.badRequest("outcome: '" + raw + "' (expected: one of "
                        + Arrays.stream(Outcome.values()).map(Outcome::wireName).collect(Collectors.joining(", ")) + ")"));
    }

    private static long since(String raw, long nowMs) {
        Matcher m = AGE.matcher(raw);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration age = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return nowMs - age.toMillis();
        }
        try {
            return Instant.parse(raw).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("since: '" + raw + "' (expected: an ISO-8601 time such as 2026-12-07T08:00:00Z,"
                    + " or an age such as 90s, 15m, 2h or 7d)");
        }
    }
}

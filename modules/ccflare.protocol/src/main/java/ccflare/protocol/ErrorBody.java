package ccflare.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * The body of every error the API answers itself: {@code {"error":"<message>"}}, plus
 * {@code details} when there is more a client can act on.
 *
 * @param error   what went wrong, naming the field, parameter or resource
 * @param details optional machine-readable extras; absent when null
 */
public record ErrorBody(String error, Map<String, Object> details) {
    public ErrorBody {
        requireNonNull(error, "error");
        details = details == null ? null : Map.copyOf(details);
    }

    public static ErrorBody of(String error) { return new ErrorBody(error, null); }
}

package ccflare.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * {@code GET /api/requests/{id}}: every field of {@link RequestSummary} at the top level, plus the
 * captured {@code payload}.
 *
 * @param payload absent when capture was off, the payload was shed, or its retention has passed
 */
public record RequestDetail(@JsonUnwrapped RequestSummary summary, PayloadView payload) {
    public RequestDetail { requireNonNull(summary, "summary"); }
}

package ccflare.providers.translate;

import static java.util.Objects.requireNonNull;

/** A whole body for the client, in its own grammar, with the status to send it with. */
public record ClientBody(int status, byte[] body) {
    public ClientBody {
        requireNonNull(body, "body");
        if (status < 100 || status > 599) throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
    }
}

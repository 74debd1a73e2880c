package ccflare.providers.translate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The outcome of translating one request body: the body to send, or the field that cannot be sent. */
public sealed interface Translation {

    /** The request body in the upstream's grammar. */
    record Translated(ObjectNode body) implements Translation {
        public Translated {
            requireNonNull(body, "body");
        }
    }

    /**
     * A field the target cannot express and that is not safe to drop: the client gets a 400 naming it.
     *
     * @param field  the JSON path of the field in the client's body, e.g. {@code messages[2].content[0].type}
     * @param reason why it cannot be translated
     */
    record Refused(String field, String reason) implements Translation {
        public Refused {
            requireNonNull(field, "field");
            requireNonNull(reason, "reason");
        }

        /** The sentence a client sees. */
        public String message() {
            return "cannot translate " + field + ": " + reason;
        }
    }
}

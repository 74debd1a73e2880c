package ccflare.providers.translate;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * One server-sent event.
 *
 * @param name the {@code event:} field, empty for none (OpenAI Chat chunks)
 * @param data the {@code data:} payload (one line: JSON never holds a raw newline)
 */
public record SseEvent(String name, String data) {
    public SseEvent {
        requireNonNull(name, "name");
        requireNonNull(data, "data");
    }

    /** The event on the wire, ending with its blank line. */
    public byte[] bytes() {
        String wire = name.isEmpty() ? "data: " + data + "\n\n" : "event: " + name + "\ndata: " + data + "\n\n";
        return wire.getBytes(StandardCharsets.UTF_8);
    }
}

package ccflare.providers.translate;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
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

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEWLINE_DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    /** The encoded names: the translators write a dozen or so constants, each event repeats one. */
    private static final java.util.concurrent.ConcurrentHashMap<String, byte[]> NAMES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_NAMES = 64;

    private static byte[] nameBytes(String name) {
        byte[] bytes = NAMES.get(name);
        if (bytes != null) return bytes;
        bytes = name.getBytes(StandardCharsets.UTF_8);
        // An upstream's own event names pass through too; the cache never grows past a handful.
        if (NAMES.size() < MAX_NAMES) NAMES.putIfAbsent(name, bytes);
        return bytes;
    }

    /** The event on the wire, ending with its blank line. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length() + name.length() + 16);
        writeTo(out);
        return out.toByteArray();
    }

    /**
     * Appends the event as {@link #bytes()} has it to {@code out}, without a wire {@code String}
     * or array of its own: the data's UTF-8 bytes are the only copy made.
     */
    public void writeTo(ByteArrayOutputStream out) {
        if (name.isEmpty()) {
            out.writeBytes(DATA);
        } else {
            out.writeBytes(EVENT);
            out.writeBytes(nameBytes(name));
            out.writeBytes(NEWLINE_DATA);
        }
        out.writeBytes(data.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(END);
    }
}

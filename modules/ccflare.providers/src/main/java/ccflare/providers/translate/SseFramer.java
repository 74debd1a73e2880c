package ccflare.providers.translate;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * Cuts a {@code text/event-stream} body into events as its bytes arrive, in slices split anywhere.
 * Lines end with LF, CRLF or CR; {@code data:} lines of one event are joined with LF; comments and
 * other fields are ignored. Memory: the current line plus the current event's data, so the largest
 * event bounds it; an event over {@code maxEvent} bytes is an error (the stream is broken, not
 * buffered on).
 *
 * <p>Lines are read as bytes: no {@code String} per line or per field. An event's one {@code data:}
 * line (nearly every event has one) becomes its data {@code String} directly, decoded once; only a
 * multi-line event goes through a builder. A repeated event name (a stream repeats a few) is the
 * same {@code String} each time.
 */
public final class SseFramer {

    /** Receives each complete event. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(String name, String data);
    }

    private final Listener listener;
    private final int maxEvent;
    private byte[] line = new byte[256];
    private int lineLength;
    private final StringBuilder data = new StringBuilder();
    /** The event's first data line; the builder holds them all once there is a second. */
    private String firstData;
    private int dataLength;
    private String name = "";
    /** The bytes of the last event name decoded, and its String, reused while names repeat. */
    private byte[] lastNameBytes = new byte[0];
    private String lastName = "";
    private boolean hasData;
    private boolean afterCr;

    public SseFramer(int maxEvent, Listener listener) {
        if (maxEvent <= 0) throw new IllegalArgumentException("maxEvent: " + maxEvent + " (expected: > 0)");
        this.maxEvent = maxEvent;
        this.listener = requireNonNull(listener, "listener");
    }

    /** Feeds the next slice. */
    public void accept(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (afterCr) {
                afterCr = false;
                if (b == '\n') continue;
            }
            if (b == '\n' || b == '\r') {
                afterCr = b == '\r';
                endLine();
            } else {
                if (lineLength + dataLength >= maxEvent) {
                    throw new IllegalStateException("an SSE event is longer than " + maxEvent + " bytes");
                }
                if (lineLength == line.length) line = java.util.Arrays.copyOf(line, line.length * 2);
                line[lineLength++] = b;
            }
        }
    }

    /** The body ended: an event not closed by a blank line is still delivered (some servers omit the last one). */
    public void finish() {
        if (lineLength > 0) endLine();
        dispatch();
    }

    private void endLine() {
        if (lineLength == 0) {
            dispatch();
            return;
        }
        int length = lineLength;
        lineLength = 0;
        if (startsWith(DATA, length)) {
            int from = valueStart(DATA.length, length);
            String value = new String(line, from, length - from, StandardCharsets.UTF_8);
            if (!hasData) {
                firstData = value;
            } else {
                if (firstData != null) {
                    data.setLength(0);
                    data.append(firstData);
                    firstData = null;
                }
                data.append('\n').append(value);
            }
            dataLength += length - from + 1;
            hasData = true;
        } else if (startsWith(EVENT, length)) {
            name = eventName(valueStart(EVENT.length, length), length);
        }
        // comments, id, retry: ignored
        // A long line's buffer is not kept for the rest of the stream.
        if (line.length > 64 * 1024) line = new byte[256];
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

    /** Whether the line's field is {@code field}: the name, then a colon or the end of the line. */
    private boolean startsWith(byte[] field, int length) {
        if (length < field.length) return false;
        for (int i = 0; i < field.length; i++) if (line[i] != field[i]) return false;
        return length == field.length || line[field.length] == ':';
    }

    /** Where the value starts: after the colon and one optional space. */
    private int valueStart(int fieldLength, int length) {
        int from = Math.min(fieldLength + 1, length);
        if (from < length && line[from] == ' ') from++;
        return from;
    }

    private String eventName(int from, int to) {
        int n = to - from;
        if (n == lastNameBytes.length && java.util.Arrays.equals(line, from, to, lastNameBytes, 0, n)) return lastName;
        lastNameBytes = java.util.Arrays.copyOfRange(line, from, to);
        lastName = new String(lastNameBytes, StandardCharsets.UTF_8);
        return lastName;
    }

    private void dispatch() {
        if (hasData) listener.onEvent(name, firstData != null ? firstData : data.toString());
        name = "";
        firstData = null;
        data.setLength(0);
        dataLength = 0;
        hasData = false;
    }
}

package ccflare.providers.translate;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * Cuts a {@code text/event-stream} body into events as its bytes arrive, in slices split anywhere.
 * Lines end with LF, CRLF or CR; {@code data:} lines of one event are joined with LF; comments and
 * other fields are ignored. Memory: the current line plus the current event's data, so the largest
 * event bounds it; an event over {@code maxEvent} bytes is an error (the stream is broken, not
 * buffered on).
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
    private String name = "";
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
                if (lineLength + data.length() >= maxEvent) {
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
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        // A long line's buffer is not kept for the rest of the stream.
        if (line.length > 64 * 1024) line = new byte[256];
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        switch (field) {
            case "event" -> name = value;
            case "data" -> {
                if (hasData) data.append('\n');
                data.append(value);
                hasData = true;
            }
            default -> { /* comments, id, retry */ }
        }
    }

    private void dispatch() {
        if (hasData) listener.onEvent(name, data.toString());
        name = "";
        data.setLength(0);
        hasData = false;
    }
}

package ccflare.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A small Server-Sent Events parser for assertions on streamed answers. */
public final class Sse {
    private Sse() {}

    /**
     * One dispatched event.
     *
     * @param event the {@code event:} field, {@code "message"} when the event had none (per the SSE spec)
     * @param data  the {@code data:} lines joined with {@code \n}
     */
    public record Event(String event, String data) {
        public Event {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(data, "data");
        }
    }

    /**
     * Parses a complete stream following the WHATWG rules: lines end in LF, CRLF or CR; a blank line
     * dispatches; one space after the colon is dropped; comments ({@code :…}), {@code id} and {@code retry}
     * are ignored; an event without {@code data} is not dispatched; a trailing event without its blank
     * line is discarded (so a truncated stream shows up as a missing last event).
     */
    public static List<Event> parse(String stream) {
        List<Event> events = new ArrayList<>();
        String event = null;
        StringBuilder data = null;
        int i = 0;
        int n = stream.length();
        while (i < n) {
            int end = i;
            while (end < n && stream.charAt(end) != '\n' && stream.charAt(end) != '\r') end++;
            if (end == n) break; // an unterminated last line is incomplete
            String line = stream.substring(i, end);
            i = end + 1;
            if (stream.charAt(end) == '\r' && i < n && stream.charAt(i) == '\n') i++;
            if (line.isEmpty()) {
                if (data != null) events.add(new Event(event == null ? "message" : event, data.toString()));
                event = null;
                data = null;
                continue;
            }
            if (line.charAt(0) == ':') continue;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            switch (field) {
                case "event" -> event = value;
                case "data" -> {
                    if (data == null) data = new StringBuilder(value);
                    else data.append('\n').append(value);
                }
                default -> { }
            }
        }
        return events;
    }

    /** The event names of {@link #parse(String)}, in order; handy for asserting the grammar. */
    public static List<String> eventNames(String stream) {
        return parse(stream).stream().map(Event::event).toList();
    }
}

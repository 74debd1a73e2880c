package ccflare.db;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Captured headers stored as text, one {@code name: value} per line, in their original order
 * (duplicates kept). Line breaks inside a value cannot be represented and are replaced by a space;
 * HTTP forbids them in header values anyway.
 */
final class HeaderLines {
    private HeaderLines() {}

    static String encode(List<Map.Entry<String, String>> headers) {
        int length = 0;
        for (Map.Entry<String, String> h : headers) length += lengthOf(h.getKey()) + lengthOf(h.getValue()) + 3;
        StringBuilder sb = new StringBuilder(length);
        for (Map.Entry<String, String> h : headers) {
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(oneLine(h.getKey())).append(": ").append(oneLine(h.getValue()));
        }
        return sb.toString();
    }

    static List<Map.Entry<String, String>> decode(String text) {
        if (text == null || text.isEmpty()) return List.of();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            // From index 1: an HTTP/2 pseudo-header name (":authority") starts with a colon.
            int colon = line.indexOf(':', 1);
            if (colon < 0) {
                headers.add(new SimpleImmutableEntry<>(line, ""));
                continue;
            }
            String value = line.substring(colon + 1);
            // encode() writes exactly one space after the colon; a value's own leading space survives.
            if (value.startsWith(" ")) value = value.substring(1);
            headers.add(new SimpleImmutableEntry<>(line.substring(0, colon), value));
        }
        return headers;
    }

    private static int lengthOf(String s) { return s == null ? 0 : s.length(); }

    private static String oneLine(String s) {
        if (s == null) return "";
        return s.indexOf('\n') < 0 && s.indexOf('\r') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
    }
}

package ccflare.providers.translate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;

/**
 * The delta events — nearly every event of a stream — read with the streaming parser and written
 * as text, without a tree either way (the tree path cost about 5 KB and most of the time per
 * event). Anything not of the plain shape returns {@code null} and takes the tree path, so this
 * only ever changes speed, never output (the golden files, reviewed when the tree path wrote
 * them, check what the fast path writes).
 */
final class DeltaFastPath {
    private static final JsonFactory FACTORY = new JsonFactory();

    private DeltaFastPath() {}

    /** An Anthropic {@code content_block_delta}: its block index, delta type and text (text, thinking or partial_json). */
    record BlockDelta(int index, String type, String text) {}

    static BlockDelta anthropicDelta(String data) {
        try (JsonParser p = FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            String type = null;
            String deltaType = null;
            String text = null;
            int index = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "type" -> type = p.getText();
                    case "index" -> index = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
                    case "delta" -> {
                        if (value != JsonToken.START_OBJECT) return null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String inner = p.currentName();
                            JsonToken v = p.nextToken();
                            switch (inner) {
                                case "type" -> deltaType = p.getText();
                                case "text", "thinking", "partial_json" -> {
                                    if (v != JsonToken.VALUE_STRING) return null;
                                    text = p.getText();
                                }
                                default -> p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            return "content_block_delta".equals(type) && deltaType != null && text != null && index >= 0
                    ? new BlockDelta(index, deltaType, text) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The {@code delta.content} of a Chat chunk that carries nothing else: one choice, no role,
     * tool calls, reasoning, finish reason or usage; {@code null} otherwise.
     */
    static String chatContent(String data) {
        try (JsonParser p = FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            String content = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "choices" -> {
                        if (value != JsonToken.START_ARRAY || p.nextToken() != JsonToken.START_OBJECT) return null;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String inner = p.currentName();
                            JsonToken v = p.nextToken();
                            switch (inner) {
                                case "index", "logprobs" -> p.skipChildren();
                                case "finish_reason" -> { if (v != JsonToken.VALUE_NULL) return null; }
                                case "delta" -> {
                                    if (v != JsonToken.START_OBJECT) return null;
                                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                                        String d = p.currentName();
                                        JsonToken dv = p.nextToken();
                                        if (d.equals("content") && dv == JsonToken.VALUE_STRING) content = p.getText();
                                        else if (dv != JsonToken.VALUE_NULL) return null;
                                    }
                                }
                                default -> { return null; }
                            }
                        }
                        if (p.nextToken() != JsonToken.END_ARRAY) return null;
                    }
                    case "usage", "error" -> { if (value != JsonToken.VALUE_NULL) return null; }
                    default -> p.skipChildren();
                }
            }
            return content;
        } catch (IOException e) {
            return null;
        }
    }

    /** The {@code type} and {@code delta} of a Responses {@code *.delta} event; {@code null} for any other event. */
    static String[] responsesDelta(String data) {
        try (JsonParser p = FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            String type = null;
            String delta = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "type" -> type = p.getText();
                    case "delta" -> {
                        if (value != JsonToken.VALUE_STRING) return null;
                        delta = p.getText();
                    }
                    default -> p.skipChildren();
                }
            }
            return type != null && delta != null && type.endsWith(".delta") ? new String[] {type, delta} : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Appends {@code text} as a JSON string literal. */
    static StringBuilder quote(StringBuilder out, String text) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, out);
        return out.append('"');
    }
}

package ccflare.providers.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** The one mapper of the translations and the small tree operations every direction needs. */
final class Trees {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Trees() {}

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Parses one JSON document; a malformed one is an {@link Untranslatable} naming {@code field}. */
    static JsonNode parse(String json, String field) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new Untranslatable(field, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** Parses an SSE payload; {@code null} when it is not JSON (the stream translators skip it). */
    static JsonNode parseOrNull(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not serialise", e);
        }
    }

    /** Refuses every field of {@code body} that is not in {@code known}, naming the first. */
    static void refuseUnknown(JsonNode body, Set<String> known, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            String name = fields.next().getKey();
            if (!known.contains(name)) {
                throw new Untranslatable(prefix + name, "no counterpart in the upstream's API");
            }
        }
    }

    /** A text that is a string or an array of {@code {type:text|input_text|output_text, text}} parts. */
    static String text(JsonNode content, String field) {
        if (content == null || content.isNull() || content.isMissingNode()) return "";
        if (content.isTextual()) return content.asText();
        if (!content.isArray()) throw new Untranslatable(field, "expected a string or an array of text parts");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText();
            switch (type) {
                case "text", "input_text", "output_text" -> out.append(part.path("text").asText());
                default -> throw new Untranslatable(field + "[" + i + "].type", "'" + type + "' where only text is accepted");
            }
        }
        return out.toString();
    }

    static long longOr(JsonNode node, String field, long fallback) {
        JsonNode value = node.get(field);
        return value != null && value.canConvertToLong() ? value.asLong() : fallback;
    }

    /** {@code data:image/png;base64,AAAA} → media type and data, or {@code null} when not a base64 data URL. */
    static String[] dataUrl(String url) {
        if (!url.startsWith("data:")) return null;
        int semi = url.indexOf(";base64,");
        if (semi < 0) return null;
        return new String[] {url.substring(5, semi), url.substring(semi + 8)};
    }
}

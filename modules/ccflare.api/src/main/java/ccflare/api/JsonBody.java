package ccflare.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A JSON object body with typed field readers whose errors name the field, what was sent and what
 * is expected. Secret fields are read with {@link #secret(String)}, whose errors never show the value.
 */
final class JsonBody {

    private final JsonNode object;

    JsonBody(JsonNode object) { this.object = object; }

    static JsonBody empty() { return new JsonBody(JsonNodeFactory.instance.objectNode()); }

    /** The object itself. */
    JsonNode tree() { return object; }

    boolean has(String field) { return object.has(field); }

    boolean isEmpty() { return object.isEmpty(); }

    /** Present with the value {@code null}, which PATCH uses for "clear". */
    boolean isNull(String field) { return object.has(field) && object.get(field).isNull(); }

    /** @throws ApiException 400 naming the first field not in {@code allowed} */
    void allowOnly(Set<String> allowed, String expected) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) throw ApiException.badRequest("unknown field '" + f + "' (expected: " + expected + ")");
        }
    }

    /** A string field; empty when absent or null. */
    Optional<String> string(String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) return Optional.empty();
        if (!n.isTextual()) throw ApiException.badRequest(field + ": " + show(n) + " (expected: a string)");
        return Optional.of(n.textValue());
    }

    /** A string field holding a secret: errors say only what kind of value was sent. */
    Optional<String> secret(String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) return Optional.empty();
        if (!n.isTextual()) throw ApiException.badRequest(field + ": " + kind(n) + " (expected: a string)");
        return Optional.of(n.textValue());
    }

    /** An integer field that must be {@code >= 0}; empty when absent or null. */
    OptionalInt nonNegativeInt(String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) return OptionalInt.empty();
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0) {
            throw ApiException.badRequest(field + ": " + show(n) + " (expected: an integer >= 0)");
        }
        return OptionalInt.of(n.intValue());
    }

    /** A number field that must be {@code >= 0} and finite; empty when absent or null. */
    Optional<Double> nonNegativeNumber(String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) return Optional.empty();
        if (!n.isNumber() || !Double.isFinite(n.doubleValue()) || n.doubleValue() < 0) {
            throw ApiException.badRequest(field + ": " + show(n) + " (expected: a number >= 0)");
        }
        return Optional.of(n.doubleValue());
    }

    /** A boolean field; empty when absent or null. */
    Optional<Boolean> bool(String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) return Optional.empty();
        if (!n.isBoolean()) throw ApiException.badRequest(field + ": " + show(n) + " (expected: true or false)");
        return Optional.of(n.booleanValue());
    }

    /** The field names, in the order sent. */
    List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A short description of a value for an error message: the value itself when short, else its kind. */
    static String show(JsonNode n) {
        if (n.isTextual()) {
            String t = n.textValue();
            return t.length() <= 60 ? "'" + t + "'" : "'" + t.substring(0, 57) + "...'";
        }
        if (n.isNumber() || n.isBoolean()) return n.asText();
        return kind(n);
    }

    /** The JSON type of a value, without the value. */
    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "not a value";
        };
    }
}

package ccflare.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON codec of the API: camelCase records, unknown fields ignored on read, a repeated
 * key refused, absent values left out on write. Thread-safe.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // {"priority":1,"priority":9} is a mistake or a smuggling attempt, not "last one wins".
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .serializationInclusion(JsonInclude.Include.NON_ABSENT)
            .build();

    private Json() {}

    /** Serialises a DTO (or a map/list of them). */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String writeString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a DTO.
     *
     * @throws BadJsonException naming the problem, when the bytes are not JSON of that shape
     */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new BadJsonException(describe(e), e);
        }
    }

    /** Reads any JSON document as a tree. @throws BadJsonException when it is not JSON */
    public static JsonNode tree(byte[] json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) throw new BadJsonException("empty body (expected: a JSON document)", null);
            return node;
        } catch (IOException e) {
            throw new BadJsonException(describe(e), e);
        }
    }

    /** Binds a tree already read to a type (for example a PATCH body to a {@code Map}). @throws BadJsonException when it does not fit */
    public static <T> T convert(JsonNode tree, Class<T> type) {
        try {
            return MAPPER.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            throw new BadJsonException(describe(e), e);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof JsonProcessingException jpe) {
            String msg = jpe.getOriginalMessage();
            var loc = jpe.getLocation();
            return loc == null ? msg : msg + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        }
        return e.getMessage();
    }

    /** Input that is not the JSON expected; the message names the problem. */
    public static final class BadJsonException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public BadJsonException(String message, Throwable cause) { super("malformed JSON: " + message, cause); }
    }
}

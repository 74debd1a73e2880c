package ccflare.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Reads the top-level {@code model} of a request body with the streaming parser, skipping everything else. */
final class RequestModel {

    private static final JsonFactory JSON = new JsonFactory();

    private RequestModel() {}

    /** The model named by the body, or empty when there is none or the body is not a JSON object. */
    static String of(byte[] body) {
        if (body.length == 0) return "";
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("model".equals(name)) return value == JsonToken.VALUE_STRING ? p.getText() : "";
                p.skipChildren();
            }
            return "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}

package ccflare.server;

import ccflare.core.RequestRecord;
import ccflare.db.OriginalImport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a payload of the original ccflare ({@code request_payloads.json}:
 * {@code {"request":{"headers":{…},"body":"<base64>|null"},"response":{"status":…,"headers":{…},"body":…},
 * "meta":{"isStream":…}}}) into a payload as this daemon stores it. The original kept the client's
 * credentials in the request headers; they are redacted here, as the proxy redacts captured ones.
 * Bodies over the payload cap are cut and marked truncated.
 */
final class OriginalPayloads implements OriginalImport.PayloadReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SECRET = Set.of("authorization", "x-api-key", "cookie", "set-cookie", "proxy-authorization");
    static final String REDACTED = "[redacted]";

    private final int maxBytes;

    OriginalPayloads(int maxBytes) { this.maxBytes = Math.max(0, maxBytes); }

    @Override
    public Optional<RequestRecord.Payload> read(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject() || !root.path("request").isObject() || !root.path("response").isObject()) {
            return Optional.empty();
        }
        try {
            byte[] requestBody = body(root.path("request").path("body"));
            byte[] responseBody = body(root.path("response").path("body"));
            boolean truncated = requestBody.length > maxBytes || responseBody.length > maxBytes;
            return Optional.of(new RequestRecord.Payload(headers(root.path("request").path("headers")), cut(requestBody),
                    headers(root.path("response").path("headers")), cut(responseBody),
                    root.path("meta").path("isStream").asBoolean(false), truncated));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a body that is not base64
        }
    }

    private byte[] cut(byte[] b) {
        return b.length > maxBytes ? java.util.Arrays.copyOf(b, maxBytes) : b;
    }

    private static byte[] body(JsonNode n) {
        return n.isTextual() ? Base64.getDecoder().decode(n.textValue()) : new byte[0];
    }

    private static List<Map.Entry<String, String>> headers(JsonNode n) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (!n.isObject()) return out;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = SECRET.contains(e.getKey().toLowerCase(Locale.ROOT)) ? REDACTED
                    : e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString();
            out.add(Map.entry(e.getKey(), value));
        }
        return out;
    }
}

package ccflare.protocol;

import java.util.Map;

/**
 * The captured request and response of one request, credentials already redacted.
 *
 * @param streamed  the response was a stream (SSE)
 * @param truncated a size cap cut at least one body
 */
public record PayloadView(Part request, Part response, boolean streamed, boolean truncated) {

    /**
     * Headers and body of one side. Repeated header fields are joined with {@code ", "}.
     *
     * @param body         the body as UTF-8 text, or base64 when it is not valid UTF-8
     * @param bodyEncoding {@code base64} when {@code body} is base64; absent when it is text
     */
    public record Part(Map<String, String> headers, String body, String bodyEncoding) {
        public Part {
            headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
            body = body == null ? "" : body;
        }

        /** The body's bytes, decoding base64 when needed. */
        public byte[] bodyBytes() {
            return "base64".equals(bodyEncoding) ? java.util.Base64.getDecoder().decode(body)
                    : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}

package ccflare.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The bodies of responses the proxy writes itself, in the error shape the route's clients parse:
 * Anthropic's {@code {"type":"error","error":{"type":…,"message":…}}} on the Anthropic routes,
 * OpenAI's {@code {"error":{"message":…,"type":…,"param":null,"code":null}}} on {@code /v1/openai}
 * and {@code /v1/codex}.
 */
final class ErrorBodies {

    private ErrorBodies() {}

    static final String RATE_LIMIT = "rate_limit_error";
    static final String NOT_FOUND = "not_found_error";
    static final String TOO_LARGE = "request_too_large";
    static final String OVERLOADED = "overloaded_error";
    static final String API_ERROR = "api_error";
    static final String INVALID_REQUEST = "invalid_request_error";
    static final String PERMISSION = "permission_error";
    static final String AUTHENTICATION = "authentication_error";

    static byte[] json(String type, String message) {
        return ("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** OpenAI's error shape, for the routes whose clients are OpenAI SDKs and Codex. */
    static byte[] openAi(String type, String message, String param) {
        return ("{\"error\":{\"message\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(message))
                + "\",\"type\":\"" + type + "\",\"param\":" + (param == null ? "null" : "\"" + param + "\"")
                + ",\"code\":null}}").getBytes(StandardCharsets.UTF_8);
    }

    /** The SSE event that ends a stream the upstream broke after the response had started. */
    static byte[] sseError(String message) {
        return ("event: error\ndata: " + new String(json(API_ERROR, message), StandardCharsets.UTF_8) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}

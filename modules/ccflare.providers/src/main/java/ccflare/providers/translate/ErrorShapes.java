package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Error bodies in each family's shape. The status is the upstream's (429 stays 429; the caller
 * copies {@code retry-after}); only the body's shape changes. Anthropic: {@code {type:"error",
 * error:{type, message}}}; OpenAI: {@code {error:{message, type, param, code}}}.
 */
final class ErrorShapes {
    static final String INTERRUPTED = "the upstream stream ended before its final event";

    private ErrorShapes() {}

    static String anthropicType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    static String openAiType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    static ObjectNode anthropic(String type, String message) {
        ObjectNode out = object().put("type", "error");
        out.putObject("error").put("type", type).put("message", message);
        return out;
    }

    static ObjectNode openAi(String type, String message, String code) {
        ObjectNode out = object();
        ObjectNode error = out.putObject("error").put("message", message).put("type", type).putNull("param");
        if (code == null) error.putNull("code");
        else error.put("code", code);
        return out;
    }

    /** The message an upstream error body carries, in either family's shape; the raw text when it is not JSON. */
    static String message(JsonNode body, String raw) {
        if (body == null) return raw.isBlank() ? "upstream error" : raw;
        JsonNode error = body.path("error");
        if (error.isTextual()) return error.asText();
        String message = error.path("message").asText(body.path("message").asText(""));
        return message.isEmpty() ? Trees.write(body) : message;
    }

    static ObjectNode openAiStreamError(JsonNode anthropicError) {
        String type = anthropicError.path("type").asText("api_error");
        return openAi(type.equals("overloaded_error") ? "server_error" : type, anthropicError.path("message").asText(), type);
    }

    static ObjectNode interruptedOpenAi() {
        return openAi("server_error", INTERRUPTED, "stream_interrupted");
    }

    static ObjectNode interruptedAnthropic() {
        return anthropic("api_error", INTERRUPTED);
    }
}

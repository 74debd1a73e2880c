package ccflare.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the ChatGPT Codex backend requires of a Responses request (the original's normalisation):
 * always streamed and never stored, parallel tool calls on, encrypted reasoning included, effort
 * {@code medium} unless named, summaries {@code auto}; no token maximum, temperature, top_p,
 * truncation, user or non-priority service tier; a string input becomes one user message;
 * {@code system} messages become {@code developer}; {@code web_search_preview*} tools become
 * {@code web_search}; instructions default to the original's sentence.
 */
final class CodexNormalisation {
    static final String DEFAULT_INSTRUCTIONS = "You are a helpful assistant.";

    private CodexNormalisation() {}

    static ObjectNode apply(ObjectNode body) {
        body.put("stream", true);
        body.put("store", false);
        body.put("parallel_tool_calls", true);
        body.putArray("include").add("reasoning.encrypted_content");
        ObjectNode reasoning = body.has("reasoning") && body.get("reasoning").isObject()
                ? (ObjectNode) body.get("reasoning") : body.putObject("reasoning");
        if (!reasoning.path("effort").isTextual()) reasoning.put("effort", "medium");
        reasoning.put("summary", "auto");
        body.remove(java.util.List.of("max_output_tokens", "max_completion_tokens", "temperature", "top_p", "truncation", "user"));
        if (!"priority".equals(body.path("service_tier").asText())) body.remove("service_tier");
        if (!body.path("instructions").isTextual()) body.put("instructions", DEFAULT_INSTRUCTIONS);
        JsonNode input = body.get("input");
        if (input == null || input.isTextual()) {
            ArrayNode items = body.putArray("input");
            ObjectNode message = items.addObject().put("type", "message").put("role", "user");
            message.putArray("content").addObject().put("type", "input_text").put("text", input == null ? "" : input.asText());
        } else {
            for (JsonNode item : input) {
                if (item.path("role").asText().equals("system")) ((ObjectNode) item).put("role", "developer");
            }
        }
        JsonNode tools = body.get("tools");
        if (tools != null) {
            for (JsonNode tool : tools) {
                if (tool.path("type").asText().startsWith("web_search_preview")) ((ObjectNode) tool).put("type", "web_search");
            }
        }
        return body;
    }
}

package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.array;
import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * An Anthropic Messages request, sent as an OpenAI Chat or Responses request. Dropped because they
 * only tune the sampler or the service: {@code top_k}, {@code service_tier}; prior {@code thinking}
 * and {@code redacted_thinking} blocks (their signatures mean nothing to OpenAI); {@code
 * cache_control} marks. Everything else without a counterpart is refused by name.
 */
final class MessagesRequests {
    private static final Set<String> KNOWN = Set.of("model", "max_tokens", "system", "messages", "stop_sequences",
            "temperature", "top_p", "top_k", "stream", "tools", "tool_choice", "thinking", "metadata", "service_tier");

    private MessagesRequests() {}

    static ObjectNode toChat(JsonNode in) {
        Trees.refuseUnknown(in, KNOWN, "");
        ObjectNode out = object();
        out.set("model", in.path("model"));
        ArrayNode messages = out.putArray("messages");
        String system = system(in.get("system"));
        if (!system.isEmpty()) messages.addObject().put("role", "system").put("content", system);
        JsonNode list = in.path("messages");
        for (int m = 0; m < list.size(); m++) {
            chatMessages(list.get(m), "messages[" + m + "]", messages);
        }
        if (in.has("max_tokens")) out.put("max_completion_tokens", in.get("max_tokens").asLong());
        if (in.has("stop_sequences")) {
            if (in.get("stop_sequences").size() > 4) {
                throw new Untranslatable("stop_sequences", "OpenAI accepts at most 4 stop sequences");
            }
            out.set("stop", in.get("stop_sequences"));
        }
        copySampling(in, out);
        if (in.path("stream").asBoolean(false)) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        if (in.has("tools")) {
            ArrayNode tools = out.putArray("tools");
            JsonNode list2 = in.get("tools");
            for (int t = 0; t < list2.size(); t++) {
                JsonNode tool = customTool(list2.get(t), "tools[" + t + "]");
                ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
                fn.set("name", tool.get("name"));
                if (tool.has("description")) fn.set("description", tool.get("description"));
                fn.set("parameters", tool.path("input_schema"));
            }
        }
        toolChoice(in, out, true);
        effort(in).ifPresent(e -> out.put("reasoning_effort", e.openAiWire()));
        user(in).ifPresent(u -> out.put("user", u));
        return out;
    }

    static ObjectNode toResponses(JsonNode in) {
        Trees.refuseUnknown(in, KNOWN, "");
        if (in.has("stop_sequences") && !in.get("stop_sequences").isEmpty()) {
            throw new Untranslatable("stop_sequences", "the Responses API has no stop sequences");
        }
        ObjectNode out = object();
        out.set("model", in.path("model"));
        String system = system(in.get("system"));
        if (!system.isEmpty()) out.put("instructions", system);
        ArrayNode input = out.putArray("input");
        JsonNode list = in.path("messages");
        for (int m = 0; m < list.size(); m++) {
            responseItems(list.get(m), "messages[" + m + "]", input);
        }
        if (in.has("max_tokens")) out.put("max_output_tokens", in.get("max_tokens").asLong());
        copySampling(in, out);
        if (in.path("stream").asBoolean(false)) out.put("stream", true);
        out.put("store", false);
        if (in.has("tools")) {
            ArrayNode tools = out.putArray("tools");
            JsonNode list2 = in.get("tools");
            for (int t = 0; t < list2.size(); t++) {
                JsonNode tool = customTool(list2.get(t), "tools[" + t + "]");
                ObjectNode fn = tools.addObject().put("type", "function");
                fn.set("name", tool.get("name"));
                if (tool.has("description")) fn.set("description", tool.get("description"));
                fn.set("parameters", tool.path("input_schema"));
                fn.put("strict", false);
            }
        }
        toolChoice(in, out, false);
        effort(in).ifPresent(e -> out.putObject("reasoning").put("effort", e.openAiWire()).put("summary", "auto"));
        user(in).ifPresent(u -> out.put("user", u));
        return out;
    }

    private static String system(JsonNode system) {
        if (system == null) return "";
        if (system.isTextual()) return system.asText();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!"text".equals(block.path("type").asText())) {
                throw new Untranslatable("system[" + i + "].type", "only text blocks can become an OpenAI system message");
            }
            if (!out.isEmpty()) out.append("\n\n");
            out.append(block.path("text").asText());
        }
        return out.toString();
    }

    private static void copySampling(JsonNode in, ObjectNode out) {
        if (in.has("temperature")) out.set("temperature", in.get("temperature"));
        if (in.has("top_p")) out.set("top_p", in.get("top_p"));
    }

    private static JsonNode customTool(JsonNode tool, String field) {
        String type = tool.path("type").asText("custom");
        if (!type.equals("custom")) {
            throw new Untranslatable(field + ".type", "Anthropic server tool '" + type + "' has no OpenAI counterpart");
        }
        if (!tool.path("name").isTextual()) throw new Untranslatable(field + ".name", "a tool needs a name");
        return tool;
    }

    private static void toolChoice(JsonNode in, ObjectNode out, boolean chat) {
        JsonNode choice = in.get("tool_choice");
        if (choice == null) return;
        String type = choice.path("type").asText();
        switch (type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> {
                ObjectNode named = out.putObject("tool_choice").put("type", "function");
                if (chat) named.putObject("function").set("name", choice.get("name"));
                else named.set("name", choice.get("name"));
            }
            default -> throw new Untranslatable("tool_choice.type", "unknown tool choice '" + type + "'");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) out.put("parallel_tool_calls", false);
    }

    private static java.util.Optional<Effort> effort(JsonNode in) {
        JsonNode thinking = in.get("thinking");
        if (thinking == null) return java.util.Optional.empty();
        return switch (thinking.path("type").asText()) {
            case "enabled" -> java.util.Optional.of(Effort.ofBudget(thinking.path("budget_tokens").asLong(Effort.MEDIUM.budget)));
            case "adaptive" -> java.util.Optional.of(Effort.MEDIUM);
            case "disabled" -> java.util.Optional.empty();
            default -> throw new Untranslatable("thinking.type", "unknown thinking type '" + thinking.path("type").asText() + "'");
        };
    }

    private static java.util.Optional<String> user(JsonNode in) {
        JsonNode id = in.path("metadata").get("user_id");
        return id != null && id.isTextual() ? java.util.Optional.of(id.asText()) : java.util.Optional.empty();
    }

    /** One Anthropic message → one or more Chat messages (each tool result is its own {@code tool} message). */
    private static void chatMessages(JsonNode message, String field, ArrayNode out) {
        String role = message.path("role").asText();
        JsonNode content = message.get("content");
        if (!role.equals("user") && !role.equals("assistant")) {
            throw new Untranslatable(field + ".role", "expected user or assistant, got '" + role + "'");
        }
        if (content == null || content.isTextual()) {
            out.addObject().put("role", role).put("content", content == null ? "" : content.asText());
            return;
        }
        ArrayNode parts = array();
        ArrayNode toolCalls = array();
        StringBuilder assistantText = new StringBuilder();
        for (int b = 0; b < content.size(); b++) {
            JsonNode block = content.get(b);
            String at = field + ".content[" + b + "]";
            String type = block.path("type").asText();
            switch (type) {
                case "text" -> {
                    if (role.equals("assistant")) assistantText.append(block.path("text").asText());
                    else parts.addObject().put("type", "text").put("text", block.path("text").asText());
                }
                case "image" -> {
                    if (role.equals("assistant")) throw new Untranslatable(at, "OpenAI assistant messages cannot hold images");
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", imageUrl(block.path("source"), at));
                }
                case "tool_use" -> {
                    ObjectNode call = toolCalls.addObject();
                    call.set("id", block.get("id"));
                    call.put("type", "function");
                    ObjectNode fn = call.putObject("function");
                    fn.set("name", block.get("name"));
                    fn.put("arguments", Trees.write(block.path("input")));
                }
                case "tool_result" -> out.addObject()
                        .put("role", "tool")
                        .put("tool_call_id", block.path("tool_use_id").asText())
                        .put("content", toolResultText(block, at));
                case "thinking", "redacted_thinking" -> { /* dropped: OpenAI has no place for prior reasoning */ }
                default -> throw new Untranslatable(at + ".type", "content block '" + type + "' has no OpenAI Chat counterpart");
            }
        }
        if (role.equals("assistant")) {
            ObjectNode msg = out.addObject().put("role", "assistant");
            if (!assistantText.isEmpty() || toolCalls.isEmpty()) msg.put("content", assistantText.toString());
            else msg.putNull("content");
            if (!toolCalls.isEmpty()) msg.set("tool_calls", toolCalls);
        } else if (!parts.isEmpty()) {
            ObjectNode msg = out.addObject().put("role", "user");
            if (parts.size() == 1 && parts.get(0).path("type").asText().equals("text")) msg.set("content", parts.get(0).get("text"));
            else msg.set("content", parts);
        }
    }

    /** One Anthropic message → Responses input items. */
    private static void responseItems(JsonNode message, String field, ArrayNode out) {
        String role = message.path("role").asText();
        JsonNode content = message.get("content");
        if (!role.equals("user") && !role.equals("assistant")) {
            throw new Untranslatable(field + ".role", "expected user or assistant, got '" + role + "'");
        }
        String textType = role.equals("user") ? "input_text" : "output_text";
        if (content == null || content.isTextual()) {
            ObjectNode item = out.addObject().put("type", "message").put("role", role);
            item.putArray("content").addObject().put("type", textType).put("text", content == null ? "" : content.asText());
            return;
        }
        ArrayNode parts = null;
        for (int b = 0; b < content.size(); b++) {
            JsonNode block = content.get(b);
            String at = field + ".content[" + b + "]";
            String type = block.path("type").asText();
            switch (type) {
                case "text", "image" -> {
                    if (parts == null) {
                        parts = out.addObject().put("type", "message").put("role", role).putArray("content");
                    }
                    if (type.equals("text")) {
                        parts.addObject().put("type", textType).put("text", block.path("text").asText());
                    } else {
                        if (role.equals("assistant")) throw new Untranslatable(at, "Responses assistant messages cannot hold images");
                        parts.addObject().put("type", "input_image").put("image_url", imageUrl(block.path("source"), at));
                    }
                }
                case "tool_use" -> {
                    parts = null;
                    ObjectNode call = out.addObject().put("type", "function_call");
                    call.set("call_id", block.get("id"));
                    call.set("name", block.get("name"));
                    call.put("arguments", Trees.write(block.path("input")));
                }
                case "tool_result" -> {
                    parts = null;
                    out.addObject().put("type", "function_call_output")
                            .put("call_id", block.path("tool_use_id").asText())
                            .put("output", toolResultText(block, at));
                }
                case "thinking", "redacted_thinking" -> { /* dropped: OpenAI reasoning items carry its own encrypted state */ }
                default -> throw new Untranslatable(at + ".type", "content block '" + type + "' has no Responses counterpart");
            }
        }
    }

    private static String imageUrl(JsonNode source, String field) {
        return switch (source.path("type").asText()) {
            case "base64" -> "data:" + source.path("media_type").asText() + ";base64," + source.path("data").asText();
            case "url" -> source.path("url").asText();
            default -> throw new Untranslatable(field + ".source.type", "only base64 and url images translate");
        };
    }

    private static String toolResultText(JsonNode block, String field) {
        String text = Trees.text(block.get("content"), field + ".content");
        // OpenAI has no error flag on a tool result; the model reads it from the text instead.
        return block.path("is_error").asBoolean(false) ? "Error: " + text : text;
    }
}

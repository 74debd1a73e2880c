package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * An OpenAI Chat or Responses request, sent as an Anthropic Messages request. Dropped because they
 * only tune the sampler, the store or the service: {@code presence_penalty}, {@code
 * frequency_penalty}, {@code seed}, {@code store}, {@code metadata}, {@code service_tier}, {@code
 * stream_options}, {@code prompt_cache_key}, {@code safety_identifier}, {@code include}, {@code
 * truncation}, {@code text.verbosity}, {@code reasoning.summary}, {@code response_format} of type
 * {@code text}; prior Responses {@code reasoning} items (OpenAI's encrypted state). Everything
 * else without a counterpart is refused by name.
 */
final class OpenAiRequests {
    /** The original's default when a client names no maximum. */
    static final long DEFAULT_MAX_TOKENS = 4096;

    private static final Set<String> CHAT_KNOWN = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "stop", "temperature", "top_p", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls",
            "reasoning_effort", "user", "n", "presence_penalty", "frequency_penalty", "seed", "store", "metadata",
            "service_tier", "response_format", "prompt_cache_key", "safety_identifier", "logprobs");
    private static final Set<String> RESPONSES_KNOWN = Set.of("model", "input", "instructions", "max_output_tokens",
            "temperature", "top_p", "stream", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "user", "store",
            "metadata", "service_tier", "include", "truncation", "text", "prompt_cache_key", "safety_identifier");

    private OpenAiRequests() {}

    static ObjectNode chatToMessages(JsonNode in) {
        Trees.refuseUnknown(in, CHAT_KNOWN, "");
        if (in.path("n").asInt(1) != 1) throw new Untranslatable("n", "Anthropic returns one choice per request");
        if (in.path("logprobs").asBoolean(false)) throw new Untranslatable("logprobs", "Anthropic returns no log probabilities");
        JsonNode format = in.get("response_format");
        if (format != null && !format.path("type").asText().equals("text")) {
            throw new Untranslatable("response_format.type", "Anthropic has no JSON mode");
        }
        ObjectNode out = object();
        out.set("model", in.path("model"));
        Conversation conversation = new Conversation();
        JsonNode messages = in.path("messages");
        for (int m = 0; m < messages.size(); m++) {
            chatMessage(messages.get(m), "messages[" + m + "]", conversation);
        }
        long max = Trees.longOr(in, "max_completion_tokens", Trees.longOr(in, "max_tokens", DEFAULT_MAX_TOKENS));
        out.put("max_tokens", max);
        if (!conversation.system.isEmpty()) out.put("system", conversation.system.toString());
        out.set("messages", conversation.messages);
        JsonNode stop = in.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode sequences = out.putArray("stop_sequences");
            if (stop.isTextual()) sequences.add(stop);
            else sequences.addAll((ArrayNode) stop);
        }
        sampling(in, out);
        if (in.path("stream").asBoolean(false)) out.put("stream", true);
        tools(in.get("tools"), out, true);
        toolChoice(in, out, true);
        if (in.has("reasoning_effort")) thinking(Effort.parse(in.get("reasoning_effort").asText(), "reasoning_effort"), out, in, "reasoning_effort");
        if (in.path("user").isTextual()) out.putObject("metadata").put("user_id", in.get("user").asText());
        return out;
    }

    static ObjectNode responsesToMessages(JsonNode in) {
        Trees.refuseUnknown(in, RESPONSES_KNOWN, "");
        JsonNode text = in.path("text").path("format");
        if (!text.isMissingNode() && !text.path("type").asText().equals("text")) {
            throw new Untranslatable("text.format.type", "Anthropic has no JSON mode");
        }
        ObjectNode out = object();
        out.set("model", in.path("model"));
        Conversation conversation = new Conversation();
        if (in.path("instructions").isTextual()) conversation.addSystem(in.get("instructions").asText());
        JsonNode input = in.get("input");
        if (input == null || input.isTextual()) {
            conversation.add("user", object().put("type", "text").put("text", input == null ? "" : input.asText()));
        } else {
            for (int i = 0; i < input.size(); i++) {
                responseItem(input.get(i), "input[" + i + "]", conversation);
            }
        }
        out.put("max_tokens", Trees.longOr(in, "max_output_tokens", DEFAULT_MAX_TOKENS));
        if (!conversation.system.isEmpty()) out.put("system", conversation.system.toString());
        out.set("messages", conversation.messages);
        sampling(in, out);
        if (in.path("stream").asBoolean(false)) out.put("stream", true);
        tools(in.get("tools"), out, false);
        toolChoice(in, out, false);
        JsonNode effort = in.path("reasoning").get("effort");
        if (effort != null && effort.isTextual()) thinking(Effort.parse(effort.asText(), "reasoning.effort"), out, in, "reasoning.effort");
        if (in.path("user").isTextual()) out.putObject("metadata").put("user_id", in.get("user").asText());
        return out;
    }

    /** Anthropic messages under construction: consecutive blocks of one role share a message. */
    private static final class Conversation {
        final StringBuilder system = new StringBuilder();
        final ArrayNode messages = Trees.array();
        private String lastRole = "";
        private ArrayNode lastContent;

        void addSystem(String text) {
            if (text.isEmpty()) return;
            if (!system.isEmpty()) system.append("\n\n");
            system.append(text);
        }

        void add(String role, ObjectNode block) {
            if (!role.equals(lastRole)) {
                ObjectNode message = messages.addObject().put("role", role);
                lastContent = message.putArray("content");
                lastRole = role;
            }
            lastContent.add(block);
        }
    }

    private static void chatMessage(JsonNode message, String field, Conversation out) {
        String role = message.path("role").asText();
        JsonNode content = message.get("content");
        switch (role) {
            case "system", "developer" -> out.addSystem(Trees.text(content, field + ".content"));
            case "user" -> {
                if (content == null || content.isTextual()) {
                    out.add("user", object().put("type", "text").put("text", content == null ? "" : content.asText()));
                    return;
                }
                for (int p = 0; p < content.size(); p++) {
                    out.add("user", userPart(content.get(p), field + ".content[" + p + "]"));
                }
            }
            case "assistant" -> {
                if (message.has("function_call")) throw new Untranslatable(field + ".function_call", "legacy function calls are not translated; use tool_calls");
                if (content != null && content.isArray()) {
                    for (int p = 0; p < content.size(); p++) {
                        JsonNode part = content.get(p);
                        String type = part.path("type").asText();
                        String text = switch (type) {
                            case "text" -> part.path("text").asText();
                            case "refusal" -> part.path("refusal").asText();
                            default -> throw new Untranslatable(field + ".content[" + p + "].type", "'" + type + "' in an assistant message");
                        };
                        if (!text.isEmpty()) out.add("assistant", object().put("type", "text").put("text", text));
                    }
                } else if (content != null && content.isTextual() && !content.asText().isEmpty()) {
                    out.add("assistant", object().put("type", "text").put("text", content.asText()));
                }
                JsonNode calls = message.path("tool_calls");
                for (int c = 0; c < calls.size(); c++) {
                    JsonNode call = calls.get(c);
                    String at = field + ".tool_calls[" + c + "]";
                    if (!call.path("type").asText("function").equals("function")) {
                        throw new Untranslatable(at + ".type", "only function tool calls translate");
                    }
                    out.add("assistant", toolUse(call.path("id").asText(), call.path("function").path("name").asText(),
                            call.path("function").path("arguments").asText("{}"), at + ".function.arguments"));
                }
            }
            case "tool" -> out.add("user", object().put("type", "tool_result")
                    .put("tool_use_id", message.path("tool_call_id").asText())
                    .put("content", Trees.text(content, field + ".content")));
            default -> throw new Untranslatable(field + ".role", "role '" + role + "' has no Anthropic counterpart");
        }
    }

    private static void responseItem(JsonNode item, String field, Conversation out) {
        String type = item.path("type").asText("message");
        switch (type) {
            case "message" -> {
                String role = item.path("role").asText();
                JsonNode content = item.get("content");
                if (role.equals("system") || role.equals("developer")) {
                    out.addSystem(Trees.text(content, field + ".content"));
                    return;
                }
                if (!role.equals("user") && !role.equals("assistant")) {
                    throw new Untranslatable(field + ".role", "role '" + role + "' has no Anthropic counterpart");
                }
                if (content == null || content.isTextual()) {
                    out.add(role, object().put("type", "text").put("text", content == null ? "" : content.asText()));
                    return;
                }
                for (int p = 0; p < content.size(); p++) {
                    JsonNode part = content.get(p);
                    String at = field + ".content[" + p + "]";
                    String partType = part.path("type").asText();
                    switch (partType) {
                        case "input_text", "output_text" -> out.add(role, object().put("type", "text").put("text", part.path("text").asText()));
                        case "refusal" -> out.add(role, object().put("type", "text").put("text", part.path("refusal").asText()));
                        case "input_image" -> {
                            if (!part.path("image_url").isTextual()) throw new Untranslatable(at + ".file_id", "only images given by URL or data URL translate");
                            out.add(role, image(part.get("image_url").asText(), at));
                        }
                        default -> throw new Untranslatable(at + ".type", "content part '" + partType + "' has no Anthropic counterpart");
                    }
                }
            }
            case "function_call" -> out.add("assistant", toolUse(item.path("call_id").asText(), item.path("name").asText(),
                    item.path("arguments").asText("{}"), field + ".arguments"));
            case "function_call_output" -> {
                JsonNode output = item.get("output");
                out.add("user", object().put("type", "tool_result")
                        .put("tool_use_id", item.path("call_id").asText())
                        .put("content", Trees.text(output, field + ".output")));
            }
            case "reasoning" -> { /* dropped: OpenAI's encrypted reasoning state means nothing to Anthropic */ }
            default -> throw new Untranslatable(field + ".type", "input item '" + type + "' has no Anthropic counterpart");
        }
    }

    private static ObjectNode userPart(JsonNode part, String field) {
        String type = part.path("type").asText();
        return switch (type) {
            case "text" -> object().put("type", "text").put("text", part.path("text").asText());
            case "image_url" -> image(part.path("image_url").path("url").asText(), field);
            default -> throw new Untranslatable(field + ".type", "content part '" + type + "' has no Anthropic counterpart");
        };
    }

    private static ObjectNode image(String url, String field) {
        ObjectNode block = object().put("type", "image");
        String[] data = Trees.dataUrl(url);
        if (data != null) {
            block.putObject("source").put("type", "base64").put("media_type", data[0]).put("data", data[1]);
        } else if (url.startsWith("https://") || url.startsWith("http://")) {
            block.putObject("source").put("type", "url").put("url", url);
        } else {
            throw new Untranslatable(field, "an image must be an http(s) URL or a base64 data URL");
        }
        return block;
    }

    private static ObjectNode toolUse(String id, String name, String arguments, String field) {
        JsonNode input = Trees.parse(arguments.isBlank() ? "{}" : arguments, field);
        if (!input.isObject()) throw new Untranslatable(field, "tool arguments must be a JSON object");
        ObjectNode block = object().put("type", "tool_use").put("id", id).put("name", name);
        block.set("input", input);
        return block;
    }

    private static void sampling(JsonNode in, ObjectNode out) {
        JsonNode temperature = in.get("temperature");
        if (temperature != null && !temperature.isNull()) {
            if (temperature.asDouble() > 1.0) throw new Untranslatable("temperature", temperature.asText() + " is above 1, the most Anthropic accepts");
            out.set("temperature", temperature);
        }
        if (in.has("top_p") && !in.get("top_p").isNull()) out.set("top_p", in.get("top_p"));
    }

    private static void tools(JsonNode tools, ObjectNode out, boolean chat) {
        if (tools == null || tools.isEmpty()) return;
        ArrayNode list = out.putArray("tools");
        for (int t = 0; t < tools.size(); t++) {
            JsonNode tool = tools.get(t);
            String at = "tools[" + t + "]";
            if (!tool.path("type").asText().equals("function")) {
                throw new Untranslatable(at + ".type", "tool type '" + tool.path("type").asText() + "' has no Anthropic counterpart");
            }
            JsonNode fn = chat ? tool.path("function") : tool;
            if (!fn.path("name").isTextual()) throw new Untranslatable(at + (chat ? ".function.name" : ".name"), "a tool needs a name");
            ObjectNode mapped = list.addObject();
            mapped.set("name", fn.get("name"));
            if (fn.path("description").isTextual()) mapped.set("description", fn.get("description"));
            JsonNode schema = fn.get("parameters");
            if (schema == null || schema.isNull()) mapped.putObject("input_schema").put("type", "object");
            else mapped.set("input_schema", schema);
        }
    }

    private static void toolChoice(JsonNode in, ObjectNode out, boolean chat) {
        JsonNode choice = in.get("tool_choice");
        ObjectNode mapped = null;
        if (choice != null && !choice.isNull()) {
            if (choice.isTextual()) {
                mapped = switch (choice.asText()) {
                    case "auto" -> object().put("type", "auto");
                    case "required" -> object().put("type", "any");
                    case "none" -> object().put("type", "none");
                    default -> throw new Untranslatable("tool_choice", "unknown tool choice '" + choice.asText() + "'");
                };
            } else if (choice.path("type").asText().equals("function")) {
                JsonNode name = chat ? choice.path("function").path("name") : choice.path("name");
                mapped = object().put("type", "tool").put("name", name.asText());
            } else {
                throw new Untranslatable("tool_choice.type", "tool choice '" + choice.path("type").asText() + "' has no Anthropic counterpart");
            }
        }
        if (!in.path("parallel_tool_calls").asBoolean(true)) {
            if (mapped == null) mapped = object().put("type", "auto");
            if (!mapped.path("type").asText().equals("none")) mapped.put("disable_parallel_tool_use", true);
        }
        if (mapped != null) out.set("tool_choice", mapped);
    }

    /**
     * Reasoning effort → {@code thinking}. Adaptive-thinking models ({@code *-4-6*}) take {@code
     * output_config.effort} instead of a budget. A budget must stay below {@code max_tokens}, so
     * the visible answer keeps the client's maximum on top of it.
     */
    private static void thinking(Effort effort, ObjectNode out, JsonNode in, String field) {
        if (effort == Effort.NONE) return;
        String model = out.path("model").asText();
        if (model.contains("4-6") || model.contains("4.6")) {
            out.putObject("thinking").put("type", "adaptive");
            out.putObject("output_config").put("effort", effort.adaptiveWire());
            return;
        }
        String choice = out.path("tool_choice").path("type").asText("auto");
        if (choice.equals("any") || choice.equals("tool")) {
            throw new Untranslatable("tool_choice", "Anthropic accepts only auto or none with " + field);
        }
        if (out.has("temperature") && out.get("temperature").asDouble() != 1.0) {
            throw new Untranslatable("temperature", "Anthropic accepts no temperature other than 1 with " + field);
        }
        int budget = effort.anthropicBudget();
        out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
        long max = out.path("max_tokens").asLong();
        if (max <= budget) out.put("max_tokens", budget + max);
    }
}

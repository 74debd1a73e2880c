package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * An OpenAI Chat request, sent as a Responses request (for a Codex account, which speaks only
 * Responses). Messages become {@code input} items in order: system and developer messages keep
 * their role (Codex's normalisation turns {@code system} into {@code developer}), user text and
 * images become {@code input_text}/{@code input_image}, assistant text {@code output_text},
 * {@code tool_calls} {@code function_call} items and {@code tool} messages {@code
 * function_call_output} items. Dropped because the Responses API has no place for them and they
 * only tune the sampler, the store or the client's own stream: {@code presence_penalty}, {@code
 * frequency_penalty}, {@code seed}, {@code metadata}, {@code stream_options}, {@code response_format}
 * of type {@code text}. Everything else without a counterpart is refused by name.
 */
final class ChatToResponses {
    private static final Set<String> KNOWN = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "stop", "temperature", "top_p", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls",
            "reasoning_effort", "user", "n", "presence_penalty", "frequency_penalty", "seed", "store", "metadata",
            "service_tier", "response_format", "prompt_cache_key", "safety_identifier", "logprobs");

    private ChatToResponses() {}

    static ObjectNode translate(JsonNode in) {
        Trees.refuseUnknown(in, KNOWN, "");
        if (in.path("n").asInt(1) != 1) throw new Untranslatable("n", "the Responses API returns one answer per request");
        if (in.path("logprobs").asBoolean(false)) throw new Untranslatable("logprobs", "log probabilities are not translated to the Responses API");
        JsonNode stop = in.get("stop");
        if (stop != null && !stop.isNull() && !(stop.isArray() && stop.isEmpty())) {
            throw new Untranslatable("stop", "the Responses API has no stop sequences");
        }
        ObjectNode out = object();
        out.set("model", in.path("model"));
        ArrayNode input = out.putArray("input");
        JsonNode messages = in.path("messages");
        for (int m = 0; m < messages.size(); m++) {
            message(messages.get(m), "messages[" + m + "]", input);
        }
        JsonNode max = in.has("max_completion_tokens") ? in.get("max_completion_tokens") : in.get("max_tokens");
        if (max != null && !max.isNull()) out.put("max_output_tokens", max.asLong());
        for (String copied : new String[] {"temperature", "top_p", "parallel_tool_calls", "user", "service_tier",
                "prompt_cache_key", "safety_identifier"}) {
            if (in.has(copied) && !in.get(copied).isNull()) out.set(copied, in.get(copied));
        }
        if (in.path("stream").asBoolean(false)) out.put("stream", true);
        out.put("store", false);
        format(in.get("response_format"), out);
        tools(in.get("tools"), out);
        toolChoice(in.get("tool_choice"), out);
        if (in.has("reasoning_effort") && !in.get("reasoning_effort").isNull()) {
            Effort effort = Effort.parse(in.get("reasoning_effort").asText(), "reasoning_effort");
            out.putObject("reasoning").put("effort", effort.openAiWire()).put("summary", "auto");
        }
        return out;
    }

    private static void message(JsonNode message, String field, ArrayNode out) {
        String role = message.path("role").asText();
        JsonNode content = message.get("content");
        switch (role) {
            case "system", "developer" -> {
                ObjectNode item = out.addObject().put("type", "message").put("role", role);
                item.putArray("content").addObject().put("type", "input_text").put("text", Trees.text(content, field + ".content"));
            }
            case "user" -> {
                ArrayNode parts = out.addObject().put("type", "message").put("role", "user").putArray("content");
                if (content == null || content.isTextual()) {
                    parts.addObject().put("type", "input_text").put("text", content == null ? "" : content.asText());
                    return;
                }
                for (int p = 0; p < content.size(); p++) {
                    JsonNode part = content.get(p);
                    String at = field + ".content[" + p + "]";
                    String type = part.path("type").asText();
                    switch (type) {
                        case "text" -> parts.addObject().put("type", "input_text").put("text", part.path("text").asText());
                        case "image_url" -> {
                            JsonNode url = part.path("image_url").path("url");
                            if (!url.isTextual()) throw new Untranslatable(at + ".image_url.url", "an image needs a URL or a data URL");
                            ObjectNode image = parts.addObject().put("type", "input_image").put("image_url", url.asText());
                            if (part.path("image_url").path("detail").isTextual()) image.set("detail", part.path("image_url").get("detail"));
                        }
                        default -> throw new Untranslatable(at + ".type", "content part '" + type + "' is not translated to the Responses API");
                    }
                }
            }
            case "assistant" -> {
                if (message.has("function_call")) throw new Untranslatable(field + ".function_call", "legacy function calls are not translated; use tool_calls");
                StringBuilder text = new StringBuilder();
                if (content != null && content.isArray()) {
                    for (int p = 0; p < content.size(); p++) {
                        JsonNode part = content.get(p);
                        String type = part.path("type").asText();
                        switch (type) {
                            case "text" -> text.append(part.path("text").asText());
                            case "refusal" -> text.append(part.path("refusal").asText());
                            default -> throw new Untranslatable(field + ".content[" + p + "].type", "'" + type + "' in an assistant message");
                        }
                    }
                } else if (content != null && content.isTextual()) {
                    text.append(content.asText());
                }
                if (!text.isEmpty()) {
                    out.addObject().put("type", "message").put("role", "assistant").putArray("content")
                            .addObject().put("type", "output_text").put("text", text.toString());
                }
                JsonNode calls = message.path("tool_calls");
                for (int c = 0; c < calls.size(); c++) {
                    JsonNode call = calls.get(c);
                    String at = field + ".tool_calls[" + c + "]";
                    if (!call.path("type").asText("function").equals("function")) {
                        throw new Untranslatable(at + ".type", "only function tool calls translate");
                    }
                    out.addObject().put("type", "function_call").put("call_id", call.path("id").asText())
                            .put("name", call.path("function").path("name").asText())
                            .put("arguments", call.path("function").path("arguments").asText("{}"));
                }
            }
            case "tool" -> out.addObject().put("type", "function_call_output")
                    .put("call_id", message.path("tool_call_id").asText())
                    .put("output", Trees.text(content, field + ".content"));
            default -> throw new Untranslatable(field + ".role", "role '" + role + "' has no Responses counterpart");
        }
    }

    private static void format(JsonNode format, ObjectNode out) {
        if (format == null || format.isNull()) return;
        String type = format.path("type").asText();
        switch (type) {
            case "text" -> { /* the default */ }
            case "json_object" -> out.putObject("text").putObject("format").put("type", "json_object");
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema");
                ObjectNode f = out.putObject("text").putObject("format").put("type", "json_schema");
                for (String k : new String[] {"name", "description", "schema", "strict"}) {
                    if (schema.has(k)) f.set(k, schema.get(k));
                }
            }
            default -> throw new Untranslatable("response_format.type", "unknown response format '" + type + "'");
        }
    }

    private static void tools(JsonNode tools, ObjectNode out) {
        if (tools == null || tools.isEmpty()) return;
        ArrayNode list = out.putArray("tools");
        for (int t = 0; t < tools.size(); t++) {
            JsonNode tool = tools.get(t);
            String at = "tools[" + t + "]";
            if (!tool.path("type").asText().equals("function")) {
                throw new Untranslatable(at + ".type", "tool type '" + tool.path("type").asText() + "' is not translated to the Responses API");
            }
            JsonNode fn = tool.path("function");
            if (!fn.path("name").isTextual()) throw new Untranslatable(at + ".function.name", "a tool needs a name");
            ObjectNode mapped = list.addObject().put("type", "function");
            mapped.set("name", fn.get("name"));
            if (fn.path("description").isTextual()) mapped.set("description", fn.get("description"));
            JsonNode schema = fn.get("parameters");
            if (schema == null || schema.isNull()) mapped.putObject("parameters").put("type", "object");
            else mapped.set("parameters", schema);
            mapped.put("strict", fn.path("strict").asBoolean(false));
        }
    }

    private static void toolChoice(JsonNode choice, ObjectNode out) {
        if (choice == null || choice.isNull()) return;
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto", "required", "none" -> out.set("tool_choice", choice);
                default -> throw new Untranslatable("tool_choice", "unknown tool choice '" + choice.asText() + "'");
            }
        } else if (choice.path("type").asText().equals("function")) {
            out.putObject("tool_choice").put("type", "function").put("name", choice.path("function").path("name").asText());
        } else {
            throw new Untranslatable("tool_choice.type", "tool choice '" + choice.path("type").asText() + "' is not translated to the Responses API");
        }
    }
}

package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Non-streamed response bodies between the families. Token counts keep their meaning: OpenAI's
 * prompt tokens include cached ones, Anthropic's input tokens do not, so the cached count moves
 * between {@code input_tokens} and {@code cache_read_input_tokens}.
 */
final class Replies {
    private Replies() {}

    /** Anthropic message → Chat completion. Thinking goes to {@code reasoning_content}, as the OpenAI-compatible servers do. */
    static ObjectNode messagesToChat(JsonNode in, long createdEpochSeconds) {
        ObjectNode out = object().put("id", "chatcmpl-" + in.path("id").asText()).put("object", "chat.completion")
                .put("created", createdEpochSeconds);
        out.set("model", in.path("model"));
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        ArrayNode calls = Trees.array();
        for (JsonNode block : in.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "thinking" -> thinking.append(block.path("thinking").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject().put("id", block.path("id").asText()).put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText()).put("arguments", Trees.write(block.path("input")));
                }
                default -> { /* redacted_thinking and server-tool blocks have no Chat counterpart */ }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) message.putNull("content");
        else message.put("content", text.toString());
        if (!thinking.isEmpty()) message.put("reasoning_content", thinking.toString());
        if (!calls.isEmpty()) message.set("tool_calls", calls);
        choice.putNull("logprobs");
        choice.put("finish_reason", StopReasons.toChat(in.path("stop_reason").asText(null)));
        out.set("usage", chatUsage(in.path("usage")));
        return out;
    }

    static ObjectNode chatUsage(JsonNode usage) {
        long cached = usage.path("cache_read_input_tokens").asLong();
        long prompt = usage.path("input_tokens").asLong() + cached + usage.path("cache_creation_input_tokens").asLong();
        long completion = usage.path("output_tokens").asLong();
        ObjectNode out = object().put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion);
        out.putObject("prompt_tokens_details").put("cached_tokens", cached);
        return out;
    }

    static ObjectNode responsesUsage(JsonNode usage) {
        long cached = usage.path("cache_read_input_tokens").asLong();
        long input = usage.path("input_tokens").asLong() + cached + usage.path("cache_creation_input_tokens").asLong();
        long output = usage.path("output_tokens").asLong();
        ObjectNode out = object().put("input_tokens", input);
        out.putObject("input_tokens_details").put("cached_tokens", cached);
        out.put("output_tokens", output);
        out.putObject("output_tokens_details").put("reasoning_tokens", 0);
        out.put("total_tokens", input + output);
        return out;
    }

    /** Anthropic usage from OpenAI's (Chat or Responses) counts. */
    static ObjectNode anthropicUsage(JsonNode usage) {
        long input = usage.has("prompt_tokens") ? usage.path("prompt_tokens").asLong() : usage.path("input_tokens").asLong();
        long output = usage.has("completion_tokens") ? usage.path("completion_tokens").asLong() : usage.path("output_tokens").asLong();
        JsonNode details = usage.has("prompt_tokens_details") ? usage.path("prompt_tokens_details") : usage.path("input_tokens_details");
        long cached = details.path("cached_tokens").asLong();
        return object().put("input_tokens", Math.max(0, input - cached)).put("output_tokens", output)
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", cached);
    }

    /** Anthropic message → Responses object. */
    static ObjectNode messagesToResponses(JsonNode in, long createdEpochSeconds) {
        String id = in.path("id").asText();
        ObjectNode out = object().put("id", "resp_" + id).put("object", "response").put("created_at", createdEpochSeconds);
        String stop = in.path("stop_reason").asText("end_turn");
        boolean truncated = stop.equals("max_tokens");
        out.put("status", truncated ? "incomplete" : "completed");
        if (truncated) out.putObject("incomplete_details").put("reason", "max_output_tokens");
        else out.putNull("incomplete_details");
        out.set("model", in.path("model"));
        ArrayNode output = out.putArray("output");
        ArrayNode parts = null;
        int n = 0;
        for (JsonNode block : in.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    if (parts == null) {
                        ObjectNode message = output.addObject().put("type", "message").put("id", "msg_" + id + "_" + n++)
                                .put("status", "completed").put("role", "assistant");
                        parts = message.putArray("content");
                    }
                    parts.addObject().put("type", "output_text").put("text", block.path("text").asText()).putArray("annotations");
                }
                case "thinking" -> {
                    parts = null;
                    ObjectNode reasoning = output.addObject().put("type", "reasoning").put("id", "rs_" + id + "_" + n++);
                    reasoning.putArray("summary").addObject().put("type", "summary_text").put("text", block.path("thinking").asText());
                }
                case "tool_use" -> {
                    parts = null;
                    output.addObject().put("type", "function_call").put("id", "fc_" + block.path("id").asText())
                            .put("call_id", block.path("id").asText()).put("name", block.path("name").asText())
                            .put("arguments", Trees.write(block.path("input"))).put("status", "completed");
                    n++;
                }
                default -> { /* redacted_thinking and server-tool blocks have no Responses counterpart */ }
            }
        }
        out.set("usage", responsesUsage(in.path("usage")));
        return out;
    }

    /** Chat completion → Anthropic message. */
    static ObjectNode chatToMessages(JsonNode in) {
        ObjectNode out = object().put("id", anthropicId(in.path("id").asText())).put("type", "message").put("role", "assistant");
        out.set("model", in.path("model"));
        ArrayNode content = out.putArray("content");
        JsonNode choice = in.path("choices").path(0);
        JsonNode message = choice.path("message");
        String reasoning = message.path("reasoning_content").asText("");
        if (!reasoning.isEmpty()) content.addObject().put("type", "thinking").put("thinking", reasoning).put("signature", "");
        String text = message.path("content").asText("");
        if (!text.isEmpty()) content.addObject().put("type", "text").put("text", text);
        String refusal = message.path("refusal").asText("");
        if (!refusal.isEmpty()) content.addObject().put("type", "text").put("text", refusal);
        for (JsonNode call : message.path("tool_calls")) {
            content.add(toolUse(call.path("id").asText(), call.path("function").path("name").asText(), call.path("function").path("arguments").asText()));
        }
        out.put("stop_reason", refusal.isEmpty() ? StopReasons.fromChat(choice.path("finish_reason").asText(null)) : "refusal");
        out.putNull("stop_sequence");
        out.set("usage", anthropicUsage(in.path("usage")));
        return out;
    }

    /** Responses object → Anthropic message. */
    static ObjectNode responsesToMessages(JsonNode in) {
        ObjectNode out = object().put("id", anthropicId(in.path("id").asText())).put("type", "message").put("role", "assistant");
        out.set("model", in.path("model"));
        ArrayNode content = out.putArray("content");
        boolean toolUse = false;
        for (JsonNode item : in.path("output")) {
            switch (item.path("type").asText()) {
                case "message" -> {
                    for (JsonNode part : item.path("content")) {
                        String text = part.path("type").asText().equals("refusal") ? part.path("refusal").asText() : part.path("text").asText();
                        content.addObject().put("type", "text").put("text", text);
                    }
                }
                case "reasoning" -> {
                    StringBuilder summary = new StringBuilder();
                    for (JsonNode part : item.path("summary")) summary.append(part.path("text").asText());
                    if (!summary.isEmpty()) content.addObject().put("type", "thinking").put("thinking", summary.toString()).put("signature", "");
                }
                case "function_call" -> {
                    toolUse = true;
                    content.add(toolUse(item.path("call_id").asText(), item.path("name").asText(), item.path("arguments").asText()));
                }
                default -> { /* built-in tool calls (web_search_call, …) have no Anthropic counterpart */ }
            }
        }
        out.put("stop_reason", responsesStop(in, toolUse));
        out.putNull("stop_sequence");
        out.set("usage", anthropicUsage(in.path("usage")));
        return out;
    }

    /** Responses object → Chat completion: text and refusals, reasoning summaries as {@code reasoning_content}, function calls. */
    static ObjectNode responsesToChat(JsonNode in, long createdEpochSeconds) {
        ObjectNode out = object().put("id", "chatcmpl-" + in.path("id").asText()).put("object", "chat.completion")
                .put("created", createdEpochSeconds);
        out.set("model", in.path("model"));
        ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder refusal = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode calls = Trees.array();
        for (JsonNode item : in.path("output")) {
            switch (item.path("type").asText()) {
                case "message" -> {
                    for (JsonNode part : item.path("content")) {
                        if (part.path("type").asText().equals("refusal")) refusal.append(part.path("refusal").asText());
                        else text.append(part.path("text").asText());
                    }
                }
                case "reasoning" -> {
                    for (JsonNode part : item.path("summary")) reasoning.append(part.path("text").asText());
                }
                case "function_call" -> {
                    ObjectNode call = calls.addObject().put("id", item.path("call_id").asText()).put("type", "function");
                    call.putObject("function").put("name", item.path("name").asText()).put("arguments", item.path("arguments").asText("{}"));
                }
                default -> { /* built-in tool calls (web_search_call, …) have no Chat counterpart */ }
            }
        }
        if (text.isEmpty() && !calls.isEmpty()) message.putNull("content");
        else message.put("content", text.toString());
        if (!refusal.isEmpty()) message.put("refusal", refusal.toString());
        if (!reasoning.isEmpty()) message.put("reasoning_content", reasoning.toString());
        if (!calls.isEmpty()) message.set("tool_calls", calls);
        choice.putNull("logprobs");
        choice.put("finish_reason", refusal.isEmpty() ? responsesFinish(in, !calls.isEmpty()) : "content_filter");
        out.set("usage", chatUsageOfResponses(in.path("usage")));
        return out;
    }

    /** Chat {@code finish_reason} of a finished Responses object. */
    static String responsesFinish(JsonNode response, boolean toolCalls) {
        if (response.path("status").asText().equals("incomplete")) {
            String reason = response.path("incomplete_details").path("reason").asText();
            if (reason.equals("max_output_tokens")) return "length";
            if (reason.equals("content_filter")) return "content_filter";
        }
        return toolCalls ? "tool_calls" : "stop";
    }

    /** Chat usage from Responses usage: the same counts under Chat's names. */
    static ObjectNode chatUsageOfResponses(JsonNode usage) {
        long input = usage.path("input_tokens").asLong();
        long output = usage.path("output_tokens").asLong();
        ObjectNode out = object().put("prompt_tokens", input).put("completion_tokens", output)
                .put("total_tokens", usage.path("total_tokens").asLong(input + output));
        out.putObject("prompt_tokens_details").put("cached_tokens", usage.path("input_tokens_details").path("cached_tokens").asLong());
        out.putObject("completion_tokens_details").put("reasoning_tokens", usage.path("output_tokens_details").path("reasoning_tokens").asLong());
        return out;
    }

    static String responsesStop(JsonNode response, boolean toolUse) {
        if (response.path("status").asText().equals("incomplete")
                && response.path("incomplete_details").path("reason").asText().equals("max_output_tokens")) return "max_tokens";
        return toolUse ? "tool_use" : "end_turn";
    }

    static ObjectNode toolUse(String id, String name, String arguments) {
        ObjectNode block = object().put("type", "tool_use").put("id", id).put("name", name);
        JsonNode input = Trees.parseOrNull(arguments == null || arguments.isBlank() ? "{}" : arguments);
        // A model can emit arguments that are not JSON; Anthropic's shape needs an object, so keep the text visible.
        block.set("input", input != null && input.isObject() ? input : object().put("_raw_arguments", arguments));
        return block;
    }

    static String anthropicId(String openAiId) {
        return openAiId.startsWith("msg_") ? openAiId : "msg_" + openAiId;
    }
}

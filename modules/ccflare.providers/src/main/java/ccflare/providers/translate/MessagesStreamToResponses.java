package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * Anthropic Messages events → OpenAI Responses events. Each Anthropic content block becomes one
 * output item: text → {@code message} with one {@code output_text} part, thinking → {@code
 * reasoning} with one summary part, tool_use → {@code function_call}. The {@code *.done} events
 * and {@code response.completed} repeat items whole, as the grammar requires, so the open item's
 * text and the finished items are kept.
 */
final class MessagesStreamToResponses implements StreamTranslator {
    private enum Kind { TEXT, THINKING, TOOL, OTHER }

    private final long created;
    private String id = "resp_";
    private String model = "";
    private JsonNode startUsage = object();
    private int sequence;
    private final ArrayNode finished = Trees.array();
    private Kind open = Kind.OTHER;
    private String itemId;
    private ObjectNode item;
    private final StringBuilder text = new StringBuilder();
    private boolean toolUse;
    private boolean complete;
    private boolean failed;

    MessagesStreamToResponses(long createdEpochSeconds) {
        this.created = createdEpochSeconds;
    }

    @Override
    public void onEvent(String name, String data, Consumer<SseEvent> out) {
        if (complete || failed) return;
        if (name.equals("content_block_delta")) {
            DeltaFastPath.BlockDelta fast = DeltaFastPath.anthropicDelta(data);
            if (fast != null) {
                delta(fast.type(), fast.text(), out);
                return;
            }
        }
        JsonNode event = Trees.parseOrNull(data);
        if (event == null) return;
        switch (event.path("type").asText(name)) {
            case "message_start" -> {
                JsonNode message = event.path("message");
                id = "resp_" + message.path("id").asText();
                model = message.path("model").asText();
                startUsage = message.path("usage");
                emit(out, "response.created", object().set("response", response("in_progress", null, null)));
                emit(out, "response.in_progress", object().set("response", response("in_progress", null, null)));
            }
            case "content_block_start" -> start(event.path("index").asInt(), event.path("content_block"), out);
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                String type = delta.path("type").asText();
                delta(type, delta.path(type.equals("thinking_delta") ? "thinking" : type.equals("input_json_delta") ? "partial_json" : "text").asText(), out);
            }
            case "content_block_stop" -> stop(out);
            case "message_delta" -> {
                String stop = event.path("delta").path("stop_reason").asText("end_turn");
                ObjectNode usage = object();
                if (startUsage.isObject()) usage.setAll((ObjectNode) startUsage);
                if (event.path("usage").isObject()) usage.setAll((ObjectNode) event.path("usage"));
                boolean truncated = stop.equals("max_tokens");
                ObjectNode response = response(truncated ? "incomplete" : "completed", finished, Replies.responsesUsage(usage));
                if (truncated) response.putObject("incomplete_details").put("reason", "max_output_tokens");
                emit(out, truncated ? "response.incomplete" : "response.completed", object().set("response", response));
                complete = true;
            }
            case "error" -> {
                failed = true;
                JsonNode error = event.path("error");
                emit(out, "error", object().put("code", error.path("type").asText("api_error"))
                        .put("message", error.path("message").asText()).putNull("param"));
            }
            default -> { /* ping, message_stop (response.completed went out with message_delta) */ }
        }
    }

    private void start(int index, JsonNode block, Consumer<SseEvent> out) {
        text.setLength(0);
        int outputIndex = finished.size();
        switch (block.path("type").asText()) {
            case "text" -> {
                open = Kind.TEXT;
                itemId = "msg_" + id.substring(5) + "_" + index;
                item = object().put("id", itemId).put("type", "message").put("status", "in_progress").put("role", "assistant");
                item.putArray("content");
                emit(out, "response.output_item.added", object().put("output_index", outputIndex).set("item", item.deepCopy()));
                emit(out, "response.content_part.added", part(outputIndex).set("part", outputText("")));
            }
            case "thinking" -> {
                open = Kind.THINKING;
                itemId = "rs_" + id.substring(5) + "_" + index;
                item = object().put("id", itemId).put("type", "reasoning");
                item.putArray("summary");
                emit(out, "response.output_item.added", object().put("output_index", outputIndex).set("item", item.deepCopy()));
                emit(out, "response.reasoning_summary_part.added", summary(outputIndex).set("part", summaryText("")));
            }
            case "tool_use" -> {
                open = Kind.TOOL;
                toolUse = true;
                itemId = "fc_" + block.path("id").asText();
                item = object().put("id", itemId).put("type", "function_call").put("status", "in_progress")
                        .put("call_id", block.path("id").asText()).put("name", block.path("name").asText()).put("arguments", "");
                emit(out, "response.output_item.added", object().put("output_index", outputIndex).set("item", item.deepCopy()));
            }
            default -> open = Kind.OTHER;
        }
    }

    private void delta(String type, String piece, Consumer<SseEvent> out) {
        int outputIndex = finished.size();
        String eventType;
        switch (type) {
            case "text_delta" -> {
                if (open != Kind.TEXT) return;
                eventType = "response.output_text.delta";
            }
            case "thinking_delta" -> {
                if (open != Kind.THINKING) return;
                eventType = "response.reasoning_summary_text.delta";
            }
            case "input_json_delta" -> {
                if (open != Kind.TOOL) return;
                eventType = "response.function_call_arguments.delta";
            }
            default -> {
                return; // signature_delta, citations_delta
            }
        }
        text.append(piece);
        // Written as text: nearly every event of a stream is one of these.
        StringBuilder b = new StringBuilder(160 + piece.length());
        b.append("{\"type\":\"").append(eventType).append("\",\"sequence_number\":").append(sequence++);
        DeltaFastPath.quote(b.append(",\"item_id\":"), itemId).append(",\"output_index\":").append(outputIndex);
        if (type.equals("text_delta")) b.append(",\"content_index\":0");
        if (type.equals("thinking_delta")) b.append(",\"summary_index\":0");
        DeltaFastPath.quote(b.append(",\"delta\":"), piece).append('}');
        out.accept(new SseEvent(eventType, b.toString()));
    }

    private void stop(Consumer<SseEvent> out) {
        int outputIndex = finished.size();
        String full = text.toString();
        switch (open) {
            case TEXT -> {
                emit(out, "response.output_text.done", part(outputIndex).put("text", full));
                emit(out, "response.content_part.done", part(outputIndex).set("part", outputText(full)));
                item.put("status", "completed");
                ((ArrayNode) item.get("content")).add(outputText(full));
            }
            case THINKING -> {
                emit(out, "response.reasoning_summary_text.done", summary(outputIndex).put("text", full));
                emit(out, "response.reasoning_summary_part.done", summary(outputIndex).set("part", summaryText(full)));
                ((ArrayNode) item.get("summary")).add(summaryText(full));
            }
            case TOOL -> {
                String arguments = full.isEmpty() ? "{}" : full;
                emit(out, "response.function_call_arguments.done", object().put("item_id", itemId).put("output_index", outputIndex).put("arguments", arguments));
                item.put("status", "completed").put("arguments", arguments);
            }
            case OTHER -> {
                return;
            }
        }
        emit(out, "response.output_item.done", object().put("output_index", outputIndex).set("item", item));
        finished.add(item);
        open = Kind.OTHER;
        item = null;
        text.setLength(0);
    }

    @Override
    public void onEnd(Consumer<SseEvent> out) {
        if (complete || failed) return;
        failed = true;
        emit(out, "error", object().put("code", "stream_interrupted").put("message", ErrorShapes.INTERRUPTED).putNull("param"));
    }

    @Override
    public boolean complete() {
        return complete;
    }

    boolean sawToolUse() {
        return toolUse;
    }

    private ObjectNode response(String status, ArrayNode output, ObjectNode usage) {
        ObjectNode response = object().put("id", id).put("object", "response").put("created_at", created).put("status", status).put("model", model);
        response.set("output", output == null ? Trees.array() : output);
        if (usage == null) response.putNull("usage");
        else response.set("usage", usage);
        return response;
    }

    private ObjectNode part(int outputIndex) {
        return object().put("item_id", itemId).put("output_index", outputIndex).put("content_index", 0);
    }

    private ObjectNode summary(int outputIndex) {
        return object().put("item_id", itemId).put("output_index", outputIndex).put("summary_index", 0);
    }

    private static ObjectNode outputText(String text) {
        ObjectNode part = object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    private static ObjectNode summaryText(String text) {
        return object().put("type", "summary_text").put("text", text);
    }

    private void emit(Consumer<SseEvent> out, String type, ObjectNode body) {
        ObjectNode event = object().put("type", type).put("sequence_number", sequence++);
        event.setAll(body);
        out.accept(new SseEvent(type, Trees.write(event)));
    }
}

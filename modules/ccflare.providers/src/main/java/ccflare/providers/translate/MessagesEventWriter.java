package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * Writes Anthropic Messages events for the translators from OpenAI streams: opens a block when the
 * kind of delta changes, closes the open one, numbers blocks. State: the open block's kind and
 * index, nothing of the content.
 */
final class MessagesEventWriter {
    enum Block { NONE, TEXT, THINKING, TOOL }

    private Block open = Block.NONE;
    private int index = -1;
    private boolean started;
    private boolean toolUse;

    boolean started() {
        return started;
    }

    boolean sawToolUse() {
        return toolUse;
    }

    Block open() {
        return open;
    }

    void messageStart(String id, String model, Consumer<SseEvent> out) {
        if (started) return;
        started = true;
        ObjectNode message = object().put("id", Replies.anthropicId(id)).put("type", "message").put("role", "assistant").put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", 0).put("output_tokens", 0);
        emit(out, "message_start", object().set("message", message));
    }

    void text(String text, Consumer<SseEvent> out) {
        if (text.isEmpty()) return;
        if (open != Block.TEXT) {
            close(out);
            begin(Block.TEXT, object().put("type", "text").put("text", ""), out);
        }
        out.accept(blockDelta(index, "text_delta", "text", text));
    }

    void thinking(String text, Consumer<SseEvent> out) {
        if (text.isEmpty()) return;
        if (open != Block.THINKING) {
            close(out);
            begin(Block.THINKING, object().put("type", "thinking").put("thinking", "").put("signature", ""), out);
        }
        out.accept(blockDelta(index, "thinking_delta", "thinking", text));
    }

    void toolStart(String id, String name, Consumer<SseEvent> out) {
        close(out);
        toolUse = true;
        ObjectNode block = object().put("type", "tool_use").put("id", id).put("name", name);
        block.putObject("input");
        begin(Block.TOOL, block, out);
    }

    void toolArguments(String partialJson, Consumer<SseEvent> out) {
        if (open != Block.TOOL || partialJson.isEmpty()) return;
        out.accept(blockDelta(index, "input_json_delta", "partial_json", partialJson));
    }

    void close(Consumer<SseEvent> out) {
        if (open == Block.NONE) return;
        emit(out, "content_block_stop", object().put("index", index));
        open = Block.NONE;
    }

    void finish(String stopReason, JsonNode openAiUsage, Consumer<SseEvent> out) {
        close(out);
        ObjectNode delta = object().put("stop_reason", stopReason);
        delta.putNull("stop_sequence");
        ObjectNode body = object();
        body.set("delta", delta);
        body.set("usage", Replies.anthropicUsage(openAiUsage == null ? object() : openAiUsage));
        emit(out, "message_delta", body);
        emit(out, "message_stop", object());
    }

    void error(String type, String message, Consumer<SseEvent> out) {
        ObjectNode body = object();
        body.putObject("error").put("type", type).put("message", message);
        emit(out, "error", body);
    }

    /** A {@code content_block_delta}, written as text: the event of nearly every stream step. */
    static SseEvent blockDelta(int index, String deltaType, String field, String text) {
        StringBuilder b = new StringBuilder(80 + text.length());
        b.append("{\"type\":\"content_block_delta\",\"index\":").append(index)
                .append(",\"delta\":{\"type\":\"").append(deltaType).append("\",\"").append(field).append("\":");
        DeltaFastPath.quote(b, text).append("}}");
        return new SseEvent("content_block_delta", b.toString());
    }

    private void begin(Block kind, ObjectNode block, Consumer<SseEvent> out) {
        open = kind;
        index++;
        emit(out, "content_block_start", object().put("index", index).set("content_block", block));
    }

    private static void emit(Consumer<SseEvent> out, String type, ObjectNode body) {
        ObjectNode event = object().put("type", type);
        event.setAll(body);
        out.accept(new SseEvent(type, Trees.write(event)));
    }

    /**
     * The end of an upstream stream that stopped before its finish: a message start if none was
     * written yet, then an error event, so the client sees the interruption and not a clean end.
     */
    void interrupted(Consumer<SseEvent> out) {
        messageStart("", "", out);
        error("api_error", ErrorShapes.INTERRUPTED, out);
    }
}

package ccflare.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/**
 * OpenAI Responses events (also Codex's) → Anthropic Messages events. Text, reasoning-summary and
 * function-argument deltas stream as they come; {@code response.completed} (or {@code
 * .incomplete}) carries the usage and ends the message; {@code response.failed} and {@code error}
 * become an Anthropic {@code error} event. The whole-item {@code done} events are not needed,
 * except a function call whose arguments came only there.
 */
final class ResponsesStreamToMessages implements StreamTranslator {
    private final MessagesEventWriter writer = new MessagesEventWriter();
    private boolean argumentsStreamed;
    private boolean complete;
    private boolean failed;

    @Override
    public void onEvent(String name, String data, Consumer<SseEvent> out) {
        if (complete || failed) return;
        if (name.endsWith(".delta") || name.isEmpty()) {
            String[] delta = DeltaFastPath.responsesDelta(data);
            if (delta != null) {
                delta(delta[0], delta[1], out);
                return;
            }
        }
        JsonNode event = Trees.parseOrNull(data);
        if (event == null) return;
        String type = event.path("type").asText(name);
        switch (type) {
            case "response.created" -> writer.messageStart(event.path("response").path("id").asText(),
                    event.path("response").path("model").asText(), out);
            case "response.output_item.added" -> {
                JsonNode item = event.path("item");
                if (item.path("type").asText().equals("function_call")) {
                    writer.messageStart("", "", out);
                    argumentsStreamed = false;
                    writer.toolStart(item.path("call_id").asText(), item.path("name").asText(), out);
                }
            }
            case "response.output_text.delta", "response.refusal.delta", "response.reasoning_summary_text.delta",
                 "response.reasoning_text.delta", "response.function_call_arguments.delta" ->
                    delta(type, event.path("delta").asText(""), out);
            case "response.output_item.done" -> {
                JsonNode item = event.path("item");
                if (item.path("type").asText().equals("function_call") && writer.open() == MessagesEventWriter.Block.TOOL) {
                    if (!argumentsStreamed) writer.toolArguments(item.path("arguments").asText(""), out);
                    writer.close(out);
                }
            }
            case "response.completed", "response.incomplete" -> {
                JsonNode response = event.path("response");
                writer.messageStart(response.path("id").asText(), response.path("model").asText(), out);
                complete = true;
                writer.finish(Replies.responsesStop(response, writer.sawToolUse()), response.path("usage"), out);
            }
            case "response.failed" -> {
                failed = true;
                writer.messageStart("", "", out);
                JsonNode error = event.path("response").path("error");
                writer.error("api_error", error.path("message").asText("the upstream response failed"), out);
            }
            case "error" -> {
                failed = true;
                writer.messageStart("", "", out);
                writer.error(event.path("code").asText("api_error"), event.path("message").asText(ErrorShapes.message(event, data)), out);
            }
            default -> { /* in_progress, content_part.*, *.done of text: nothing new for Anthropic */ }
        }
    }

    private void delta(String type, String piece, Consumer<SseEvent> out) {
        switch (type) {
            case "response.output_text.delta", "response.refusal.delta" -> {
                writer.messageStart("", "", out);
                writer.text(piece, out);
            }
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" -> {
                writer.messageStart("", "", out);
                writer.thinking(piece, out);
            }
            case "response.function_call_arguments.delta" -> {
                argumentsStreamed = true;
                writer.toolArguments(piece, out);
            }
            default -> { /* audio and other deltas: no Anthropic counterpart */ }
        }
    }

    @Override
    public void onEnd(Consumer<SseEvent> out) {
        if (complete || failed) return;
        failed = true;
        writer.interrupted(out);
    }

    @Override
    public boolean complete() {
        return complete;
    }
}

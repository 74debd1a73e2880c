package ccflare.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/**
 * OpenAI Chat chunks → Anthropic Messages events. The upstream request asks for {@code
 * stream_options.include_usage}, so usage comes in the last chunk before {@code [DONE]}; the
 * {@code message_delta} waits for it. A new tool call index opens a {@code tool_use} block.
 */
final class ChatStreamToMessages implements StreamTranslator {
    private final MessagesEventWriter writer = new MessagesEventWriter();
    private int toolCall = -1;
    private String finishReason;
    private JsonNode usage;
    private boolean complete;
    private boolean failed;

    @Override
    public void onEvent(String name, String data, Consumer<SseEvent> out) {
        if (complete || failed) return;
        if (data.equals("[DONE]")) {
            writer.messageStart("", "", out);
            complete = true;
            writer.finish(StopReasons.fromChat(finishReason), usage, out);
            return;
        }
        if (writer.started()) {
            String content = DeltaFastPath.chatContent(data);
            if (content != null) {
                writer.text(content, out);
                return;
            }
        }
        JsonNode chunk = Trees.parseOrNull(data);
        if (chunk == null) return;
        if (chunk.has("error")) {
            failed = true;
            writer.messageStart("", "", out);
            JsonNode error = chunk.path("error");
            writer.error(error.path("type").asText("api_error"), ErrorShapes.message(chunk, data), out);
            return;
        }
        writer.messageStart(chunk.path("id").asText(), chunk.path("model").asText(), out);
        if (chunk.path("usage").isObject()) usage = chunk.get("usage");
        JsonNode choice = chunk.path("choices").path(0);
        if (choice.isMissingNode()) return;
        JsonNode delta = choice.path("delta");
        String reasoning = delta.path("reasoning_content").asText(delta.path("reasoning").asText(""));
        writer.thinking(reasoning, out);
        writer.text(delta.path("content").asText(""), out);
        for (JsonNode call : delta.path("tool_calls")) {
            int index = call.path("index").asInt(0);
            if (index != toolCall) {
                toolCall = index;
                writer.toolStart(call.path("id").asText(), call.path("function").path("name").asText(), out);
            }
            writer.toolArguments(call.path("function").path("arguments").asText(""), out);
        }
        if (choice.path("finish_reason").isTextual()) {
            finishReason = choice.get("finish_reason").asText();
            writer.close(out);
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

package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/** Anthropic Messages events → OpenAI Chat chunks ({@code data:} only, ending with {@code [DONE]}). */
final class MessagesStreamToChat implements StreamTranslator {
    private final ChatChunks chunks;
    private final boolean includeUsage;
    private JsonNode startUsage = object();
    /** Anthropic block index → Chat tool call index, -1 for a non-tool block. */
    private int[] toolIndex = new int[8];
    private int tools;
    private String stopReason;
    private boolean complete;
    private boolean failed;

    MessagesStreamToChat(long createdEpochSeconds, boolean includeUsage) {
        this.chunks = new ChatChunks(createdEpochSeconds);
        this.includeUsage = includeUsage;
    }

    @Override
    public void onEvent(String name, String data, Consumer<SseEvent> out) {
        if (complete || failed) return;
        if (name.equals("content_block_delta")) {
            DeltaFastPath.BlockDelta fast = DeltaFastPath.anthropicDelta(data);
            if (fast != null) {
                delta(fast.index(), fast.type(), fast.text(), out);
                return;
            }
        }
        JsonNode event = Trees.parseOrNull(data);
        if (event == null) return;
        String type = event.path("type").asText(name);
        switch (type) {
            case "message_start" -> {
                JsonNode message = event.path("message");
                chunks.id = "chatcmpl-" + message.path("id").asText();
                chunks.model = message.path("model").asText();
                startUsage = message.path("usage");
                out.accept(chunks.role());
            }
            case "content_block_start" -> {
                int index = event.path("index").asInt();
                JsonNode block = event.path("content_block");
                if (index >= toolIndex.length) toolIndex = java.util.Arrays.copyOf(toolIndex, Math.max(index + 1, toolIndex.length * 2));
                if (block.path("type").asText().equals("tool_use")) {
                    int call = tools++;
                    toolIndex[index] = call;
                    out.accept(chunks.toolStart(call, block.path("id").asText(), block.path("name").asText()));
                } else {
                    toolIndex[index] = -1;
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                String kind = delta.path("type").asText();
                String text = delta.path(kind.equals("thinking_delta") ? "thinking" : kind.equals("input_json_delta") ? "partial_json" : "text").asText();
                delta(event.path("index").asInt(), kind, text, out);
            }
            case "message_delta" -> {
                stopReason = event.path("delta").path("stop_reason").asText(null);
                ObjectNode usage = Trees.object();
                usage.setAll((ObjectNode) (startUsage.isObject() ? startUsage : object()));
                JsonNode final_ = event.path("usage");
                if (final_.isObject()) usage.setAll((ObjectNode) final_);
                out.accept(chunks.finish(StopReasons.toChat(stopReason)));
                if (includeUsage) out.accept(chunks.usage(Replies.chatUsage(usage)));
            }
            case "message_stop" -> {
                complete = true;
                out.accept(ChatChunks.DONE);
            }
            case "error" -> {
                failed = true;
                out.accept(new SseEvent("", Trees.write(ErrorShapes.openAiStreamError(event.path("error")))));
            }
            default -> { /* ping, content_block_stop */ }
        }
    }

    private void delta(int index, String type, String text, Consumer<SseEvent> out) {
        switch (type) {
            case "text_delta" -> out.accept(chunks.delta("content", -1, text));
            case "thinking_delta" -> out.accept(chunks.delta("reasoning_content", -1, text));
            case "input_json_delta" -> {
                int call = index < toolIndex.length ? toolIndex[index] : -1;
                if (call >= 0) out.accept(chunks.delta("arguments", call, text));
            }
            default -> { /* signature_delta, citations_delta: no Chat counterpart */ }
        }
    }

    @Override
    public void onEnd(Consumer<SseEvent> out) {
        if (complete || failed) return;
        failed = true;
        out.accept(new SseEvent("", Trees.write(ErrorShapes.interruptedOpenAi())));
    }

    @Override
    public boolean complete() {
        return complete;
    }
}

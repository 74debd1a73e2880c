package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/** Anthropic Messages events → OpenAI Chat chunks ({@code data:} only, ending with {@code [DONE]}). */
final class MessagesStreamToChat implements StreamTranslator {
    private static final SseEvent DONE = new SseEvent("", "[DONE]");

    private final long created;
    private final boolean includeUsage;
    private String id = "chatcmpl-";
    private String model = "";
    private JsonNode startUsage = object();
    /** Anthropic block index → Chat tool call index, -1 for a non-tool block. */
    private int[] toolIndex = new int[8];
    private int tools;
    private String stopReason;
    private boolean complete;
    private boolean failed;

    MessagesStreamToChat(long createdEpochSeconds, boolean includeUsage) {
        this.created = createdEpochSeconds;
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
                id = "chatcmpl-" + message.path("id").asText();
                model = message.path("model").asText();
                startUsage = message.path("usage");
                ObjectNode delta = object().put("role", "assistant").put("content", "");
                out.accept(chunk(delta, null));
            }
            case "content_block_start" -> {
                int index = event.path("index").asInt();
                JsonNode block = event.path("content_block");
                if (index >= toolIndex.length) toolIndex = java.util.Arrays.copyOf(toolIndex, Math.max(index + 1, toolIndex.length * 2));
                if (block.path("type").asText().equals("tool_use")) {
                    int call = tools++;
                    toolIndex[index] = call;
                    ObjectNode delta = object();
                    ObjectNode entry = delta.putArray("tool_calls").addObject().put("index", call)
                            .put("id", block.path("id").asText()).put("type", "function");
                    entry.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                    out.accept(chunk(delta, null));
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
                out.accept(chunk(object(), StopReasons.toChat(stopReason)));
                if (includeUsage) {
                    ObjectNode last = base();
                    last.putArray("choices");
                    last.set("usage", Replies.chatUsage(usage));
                    out.accept(new SseEvent("", Trees.write(last)));
                }
            }
            case "message_stop" -> {
                complete = true;
                out.accept(DONE);
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
            case "text_delta" -> out.accept(fastChunk("content", -1, text));
            case "thinking_delta" -> out.accept(fastChunk("reasoning_content", -1, text));
            case "input_json_delta" -> {
                int call = index < toolIndex.length ? toolIndex[index] : -1;
                if (call >= 0) out.accept(fastChunk("arguments", call, text));
            }
            default -> { /* signature_delta, citations_delta: no Chat counterpart */ }
        }
    }

    /** A delta chunk written as text; {@code call} ≥ 0 puts {@code text} in that tool call's arguments. */
    private SseEvent fastChunk(String field, int call, String text) {
        StringBuilder b = new StringBuilder(160 + text.length());
        DeltaFastPath.quote(b.append("{\"id\":"), id).append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created);
        DeltaFastPath.quote(b.append(",\"model\":"), model).append(",\"choices\":[{\"index\":0,\"delta\":{");
        if (call >= 0) b.append("\"tool_calls\":[{\"index\":").append(call).append(",\"function\":{\"arguments\":");
        else b.append('"').append(field).append("\":");
        DeltaFastPath.quote(b, text);
        if (call >= 0) b.append("}}]");
        b.append("},\"finish_reason\":null}]}");
        return new SseEvent("", b.toString());
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

    private ObjectNode base() {
        return object().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
    }

    private SseEvent chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = base();
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) choice.putNull("finish_reason");
        else choice.put("finish_reason", finishReason);
        return new SseEvent("", Trees.write(chunk));
    }
}

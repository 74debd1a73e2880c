package ccflare.providers.translate;

import static ccflare.providers.translate.Trees.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the OpenAI Chat chunks of one translated stream ({@code data:} only): the delta chunks as
 * text, without a tree (nearly every event of a stream is one), the rest through a tree. The id
 * and model are set once the upstream names them.
 */
final class ChatChunks {
    static final SseEvent DONE = new SseEvent("", "[DONE]");

    private final long created;
    String id = "chatcmpl-";
    String model = "";

    ChatChunks(long createdEpochSeconds) {
        this.created = createdEpochSeconds;
    }

    /** A delta chunk carrying {@code text} in {@code field}; {@code call} ≥ 0 puts it in that tool call's arguments instead. */
    SseEvent delta(String field, int call, String text) {
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

    /** The first chunk: the assistant's role. */
    SseEvent role() {
        return chunk(object().put("role", "assistant").put("content", ""), null);
    }

    /** The chunk that opens tool call number {@code call}. */
    SseEvent toolStart(int call, String callId, String name) {
        ObjectNode delta = object();
        ObjectNode entry = delta.putArray("tool_calls").addObject().put("index", call).put("id", callId).put("type", "function");
        entry.putObject("function").put("name", name).put("arguments", "");
        return chunk(delta, null);
    }

    /** The chunk with the finish reason and an empty delta. */
    SseEvent finish(String finishReason) {
        return chunk(object(), finishReason);
    }

    /** The usage chunk a client asking {@code stream_options.include_usage} gets: no choices. */
    SseEvent usage(JsonNode chatUsage) {
        ObjectNode last = base();
        last.putArray("choices");
        last.set("usage", chatUsage);
        return new SseEvent("", Trees.write(last));
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

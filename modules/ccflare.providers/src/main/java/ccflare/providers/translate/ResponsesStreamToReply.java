package ccflare.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * A Responses stream answered to a client that asked for one JSON body (Codex always streams).
 * The finished output items are kept until {@code response.completed}, then the whole reply goes
 * out as one event whose data is the client's body: a non-streamed answer is whole by nature.
 */
final class ResponsesStreamToReply implements StreamTranslator {
    private final ArrayNode items = Trees.array();
    private boolean complete;
    private boolean failed;

    @Override
    public void onEvent(String name, String data, Consumer<SseEvent> out) {
        if (complete || failed) return;
        JsonNode event = Trees.parseOrNull(data);
        if (event == null) return;
        switch (event.path("type").asText(name)) {
            case "response.output_item.done" -> items.add(event.path("item"));
            case "response.completed", "response.incomplete" -> {
                complete = true;
                ObjectNode response = event.path("response").deepCopy();
                if (response.path("output").isEmpty()) response.set("output", items);
                out.accept(new SseEvent("", Trees.write(Replies.responsesToMessages(response))));
            }
            case "response.failed" -> {
                failed = true;
                out.accept(new SseEvent("", Trees.write(ErrorShapes.anthropic("api_error",
                        event.path("response").path("error").path("message").asText("the upstream response failed")))));
            }
            case "error" -> {
                failed = true;
                out.accept(new SseEvent("", Trees.write(ErrorShapes.anthropic("api_error", ErrorShapes.message(event, data)))));
            }
            default -> { }
        }
    }

    @Override
    public void onEnd(Consumer<SseEvent> out) {
        if (complete || failed) return;
        failed = true;
        out.accept(new SseEvent("", Trees.write(ErrorShapes.interruptedAnthropic())));
    }

    @Override
    public boolean complete() {
        return complete;
    }
}

package ccflare.providers.translate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/**
 * A Responses stream answered to a client that asked for one JSON body (Codex always streams).
 * The finished output items are kept until {@code response.completed}, then the whole reply goes
 * out as one event whose data is the client's body in its grammar (a Messages message, a Chat
 * completion, or the Responses object itself): a non-streamed answer is whole by nature. An
 * in-band failure or a cut stream becomes one error body in the client's shape.
 */
final class ResponsesStreamToReply implements StreamTranslator {
    private final Dialect client;
    private final long created;
    private final ArrayNode items = Trees.array();
    private boolean complete;
    private boolean failed;

    ResponsesStreamToReply(Dialect client, long createdEpochSeconds) {
        this.client = requireNonNull(client, "client");
        this.created = createdEpochSeconds;
    }

    @Override
    public void onEvent(String name, String data, Consumer<SseEvent> out) {
        if (complete || failed) return;
        // Deltas repeat what the item's done event carries whole: skip them without a tree.
        if (name.endsWith(".delta")) return;
        JsonNode event = Trees.parseOrNull(data);
        if (event == null) return;
        switch (event.path("type").asText(name)) {
            case "response.output_item.done" -> items.add(event.path("item"));
            case "response.completed", "response.incomplete" -> {
                complete = true;
                ObjectNode response = event.path("response").deepCopy();
                if (response.path("output").isEmpty()) response.set("output", items);
                JsonNode body = switch (client) {
                    case MESSAGES -> Replies.responsesToMessages(response);
                    case CHAT -> Replies.responsesToChat(response, created);
                    case RESPONSES -> response;
                };
                out.accept(new SseEvent("", Trees.write(body)));
            }
            case "response.failed" -> error(event.path("response").path("error").path("message").asText("the upstream response failed"), out);
            case "error" -> error(ErrorShapes.message(event, data), out);
            default -> { }
        }
    }

    private void error(String message, Consumer<SseEvent> out) {
        failed = true;
        JsonNode body = client == Dialect.MESSAGES ? ErrorShapes.anthropic("api_error", message)
                : ErrorShapes.openAi("server_error", message, null);
        out.accept(new SseEvent("", Trees.write(body)));
    }

    @Override
    public void onEnd(Consumer<SseEvent> out) {
        if (complete || failed) return;
        failed = true;
        JsonNode body = client == Dialect.MESSAGES ? ErrorShapes.interruptedAnthropic() : ErrorShapes.interruptedOpenAi();
        out.accept(new SseEvent("", Trees.write(body)));
    }

    @Override
    public boolean complete() {
        return complete;
    }
}

package ccflare.providers.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;

/**
 * OpenAI Responses events (Codex's) → OpenAI Chat chunks. Text, refusal, reasoning-summary and
 * function-argument deltas stream as they come; a function call's {@code output_item.added} opens
 * its tool call; {@code response.completed} (or {@code .incomplete}) gives the finish reason, the
 * usage chunk when the client asked for it, and {@code [DONE]}; {@code response.failed} and
 * {@code error} end the stream with a Chat error chunk and no {@code [DONE]}. The Responses API
 * streams output items one after another, so argument deltas belong to the last call opened.
 */
final class ResponsesStreamToChat implements StreamTranslator {
    private final ChatChunks chunks;
    private final boolean includeUsage;
    private boolean started;
    private int tools;
    private int currentCall = -1;
    private boolean argumentsStreamed;
    private boolean complete;
    private boolean failed;

    ResponsesStreamToChat(long createdEpochSeconds, boolean includeUsage) {
        this.chunks = new ChatChunks(createdEpochSeconds);
        this.includeUsage = includeUsage;
    }

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
            case "response.created" -> start(event.path("response"), out);
            case "response.output_item.added" -> {
                JsonNode item = event.path("item");
                if (item.path("type").asText().equals("function_call")) {
                    start(null, out);
                    currentCall = tools++;
                    argumentsStreamed = false;
                    out.accept(chunks.toolStart(currentCall, item.path("call_id").asText(), item.path("name").asText()));
                }
            }
            case "response.output_text.delta", "response.refusal.delta", "response.reasoning_summary_text.delta",
                 "response.reasoning_text.delta", "response.function_call_arguments.delta" ->
                    delta(type, event.path("delta").asText(""), out);
            case "response.output_item.done" -> {
                JsonNode item = event.path("item");
                if (item.path("type").asText().equals("function_call") && currentCall >= 0 && !argumentsStreamed) {
                    String arguments = item.path("arguments").asText("");
                    if (!arguments.isEmpty()) out.accept(chunks.delta("arguments", currentCall, arguments));
                }
            }
            case "response.completed", "response.incomplete" -> {
                JsonNode response = event.path("response");
                start(response, out);
                complete = true;
                out.accept(chunks.finish(Replies.responsesFinish(response, tools > 0)));
                if (includeUsage) out.accept(chunks.usage(Replies.chatUsageOfResponses(response.path("usage"))));
                out.accept(ChatChunks.DONE);
            }
            case "response.failed" -> {
                failed = true;
                JsonNode error = event.path("response").path("error");
                out.accept(new SseEvent("", Trees.write(ErrorShapes.openAi("server_error",
                        error.path("message").asText("the upstream response failed"), error.path("code").asText(null)))));
            }
            case "error" -> {
                failed = true;
                out.accept(new SseEvent("", Trees.write(ErrorShapes.openAi("server_error", ErrorShapes.message(event, data),
                        event.path("code").asText(null)))));
            }
            default -> { /* in_progress, content_part.*, *.done of text: nothing new for Chat */ }
        }
    }

    /** The role chunk, once, before anything else; ids and model from the first response object seen. */
    private void start(JsonNode response, Consumer<SseEvent> out) {
        if (started) return;
        started = true;
        if (response != null) {
            chunks.id = "chatcmpl-" + response.path("id").asText();
            chunks.model = response.path("model").asText();
        }
        out.accept(chunks.role());
    }

    private void delta(String type, String piece, Consumer<SseEvent> out) {
        switch (type) {
            case "response.output_text.delta" -> {
                start(null, out);
                out.accept(chunks.delta("content", -1, piece));
            }
            case "response.refusal.delta" -> {
                start(null, out);
                out.accept(chunks.delta("refusal", -1, piece));
            }
            case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" -> {
                start(null, out);
                out.accept(chunks.delta("reasoning_content", -1, piece));
            }
            case "response.function_call_arguments.delta" -> {
                if (currentCall < 0) return;
                argumentsStreamed = true;
                out.accept(chunks.delta("arguments", currentCall, piece));
            }
            default -> { /* audio and other deltas: no Chat counterpart */ }
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

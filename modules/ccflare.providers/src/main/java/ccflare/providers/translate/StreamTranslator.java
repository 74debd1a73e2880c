package ccflare.providers.translate;

import java.util.function.Consumer;

/**
 * Translates an upstream event stream into the client's, one event at a time: each upstream event
 * yields zero or more client events at once, nothing waits for a later event, and the state kept
 * between events is a few counters and ids (the Responses client grammar is the exception: its
 * {@code done} events repeat each output item whole, so that direction keeps the current item's
 * text, and its {@code response.completed} the items). One instance per response; not thread-safe.
 */
public interface StreamTranslator {

    /** One upstream event (name empty when it had none); the client's events go to {@code out}, in order. */
    void onEvent(String name, String data, Consumer<SseEvent> out);

    /**
     * The upstream stream ended. A stream that ended before its terminal event ends the client's
     * stream with an error event in the client's grammar, never a silently cut answer.
     */
    void onEnd(Consumer<SseEvent> out);

    /** Whether the upstream's terminal event was seen. */
    boolean complete();
}

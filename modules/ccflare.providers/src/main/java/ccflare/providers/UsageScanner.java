package ccflare.providers;

import ccflare.core.Usage;

/**
 * Reads usage out of a response body as its bytes go by, in bounded memory: SSE {@code data:}
 * lines of the events that carry usage ({@code message_start}, {@code message_delta}, OpenAI's
 * final {@code usage} chunk, {@code response.completed}) or a whole JSON body (capped). One
 * instance per response; not thread-safe; never throws on malformed input.
 */
public interface UsageScanner {

    /** Feeds the next slice of the response body, exactly as received. */
    void accept(byte[] bytes, int offset, int length);

    /** Called once after the last byte; parses a buffered JSON body, if any. */
    void finish();

    /** Usage found so far. */
    Usage usage();

    /** The model the provider reported; empty when none. */
    String model();

    /** Epoch ms of the first content token (first content block/delta), 0 when none seen. */
    long firstTokenAtMs();

    /** Epoch ms of the last usage/delta event, 0 when none seen. */
    long lastTokenAtMs();

    /** Output tokens per second of generation, negative when it cannot be measured (non-streaming). */
    default double tokensPerSecond() {
        long first = firstTokenAtMs();
        long last = lastTokenAtMs();
        long out = usage().outputTokens();
        if (first == 0 || last == 0 || out <= 0 || last < first) return -1;
        long ms = Math.max(1, last - first);
        return out * 1000.0 / ms;
    }
}

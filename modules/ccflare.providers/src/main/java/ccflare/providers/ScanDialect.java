package ccflare.providers;

import ccflare.core.Usage;
import java.time.InstantSource;
import java.util.Locale;

/**
 * The shape of usage in a provider family's responses: which SSE events carry it, where it sits
 * in their JSON, and how its counters become {@link Usage}.
 */
enum ScanDialect {
    /** Anthropic Messages: {@code message_start} / {@code message_delta} events, input excludes cache. */
    ANTHROPIC("message") {
        @Override EventRole role(String event) {
            return switch (event) {
                case "message_start" -> EventRole.USAGE_IN_WRAPPER;
                case "message_delta" -> EventRole.FINAL_USAGE;
                case "content_block_start", "content_block_delta" -> EventRole.FIRST_TOKEN;
                default -> EventRole.SKIP;
            };
        }
        @Override Usage usage(UsageCounters c) { return c.anthropic(); }
    },
    /**
     * OpenAI chat completions ({@code data:}-only chunks, the last with {@code usage} when
     * {@code stream_options.include_usage}) and the Responses API of OpenAI and Codex
     * ({@code response.completed} with {@code response.usage}).
     */
    OPENAI("response") {
        @Override EventRole role(String event) {
            return switch (event) {
                case "response.completed", "response.done", "response.incomplete", "response.failed" ->
                        EventRole.FINAL_USAGE_IN_WRAPPER;
                // carries response.model, which a stream cut before its end would otherwise lack
                case "response.created" -> EventRole.USAGE_IN_WRAPPER;
                default -> event.endsWith(".delta") ? EventRole.FIRST_TOKEN : EventRole.SKIP;
            };
        }
        @Override Usage usage(UsageCounters c) { return c.openAi(); }
    };

    /** What a data line under a named event is worth. */
    enum EventRole {
        /** Parse it, {@code usage}/{@code model} under the wrapper object. */
        USAGE_IN_WRAPPER,
        /** Parse it, {@code usage} at the root; it also marks the last token. */
        FINAL_USAGE,
        /** Parse it, {@code usage} under the wrapper; it also marks the last token. */
        FINAL_USAGE_IN_WRAPPER,
        /** Do not parse; its arrival may be the first content token. */
        FIRST_TOKEN,
        /** Do not parse. */
        SKIP
    }

    private final String wrapper;

    ScanDialect(String wrapper) { this.wrapper = wrapper; }

    /** The object under the root that holds usage in this family's wrapped events. */
    String wrapper() { return wrapper; }

    abstract EventRole role(String event);

    abstract Usage usage(UsageCounters counters);

    /** A scanner for one body: SSE for {@code text/event-stream}, otherwise a JSON body. */
    UsageScanner newScanner(String contentType, InstantSource clock) {
        boolean sse = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("text/event-stream");
        return sse ? new SseUsageScanner(this, clock) : new JsonUsageScanner(this);
    }
}

package ccflare.providers.translate;

/** Finish and stop reasons between the families (the original's table). */
final class StopReasons {
    private StopReasons() {}

    /** Anthropic {@code stop_reason} → Chat {@code finish_reason}. */
    static String toChat(String stopReason) {
        if (stopReason == null) return "stop";
        return switch (stopReason) {
            case "tool_use" -> "tool_calls";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /** Chat {@code finish_reason} → Anthropic {@code stop_reason}. */
    static String fromChat(String finishReason) {
        if (finishReason == null) return "end_turn";
        return switch (finishReason) {
            case "tool_calls", "function_call" -> "tool_use";
            case "length" -> "max_tokens";
            default -> "end_turn"; // stop, content_filter
        };
    }
}

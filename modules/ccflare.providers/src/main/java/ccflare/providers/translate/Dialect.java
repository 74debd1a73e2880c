package ccflare.providers.translate;

/** The three request/response grammars a translating route speaks, on either side. */
public enum Dialect {
    /** Anthropic Messages: {@code POST /v1/messages}. */
    MESSAGES,
    /** OpenAI Chat Completions: {@code POST /chat/completions}. */
    CHAT,
    /** OpenAI Responses: {@code POST /responses} (also what Codex speaks). */
    RESPONSES
}

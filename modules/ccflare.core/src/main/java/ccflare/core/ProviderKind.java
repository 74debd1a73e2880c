package ccflare.core;

import java.util.Locale;
import java.util.Optional;

/** The upstream kinds an account can belong to, with the family that the drop-in route serves. */
public enum ProviderKind {
    /** Anthropic API key, sent as {@code x-api-key}. */
    ANTHROPIC("anthropic", Family.ANTHROPIC, false, "https://api.anthropic.com"),
    /** Claude Pro/Max subscription signed in with OAuth, sent as a bearer token. */
    CLAUDE_CODE("claude-code", Family.ANTHROPIC, true, "https://api.anthropic.com"),
    /** OpenAI API key, sent as a bearer token. */
    OPENAI("openai", Family.OPENAI, false, "https://api.openai.com/v1"),
    /** ChatGPT/Codex subscription signed in with OAuth. */
    CODEX("codex", Family.CODEX, true, "https://chatgpt.com/backend-api/codex");

    /** Accounts of one family can serve each other's requests. */
    public enum Family { ANTHROPIC, OPENAI, CODEX }

    private final String id;
    private final Family family;
    private final boolean oauth;
    private final String defaultBaseUrl;

    ProviderKind(String id, Family family, boolean oauth, String defaultBaseUrl) {
        this.id = id;
        this.family = family;
        this.oauth = oauth;
        this.defaultBaseUrl = defaultBaseUrl;
    }

    /** The wire name: {@code anthropic}, {@code claude-code}, {@code openai}, {@code codex}. */
    public String id() { return id; }

    public Family family() { return family; }

    /** Whether accounts of this kind hold OAuth tokens rather than an API key. */
    public boolean oauth() { return oauth; }

    /** The upstream base URL used when neither the account nor the configuration overrides it. */
    public String defaultBaseUrl() { return defaultBaseUrl; }

    /** Looks a kind up by its wire name, case-insensitively. */
    public static Optional<ProviderKind> byId(String id) {
        if (id == null) return Optional.empty();
        String lower = id.toLowerCase(Locale.ROOT);
        for (ProviderKind k : values()) {
            if (k.id.equals(lower)) return Optional.of(k);
        }
        return Optional.empty();
    }
}

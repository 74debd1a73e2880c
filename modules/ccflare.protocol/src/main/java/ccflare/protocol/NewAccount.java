package ccflare.protocol;

/**
 * Body of {@code POST /api/accounts}: an API-key account. OAuth accounts ({@code claude-code},
 * {@code codex}) are added through {@code /api/auth/{provider}/init} instead.
 * {@link #toString()} never prints the key.
 *
 * @param provider {@code anthropic} or {@code openai}
 * @param apiKey   the provider's API key; stored encrypted, never shown again
 * @param baseUrl  optional absolute http(s) URL of an Anthropic- or OpenAI-compatible endpoint
 * @param priority optional, lower is tried first; 0 when absent
 */
public record NewAccount(String name, String provider, String apiKey, String baseUrl, Integer priority) {
    @Override
    public String toString() {
        return "NewAccount[name=" + name + ", provider=" + provider + ", apiKey=" + (apiKey == null ? "absent" : "redacted")
                + ", baseUrl=" + baseUrl + ", priority=" + priority + "]";
    }
}

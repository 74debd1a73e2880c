package ccflare.providers;

import static java.util.Objects.requireNonNull;

import ccflare.core.ProviderKind;
import java.util.Optional;
import java.util.Set;

/**
 * The two API families a model belongs to, with the account kinds that serve each: Anthropic
 * (claude-code and anthropic accounts) and OpenAI (codex and openai accounts). {@link #id()} is
 * the family's key in the pricing table and the model prefix of the translating routes.
 */
public enum ApiFamily {
    ANTHROPIC("anthropic", Set.of(ProviderKind.CLAUDE_CODE, ProviderKind.ANTHROPIC)),
    OPENAI("openai", Set.of(ProviderKind.CODEX, ProviderKind.OPENAI));

    private final String id;
    private final Set<ProviderKind> kinds;

    ApiFamily(String id, Set<ProviderKind> kinds) {
        this.id = id;
        this.kinds = kinds;
    }

    /** {@code anthropic} or {@code openai}. */
    public String id() {
        return id;
    }

    /** The account kinds that serve this family's models. */
    public Set<ProviderKind> kinds() {
        return kinds;
    }

    /** The family an account kind serves. */
    public static ApiFamily of(ProviderKind kind) {
        requireNonNull(kind, "kind");
        return ANTHROPIC.kinds.contains(kind) ? ANTHROPIC : OPENAI;
    }

    /** The family with this id ({@code anthropic}, {@code openai}); empty for any other. */
    public static Optional<ApiFamily> byId(String id) {
        for (ApiFamily f : values()) if (f.id.equals(id)) return Optional.of(f);
        return Optional.empty();
    }
}

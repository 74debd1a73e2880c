package ccflare.proxy;

import ccflare.core.ProviderKind;
import java.util.Locale;
import java.util.Optional;

/**
 * A request whose {@code model} plainly belongs to the other API family than its route — an
 * OpenAI model ({@code gpt-*}, {@code o1…o9*}, {@code codex-*}, {@code chatgpt-*}) sent to the
 * Anthropic route, or a {@code claude-*} model sent to {@code /v1/openai} or {@code /v1/codex} —
 * is refused before any account is tried: no account of the route's family can serve it, and
 * forwarding would spend a request to get the provider's less helpful 404. The refusal names the
 * base URL the client should use. Anything not plainly the other family's passes (new models,
 * aliases, gateways with names of their own).
 */
final class ModelFamily {

    private ModelFamily() {}

    /** The sentence to refuse with, or empty when the model may be the route's. {@code host} is the request's Host header. */
    static Optional<String> mismatch(Route.Match route, String model, String host) {
        if (model == null || model.isEmpty()) return Optional.empty();
        String m = model.toLowerCase(Locale.ROOT);
        String base = "http://" + (host == null || host.isBlank() ? "127.0.0.1:8080" : host);
        if (anthropicRoute(route) && openAiModel(m)) {
            return Optional.of("model '" + model + "' is an OpenAI model, and this route serves the Anthropic Messages API:"
                    + " point an OpenAI client at " + base + "/v1/openai (OpenAI API-key accounts) or " + base
                    + "/v1/codex (ChatGPT subscriptions), e.g. OPENAI_BASE_URL=" + base + "/v1/openai");
        }
        if (!anthropicRoute(route) && m.startsWith("claude-")) {
            return Optional.of("model '" + model + "' is an Anthropic model, and this route serves the OpenAI API:"
                    + " point an Anthropic client at " + base + " (ANTHROPIC_BASE_URL=" + base + ")");
        }
        return Optional.empty();
    }

    /** Whether the route serves the Anthropic API (the drop-in route, /v1/anthropic, /v1/claude-code). */
    static boolean anthropicRoute(Route.Match route) {
        for (ProviderKind k : route.kinds()) if (k != ProviderKind.ANTHROPIC && k != ProviderKind.CLAUDE_CODE) return false;
        return true;
    }

    static boolean openAiModel(String m) {
        if (m.startsWith("gpt-") || m.startsWith("chatgpt-") || m.startsWith("codex-") || m.equals("codex")) return true;
        // o1, o3-mini, o4-mini-high …: the letter o and a digit
        return m.length() >= 2 && m.charAt(0) == 'o' && Character.isDigit(m.charAt(1));
    }
}

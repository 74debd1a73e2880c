package ccflare.proxy;

import ccflare.core.ProviderKind;
import ccflare.providers.translate.Dialect;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where a {@code /v1/ccflare/**} request goes, from its path and the {@code model} of its body:
 * which grammar the client speaks, which the upstream, which account kinds may serve it and at
 * which upstream path. A pure function: no accounts, no I/O.
 *
 * <ul>
 *   <li>{@code anthropic/<id>} → claude-code then anthropic accounts, {@code /v1/messages};
 *       a Chat or Responses client's body is translated to Messages.</li>
 *   <li>{@code openai/<id>} from a Messages client → codex then openai accounts, {@code /responses},
 *       translated to Responses with Codex's normalisation (which the OpenAI API accepts too).</li>
 *   <li>{@code openai/<id>} from a Chat client → codex then openai accounts, {@code /responses},
 *       translated to Responses with Codex's normalisation; from a Responses client the same, with
 *       only the normalisation. When no codex account is configured, openai accounts alone serve
 *       them untranslated (the prefix stripped) at {@code /chat/completions} or {@code /responses}:
 *       the client already speaks the upstream's grammar, and nothing is lost to the normalisation.</li>
 * </ul>
 */
final class TranslatingRoute {
    static final String PREFIX = "/v1/ccflare/";
    static final String MESSAGES_PATH = PREFIX + "anthropic/messages";
    /** What an Anthropic SDK whose base URL is {@code …/v1/ccflare/anthropic} calls. */
    static final String SDK_MESSAGES_PATH = PREFIX + "anthropic/v1/messages";
    static final String CHAT_PATH = PREFIX + "openai/chat/completions";
    static final String RESPONSES_PATH = PREFIX + "openai/responses";
    static final String ANTHROPIC_MODELS_PATH = PREFIX + "anthropic/models";
    /** What an Anthropic SDK whose base URL is {@code …/v1/ccflare/anthropic} lists. */
    static final String SDK_ANTHROPIC_MODELS_PATH = PREFIX + "anthropic/v1/models";
    static final String OPENAI_MODELS_PATH = PREFIX + "openai/models";

    private TranslatingRoute() {}

    /**
     * The decision for one request.
     *
     * @param client   the client's grammar
     * @param upstream the upstream's grammar; equal to {@code client} when nothing is translated
     * @param codex    whether Codex's normalisation applies
     * @param match    the kinds, the primary kind and the upstream path Exchange proxies to
     * @param model    the model id sent upstream (prefix stripped)
     */
    record Plan(Dialect client, Dialect upstream, boolean codex, Route.Match match, String model) {
        /** Whether the request body is rewritten beyond its model (another grammar, or Codex's normalisation). */
        boolean rewritesRequest() {
            return client != upstream || codex;
        }

        /**
         * Whether the answer is rewritten: another grammar, or a Codex stream (Codex always
         * streams) for a client that asked for one JSON body.
         */
        boolean rewritesResponse(boolean clientStreams) {
            return client != upstream || (codex && !clientStreams);
        }

        /**
         * What the record and the log say ran, e.g. {@code openai-chat→anthropic-messages} or
         * {@code anthropic-messages→codex-responses} (Responses with Codex's normalisation); empty
         * when the body passed untranslated.
         */
        Optional<String> translation() {
            if (!rewritesRequest()) return Optional.empty();
            return Optional.of(grammar(client) + "→" + (codex ? "codex-responses" : grammar(upstream)));
        }

        private static String grammar(Dialect d) {
            return switch (d) {
                case MESSAGES -> "anthropic-messages";
                case CHAT -> "openai-chat";
                case RESPONSES -> "openai-responses";
            };
        }
    }

    /** The client's grammar for a translating path; empty for a path that is not one of the three routes. */
    static Optional<Dialect> clientDialect(String path) {
        return switch (path) {
            case MESSAGES_PATH, SDK_MESSAGES_PATH -> Optional.of(Dialect.MESSAGES);
            case CHAT_PATH -> Optional.of(Dialect.CHAT);
            case RESPONSES_PATH -> Optional.of(Dialect.RESPONSES);
            default -> Optional.empty();
        };
    }

    /** The list format of a model-list path (Messages: Anthropic's, Chat: OpenAI's); empty for any other path. */
    static Optional<Dialect> modelsDialect(String path) {
        return switch (path) {
            case ANTHROPIC_MODELS_PATH, SDK_ANTHROPIC_MODELS_PATH -> Optional.of(Dialect.MESSAGES);
            case OPENAI_MODELS_PATH -> Optional.of(Dialect.CHAT);
            default -> Optional.empty();
        };
    }

    /**
     * The plan for {@code model} on a route whose client speaks {@code client}.
     *
     * @param codexAccounts whether any codex account is configured (whatever its state)
     * @return the plan, or the sentence of a 400 when the model has no known prefix
     */
    static Object plan(Dialect client, String model, boolean codexAccounts) {
        if (model == null || model.isEmpty()) return "model: missing (expected: anthropic/<id> or openai/<id>)";
        if (model.startsWith("anthropic/") && model.length() > "anthropic/".length()) {
            Set<ProviderKind> kinds = EnumSet.of(ProviderKind.CLAUDE_CODE, ProviderKind.ANTHROPIC);
            return new Plan(client, Dialect.MESSAGES, false,
                    new Route.Match(kinds, ProviderKind.ANTHROPIC, "/v1/messages"), model.substring("anthropic/".length()));
        }
        if (model.startsWith("openai/") && model.length() > "openai/".length()) {
            String id = model.substring("openai/".length());
            Route.Match codexThenOpenAi = new Route.Match(EnumSet.of(ProviderKind.CODEX, ProviderKind.OPENAI), ProviderKind.OPENAI, "/responses");
            if (client == Dialect.MESSAGES || codexAccounts) return new Plan(client, Dialect.RESPONSES, true, codexThenOpenAi, id);
            return switch (client) {
                case CHAT -> new Plan(client, Dialect.CHAT, false,
                        new Route.Match(EnumSet.of(ProviderKind.OPENAI), ProviderKind.OPENAI, "/chat/completions"), id);
                case RESPONSES, MESSAGES -> new Plan(client, Dialect.RESPONSES, false,
                        new Route.Match(EnumSet.of(ProviderKind.OPENAI), ProviderKind.OPENAI, "/responses"), id);
            };
        }
        return "model: '" + model + "' (expected: anthropic/<id> or openai/<id>)";
    }
}

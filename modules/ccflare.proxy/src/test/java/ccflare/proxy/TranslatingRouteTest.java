package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.ProviderKind;
import ccflare.providers.translate.Dialect;
import org.junit.jupiter.api.Test;

/** The model prefix picks the family, the upstream grammar and path; the prefix is stripped. */
class TranslatingRouteTest {

    static TranslatingRoute.Plan plan(Dialect client, String model) {
        return plan(client, model, false);
    }

    static TranslatingRoute.Plan plan(Dialect client, String model, boolean codexAccounts) {
        return (TranslatingRoute.Plan) TranslatingRoute.plan(client, model, codexAccounts);
    }

    @Test void anthropicPrefixSendsEveryClientToTheAnthropicFamilyAtMessages() {
        for (Dialect client : Dialect.values()) {
            TranslatingRoute.Plan p = plan(client, "anthropic/claude-sonnet-4-5");
            assertThat(p.model()).isEqualTo("claude-sonnet-4-5");
            assertThat(p.upstream()).isEqualTo(Dialect.MESSAGES);
            assertThat(p.match().kinds()).containsExactlyInAnyOrder(ProviderKind.CLAUDE_CODE, ProviderKind.ANTHROPIC);
            assertThat(p.match().upstreamPath()).isEqualTo("/v1/messages");
            assertThat(p.rewritesRequest()).isEqualTo(client != Dialect.MESSAGES);
            assertThat(p.translation()).isEqualTo(client == Dialect.MESSAGES ? java.util.Optional.empty()
                    : java.util.Optional.of((client == Dialect.CHAT ? "openai-chat" : "openai-responses") + "→anthropic-messages"));
        }
    }

    @Test void openAiPrefixSendsAMessagesClientToCodexAndOpenAiThroughNormalisedResponses() {
        TranslatingRoute.Plan p = plan(Dialect.MESSAGES, "openai/gpt-5");
        assertThat(p.model()).isEqualTo("gpt-5");
        assertThat(p.upstream()).isEqualTo(Dialect.RESPONSES);
        assertThat(p.codex()).isTrue();
        assertThat(p.match().kinds()).containsExactlyInAnyOrder(ProviderKind.CODEX, ProviderKind.OPENAI);
        assertThat(p.match().upstreamPath()).isEqualTo("/responses");
        assertThat(p.translation()).contains("anthropic-messages→codex-responses");
    }

    @Test void openAiPrefixSendsChatAndResponsesClientsToCodexThenOpenAiWhenACodexAccountExists() {
        TranslatingRoute.Plan chat = plan(Dialect.CHAT, "openai/gpt-5-codex", true);
        assertThat(chat.upstream()).isEqualTo(Dialect.RESPONSES);
        assertThat(chat.codex()).isTrue();
        assertThat(chat.match().kinds()).containsExactlyInAnyOrder(ProviderKind.CODEX, ProviderKind.OPENAI);
        assertThat(chat.match().upstreamPath()).isEqualTo("/responses");
        assertThat(chat.translation()).contains("openai-chat→codex-responses");
        assertThat(chat.rewritesResponse(true)).isTrue();

        TranslatingRoute.Plan responses = plan(Dialect.RESPONSES, "openai/gpt-5-codex", true);
        assertThat(responses.upstream()).isEqualTo(Dialect.RESPONSES);
        assertThat(responses.match().kinds()).containsExactlyInAnyOrder(ProviderKind.CODEX, ProviderKind.OPENAI);
        assertThat(responses.translation()).contains("openai-responses→codex-responses");
        // The events pass through to a streaming client; one that asked for JSON gets the stream collected.
        assertThat(responses.rewritesResponse(true)).isFalse();
        assertThat(responses.rewritesResponse(false)).isTrue();
    }

    @Test void openAiPrefixOnAnOpenAiRouteIsUntranslatedWithoutACodexAccount() {
        assertThat(plan(Dialect.CHAT, "openai/gpt-4.1").rewritesRequest()).isFalse();
        assertThat(plan(Dialect.CHAT, "openai/gpt-4.1").translation()).isEmpty();
        assertThat(plan(Dialect.CHAT, "openai/gpt-4.1").match().kinds()).containsExactly(ProviderKind.OPENAI);
        assertThat(plan(Dialect.CHAT, "openai/gpt-4.1").match().upstreamPath()).isEqualTo("/chat/completions");
        assertThat(plan(Dialect.RESPONSES, "openai/gpt-5").match().upstreamPath()).isEqualTo("/responses");
    }

    @Test void aModelWithoutAKnownPrefixIsASentence() {
        assertThat(TranslatingRoute.plan(Dialect.CHAT, "gpt-5", false)).isEqualTo("model: 'gpt-5' (expected: anthropic/<id> or openai/<id>)");
        assertThat(TranslatingRoute.plan(Dialect.CHAT, "anthropic/", false)).isInstanceOf(String.class);
        assertThat(TranslatingRoute.plan(Dialect.CHAT, "", false)).isEqualTo("model: missing (expected: anthropic/<id> or openai/<id>)");
    }

    @Test void theThreeRoutesAndTheSdkAliasAreKnownAndNothingElse() {
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/anthropic/messages")).contains(Dialect.MESSAGES);
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/anthropic/v1/messages")).contains(Dialect.MESSAGES);
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/openai/chat/completions")).contains(Dialect.CHAT);
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/openai/responses")).contains(Dialect.RESPONSES);
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/openai/models")).isEmpty();
    }
}

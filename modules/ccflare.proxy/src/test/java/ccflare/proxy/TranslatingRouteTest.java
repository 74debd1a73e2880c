package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.ProviderKind;
import ccflare.providers.translate.Dialect;
import org.junit.jupiter.api.Test;

/** The model prefix picks the family, the upstream grammar and path; the prefix is stripped. */
class TranslatingRouteTest {

    static TranslatingRoute.Plan plan(Dialect client, String model) {
        return (TranslatingRoute.Plan) TranslatingRoute.plan(client, model);
    }

    @Test void anthropicPrefixSendsEveryClientToTheAnthropicFamilyAtMessages() {
        for (Dialect client : Dialect.values()) {
            TranslatingRoute.Plan p = plan(client, "anthropic/claude-sonnet-4-5");
            assertThat(p.model()).isEqualTo("claude-sonnet-4-5");
            assertThat(p.upstream()).isEqualTo(Dialect.MESSAGES);
            assertThat(p.match().kinds()).containsExactlyInAnyOrder(ProviderKind.CLAUDE_CODE, ProviderKind.ANTHROPIC);
            assertThat(p.match().upstreamPath()).isEqualTo("/v1/messages");
            assertThat(p.translates()).isEqualTo(client != Dialect.MESSAGES);
        }
    }

    @Test void openAiPrefixSendsAMessagesClientToCodexAndOpenAiThroughNormalisedResponses() {
        TranslatingRoute.Plan p = plan(Dialect.MESSAGES, "openai/gpt-5");
        assertThat(p.model()).isEqualTo("gpt-5");
        assertThat(p.upstream()).isEqualTo(Dialect.RESPONSES);
        assertThat(p.codex()).isTrue();
        assertThat(p.match().kinds()).containsExactlyInAnyOrder(ProviderKind.CODEX, ProviderKind.OPENAI);
        assertThat(p.match().upstreamPath()).isEqualTo("/responses");
        assertThat(p.label()).isEqualTo("messages→responses");
    }

    @Test void openAiPrefixOnAnOpenAiRouteIsUntranslated() {
        assertThat(plan(Dialect.CHAT, "openai/gpt-4.1").translates()).isFalse();
        assertThat(plan(Dialect.CHAT, "openai/gpt-4.1").match().upstreamPath()).isEqualTo("/chat/completions");
        assertThat(plan(Dialect.RESPONSES, "openai/gpt-5").match().upstreamPath()).isEqualTo("/responses");
    }

    @Test void aModelWithoutAKnownPrefixIsASentence() {
        assertThat(TranslatingRoute.plan(Dialect.CHAT, "gpt-5")).isEqualTo("model: 'gpt-5' (expected: anthropic/<id> or openai/<id>)");
        assertThat(TranslatingRoute.plan(Dialect.CHAT, "anthropic/")).isInstanceOf(String.class);
        assertThat(TranslatingRoute.plan(Dialect.CHAT, "")).isEqualTo("model: missing (expected: anthropic/<id> or openai/<id>)");
    }

    @Test void theThreeRoutesAndTheSdkAliasAreKnownAndNothingElse() {
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/anthropic/messages")).contains(Dialect.MESSAGES);
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/anthropic/v1/messages")).contains(Dialect.MESSAGES);
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/openai/chat/completions")).contains(Dialect.CHAT);
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/openai/responses")).contains(Dialect.RESPONSES);
        assertThat(TranslatingRoute.clientDialect("/v1/ccflare/openai/models")).isEmpty();
    }
}

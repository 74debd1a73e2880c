package ccflare.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProvidersTest {
    private static final String KEY = "sk-ant-api03-SECRET-KEY";
    private static final String TOKEN = "sk-ant-oat01-SECRET-TOKEN";
    private static final Credentials API_KEY = new Credentials.ApiKey(KEY);
    private static final Credentials OAUTH = new Credentials.OAuthTokens(TOKEN, "refresh-SECRET", 1L);

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void returnsOneAdapterPerKindThatKnowsItsKind(ProviderKind kind) {
        assertThat(Providers.adapter(kind).kind()).isEqualTo(kind);
        assertThat(Providers.adapter(kind)).isSameAs(Providers.adapter(kind));
    }

    @Test
    void anthropicApiKeyGoesInXApiKeyWithNoBetas() {
        ProviderAdapter a = Providers.adapter(ProviderKind.ANTHROPIC);
        assertThat(a.credentialHeader(API_KEY)).isEqualTo(Map.entry("x-api-key", KEY));
        assertThat(a.requiredBetas()).isEmpty();
    }

    @Test
    void claudeCodeOAuthGoesAsBearerAndNeedsTheOAuthBeta() {
        ProviderAdapter a = Providers.adapter(ProviderKind.CLAUDE_CODE);
        assertThat(a.credentialHeader(OAUTH)).isEqualTo(Map.entry("authorization", "Bearer " + TOKEN));
        assertThat(a.requiredBetas()).containsExactly("oauth-2025-04-20");
    }

    @Test
    void openAiApiKeyGoesAsBearer() {
        ProviderAdapter a = Providers.adapter(ProviderKind.OPENAI);
        assertThat(a.credentialHeader(API_KEY)).isEqualTo(Map.entry("authorization", "Bearer " + KEY));
        assertThat(a.requiredBetas()).isEmpty();
    }

    @Test
    void codexOAuthGoesAsBearer() {
        ProviderAdapter a = Providers.adapter(ProviderKind.CODEX);
        assertThat(a.credentialHeader(OAUTH)).isEqualTo(Map.entry("authorization", "Bearer " + TOKEN));
        assertThat(a.requiredBetas()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ProviderKind.class)
    void refusesACredentialOfTheWrongSortWithoutNamingTheSecret(ProviderKind kind) {
        Credentials wrong = kind.oauth() ? API_KEY : OAUTH;
        assertThatThrownBy(() -> Providers.adapter(kind).credentialHeader(wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(kind.id())
                .message().doesNotContain("SECRET");
    }

    @Test
    void refusesAnEmptyOAuthAccessToken() {
        assertThatThrownBy(() -> Providers.adapter(ProviderKind.CODEX)
                .credentialHeader(new Credentials.OAuthTokens("", "refresh-SECRET", 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty access token")
                .message().doesNotContain("SECRET");
    }

    @Test
    void adapterToStringNamesTheKindOnly() {
        assertThat(Providers.adapter(ProviderKind.CLAUDE_CODE)).hasToString("ProviderAdapter[claude-code]");
    }

    @Test
    void onlyAHardUnifiedStatusMakesA2xxARefusalAndOnlyForTheAnthropicFamily() {
        Map<String, String> hard = Map.of("anthropic-ratelimit-unified-status", "rate_limited");
        Map<String, String> soft = Map.of("anthropic-ratelimit-unified-status", "allowed_warning");
        assertThat(Providers.adapter(ProviderKind.CLAUDE_CODE).refusedDespiteSuccess(hard::get)).isTrue();
        assertThat(Providers.adapter(ProviderKind.ANTHROPIC).refusedDespiteSuccess(soft::get)).isFalse();
        assertThat(Providers.adapter(ProviderKind.ANTHROPIC).refusedDespiteSuccess(Map.<String, String>of()::get)).isFalse();
        assertThat(Providers.adapter(ProviderKind.OPENAI).refusedDespiteSuccess(hard::get)).isFalse();
    }
}

package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.core.ProviderKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

class RouteAndHeaderTest {

    @Test void dropInPathsGoUnchangedToTheAnthropicFamily() {
        assertThat(Route.of("/v1/messages")).isEqualTo(new Route.Match(Route.ANTHROPIC_FAMILY, ProviderKind.ANTHROPIC, "/v1/messages"));
        assertThat(Route.of("/v1/messages/count_tokens")).isEqualTo(
                new Route.Match(Route.ANTHROPIC_FAMILY, ProviderKind.ANTHROPIC, "/v1/messages/count_tokens"));
    }

    @Test void theSharedAnthropicFamilyCannotBeChangedByOneRequest() {
        Set<ProviderKind> kinds = ((Route.Match) Route.of("/v1/messages")).kinds();
        assertThatThrownBy(() -> kinds.add(ProviderKind.OPENAI)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> kinds.remove(ProviderKind.ANTHROPIC)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Route.ANTHROPIC_FAMILY).containsExactlyInAnyOrder(ProviderKind.CLAUDE_CODE, ProviderKind.ANTHROPIC);
    }

    @Test void providerPrefixesAreStrippedOnce() {
        assertThat(Route.of("/v1/claude-code/v1/messages"))
                .isEqualTo(new Route.Match(Set.of(ProviderKind.CLAUDE_CODE), ProviderKind.CLAUDE_CODE, "/v1/messages"));
        assertThat(Route.of("/v1/openai/chat/completions"))
                .isEqualTo(new Route.Match(Set.of(ProviderKind.OPENAI), ProviderKind.OPENAI, "/chat/completions"));
        assertThat(Route.of("/v1/codex/responses"))
                .isEqualTo(new Route.Match(Set.of(ProviderKind.CODEX), ProviderKind.CODEX, "/responses"));
        assertThat(Route.of("/v1/anthropic/v1/anthropic/x"))
                .isEqualTo(new Route.Match(Set.of(ProviderKind.ANTHROPIC), ProviderKind.ANTHROPIC, "/v1/anthropic/x"));
    }

    @Test void unknownPrefixesBeforeAV1SegmentAreRefused() {
        assertThat(Route.of("/v1/mistral/v1/messages")).isEqualTo(new Route.UnknownPrefix("mistral"));
    }

    @Test void onlyV1PathsAreProxied() {
        assertThat(Route.of("/v1")).isInstanceOf(Route.NotProxied.class);
        assertThat(Route.of("/api/accounts")).isInstanceOf(Route.NotProxied.class);
        assertThat(Route.of("/")).isInstanceOf(Route.NotProxied.class);
    }

    @Test void theUpstreamsDateReplacesTheOneJettySetSoTheClientGetsOne() {
        HttpFields.Mutable client = HttpFields.build().add("date", "Mon, 07 Dec 2026 02:00:01 GMT");
        HttpFields upstream = HttpFields.build().add("Date", "Mon, 07 Dec 2026 02:00:00 GMT").add("x-a", "1").add("x-a", "2");
        HeaderRewrite.copyResponse(upstream, client);
        assertThat(client.getValuesList("date")).containsExactly("Mon, 07 Dec 2026 02:00:00 GMT");
        assertThat(client.getValuesList("x-a")).containsExactly("1", "2");
    }

    @Test void betasMergeAsASetInClientOrder() {
        HttpFields client = HttpFields.build().add("anthropic-beta", " x ,y,,x").add("Anthropic-Beta", "z, y");
        assertThat(HeaderRewrite.mergedBetas(client, List.of("oauth-2025-04-20", "z"))).isEqualTo("x,y,z,oauth-2025-04-20");
    }

    @Test void passThroughKeepsTheClientsCredentials() {
        HttpFields client = HttpFields.build().add("authorization", "Bearer c").add("x-api-key", "k").add("host", "h")
                .add("content-length", "3").add("accept-encoding", "gzip").add("x-other", "1");
        HttpFields up = HeaderRewrite.upstreamRequest(client, null, List.of("ignored"));
        assertThat(up.get("authorization")).isEqualTo("Bearer c");
        assertThat(up.get("x-api-key")).isEqualTo("k");
        assertThat(up.get("anthropic-beta")).isNull();
        assertThat(up.get("host")).isNull();
        assertThat(up.get("content-length")).isNull();
        assertThat(up.get("accept-encoding")).isNull();
        assertThat(up.get("x-other")).isEqualTo("1");
    }

    @Test void anAccountCredentialReplacesBothClientCredentials() {
        HttpFields client = HttpFields.build().add("Authorization", "Bearer c").add("X-Api-Key", "k");
        HttpFields up = HeaderRewrite.upstreamRequest(client, Map.entry("x-api-key", "acct"), List.of());
        assertThat(up.getValuesList("authorization")).isEmpty();
        assertThat(up.getValuesList("x-api-key")).containsExactly("acct");
    }

    @Test void responseHeadersLoseHopByHopAndALengthBesideAnEncoding() {
        HttpFields upstream = HttpFields.build().add("connection", "close, x-hop").add("x-hop", "1").add("transfer-encoding", "chunked")
                .add("content-length", "10").add("request-id", "r").add("content-encoding", "gzip");
        HttpFields.Mutable out = HttpFields.build();
        HeaderRewrite.copyResponse(upstream, out);
        assertThat(out.getFieldNamesCollection()).containsExactly("request-id", "content-encoding");
    }

    @Test void responseHeadersKeepTheUpstreamContentLengthSinceTheBodyPassesUnchanged() {
        HttpFields upstream = HttpFields.build().add("keep-alive", "timeout=5").add("content-length", "10").add("request-id", "r");
        HttpFields.Mutable out = HttpFields.build();
        HeaderRewrite.copyResponse(upstream, out);
        assertThat(out.getFieldNamesCollection()).containsExactly("content-length", "request-id");
        assertThat(out.get("content-length")).isEqualTo("10");
    }

    @Test void theRequestModelIsReadWithoutBindingTheBody() {
        assertThat(RequestModel.of("{\"messages\":[{\"model\":\"inner\"}],\"model\":\"claude-x\"}".getBytes())).isEqualTo("claude-x");
        assertThat(RequestModel.of("[1]".getBytes())).isEmpty();
        assertThat(RequestModel.of("{\"model\":".getBytes())).isEmpty();
        assertThat(RequestModel.of(new byte[0])).isEmpty();
    }

    @Test void errorBodiesEscapeMessages() {
        assertThat(new String(ErrorBodies.json("api_error", "say \"hi\"\n"))).isEqualTo(
                "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"say \\\"hi\\\"\\n\"}}");
    }
}

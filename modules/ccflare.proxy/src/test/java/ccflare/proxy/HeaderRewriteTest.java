package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

/** The header rules decide by Jetty's HttpHeader where it has one; these tests pin that the shortcut loses no name. */
class HeaderRewriteTest {

    @Test void everyHopByHopAndDroppedNameIsAJettyHeaderInTheMatchingEnumSet() {
        for (String name : HeaderRewrite.HOP_BY_HOP) {
            for (String spelled : List.of(name, name.toUpperCase(Locale.ROOT))) {
                assertThat(new HttpField(spelled, "x").getHeader()).as(spelled).isIn(HeaderRewrite.HOP_BY_HOP_HEADERS);
            }
        }
        assertThat(HeaderRewrite.HOP_BY_HOP_HEADERS).hasSameSizeAs(HeaderRewrite.HOP_BY_HOP);
        for (String name : HeaderRewrite.REQUEST_DROPPED_NAMES) {
            assertThat(new HttpField(name.toUpperCase(Locale.ROOT), "x").getHeader()).as(name).isIn(HeaderRewrite.REQUEST_DROPPED);
        }
        assertThat(HeaderRewrite.REQUEST_DROPPED).hasSameSizeAs(HeaderRewrite.REQUEST_DROPPED_NAMES);
    }

    @Test void everySecretHeaderButTheApiKeyIsAJettyHeaderInTheSecretSet() {
        for (String name : PayloadCapture.SECRET_HEADERS) {
            HttpHeader known = new HttpField(name, "x").getHeader();
            if (name.equals("x-api-key")) assertThat(known).isNull();
            else assertThat(known).as(name).isIn(PayloadCapture.SECRET_KNOWN);
        }
    }

    @Test void secretsAreRedactedWhateverTheirSpelling() {
        HttpFields fields = HttpFields.build().add("Authorization", "Bearer a").add("X-API-KEY", "k").add("cookie", "c")
                .add("Set-Cookie", "s").add("proxy-authorization", "p").add("X-App", "cli").add("anthropic-beta", "b");

        assertThat(PayloadCapture.redacted(fields)).containsExactly(Map.entry("Authorization", "[redacted]"),
                Map.entry("X-API-KEY", "[redacted]"), Map.entry("cookie", "[redacted]"), Map.entry("Set-Cookie", "[redacted]"),
                Map.entry("proxy-authorization", "[redacted]"), Map.entry("X-App", "cli"), Map.entry("anthropic-beta", "b"));
    }

    @Test void unknownHeadersListedInConnectionAreDroppedBothWays() {
        HttpFields in = HttpFields.build().add("Connection", "X-Secret-Hop, keep-alive").add("x-secret-hop", "1")
                .add("X-Other", "2").add("Keep-Alive", "timeout=5").add("X-Api-Key", "client").add("Anthropic-Beta", "a,b");
        HttpFields.Mutable out = HttpFields.build();

        HeaderRewrite.copyResponse(in, out);
        HttpFields up = HeaderRewrite.upstreamRequest(in, Map.entry("x-api-key", "ours"), List.of("c"));

        assertThat(out.stream().map(HttpField::getName)).containsExactly("X-Other", "X-Api-Key", "Anthropic-Beta");
        assertThat(up.stream().map(f -> f.getName() + ": " + f.getValue()))
                .containsExactly("X-Other: 2", "anthropic-beta: a,b,c", "x-api-key: ours");
    }
}

package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

/** Which header carries the client key, and that no upstream request ever carries one. */
class ClientKeyHeadersTest {

    private static final String KEY = "ccf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    @Test
    void theKeyIsTakenFromWhicheverHeaderCarriesIt() {
        assertThat(ClientAdmission.presented(HttpFields.build().add("x-api-key", KEY))).isEqualTo(KEY);
        assertThat(ClientAdmission.presented(HttpFields.build().add(HttpHeader.AUTHORIZATION, "Bearer " + KEY))).isEqualTo(KEY);
        // Claude Code may send a placeholder x-api-key beside a bearer client key: the ccf_ one wins.
        assertThat(ClientAdmission.presented(HttpFields.build().add("x-api-key", "sk-placeholder")
                .add(HttpHeader.AUTHORIZATION, "Bearer " + KEY))).isEqualTo(KEY);
        assertThat(ClientAdmission.presented(HttpFields.build().add("x-api-key", "sk-wrong"))).isEqualTo("sk-wrong");
        assertThat(ClientAdmission.presented(HttpFields.build().add(HttpHeader.AUTHORIZATION, "Basic abc"))).isNull();
        assertThat(ClientAdmission.presented(HttpFields.build())).isNull();
    }

    @Test
    void aClientKeyNeverGoesUpstreamNotEvenInPassThrough() {
        HttpFields client = HttpFields.build().add("x-api-key", KEY).add(HttpHeader.AUTHORIZATION, "Bearer " + KEY)
                .add("anthropic-version", "2023-06-01");
        HttpFields passThrough = HeaderRewrite.upstreamRequest(client, null, List.of());
        assertThat(passThrough.get("x-api-key")).isNull();
        assertThat(passThrough.get(HttpHeader.AUTHORIZATION)).isNull();
        assertThat(passThrough.get("anthropic-version")).isEqualTo("2023-06-01");

        HttpFields withAccount = HeaderRewrite.upstreamRequest(client, Map.entry("x-api-key", "sk-ant-account"), List.of());
        assertThat(withAccount.getValuesList("x-api-key")).containsExactly("sk-ant-account");
        assertThat(withAccount.get(HttpHeader.AUTHORIZATION)).isNull();

        // The client's own credentials still pass through untouched when they are not a client key.
        HttpFields own = HeaderRewrite.upstreamRequest(HttpFields.build().add("x-api-key", "sk-ant-own"), null, List.of());
        assertThat(own.get("x-api-key")).isEqualTo("sk-ant-own");
    }
}

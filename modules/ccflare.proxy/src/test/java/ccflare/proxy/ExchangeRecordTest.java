package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Account;
import ccflare.core.Outcome;
import ccflare.core.ProviderKind;
import ccflare.core.Usage;
import java.util.EnumSet;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

class ExchangeRecordTest {

    private static final Route DROP_IN = new Route.Match(
            EnumSet.of(ProviderKind.ANTHROPIC, ProviderKind.CLAUDE_CODE), ProviderKind.ANTHROPIC, "/v1/messages");
    private static final Account MAX = Account.create("a1", "max", ProviderKind.CLAUDE_CODE, 0, "", 0);

    @Test
    void theProviderIsTheServingAdaptersKindThenTheAccountsThenTheRoutesPrimary() {
        assertThat(ExchangeRecord.provider(ProviderKind.OPENAI, MAX, DROP_IN)).isEqualTo("openai");
        assertThat(ExchangeRecord.provider(null, MAX, DROP_IN)).isEqualTo("claude-code");
        assertThat(ExchangeRecord.provider(null, null, DROP_IN)).isEqualTo("anthropic");
    }

    @Test
    void aRequestThatMatchedNoRouteHasNoProvider() {
        assertThat(ExchangeRecord.provider(null, null, new Route.UnknownPrefix("gemini"))).isEmpty();
        assertThat(ExchangeRecord.provider(null, MAX, new Route.UnknownPrefix("gemini"))).isEmpty();
    }

    @Test
    void theErrorMessageIsTheExchangesOwnElseNoneForSuccessElseTheLastAttempts() {
        assertThat(ExchangeRecord.errorMessage("client disconnected", Outcome.OK, "max: reset")).isEqualTo("client disconnected");
        assertThat(ExchangeRecord.errorMessage(null, Outcome.OK, "max: reset")).isEmpty();
        assertThat(ExchangeRecord.errorMessage(null, Outcome.UPSTREAM_ERROR, "max: reset")).isEqualTo("max: reset");
    }

    @Test
    void aRefusalBeforeAnyResponseKeepsTheRequestsModelAndCostsNothing() {
        HttpFields headers = HttpFields.build().put(HttpHeader.USER_AGENT, "claude-cli/1.0").put("x-claude-code-session-id", "s1");
        // No scanner, so no usage: pricing is not asked.
        var record = ExchangeRecord.assemble("r1", 1_000, 1_250, "POST", "/v1/messages", DROP_IN, null, null,
                "claude-sonnet-4", null, 429, Outcome.RATE_LIMITED, "limited", "", 0, 0, -1, 250, -1, null,
                headers, null, false, "k1", "");
        assertThat(record.model()).isEqualTo("claude-sonnet-4");
        assertThat(record.provider()).isEqualTo("anthropic");
        assertThat(record.accountId()).isEmpty();
        assertThat(record.usage()).isEqualTo(Usage.NONE);
        assertThat(record.costUsd()).isZero();
        assertThat(record.tokensPerSecond()).isEqualTo(-1);
        assertThat(record.totalMs()).isEqualTo(250);
        assertThat(record.userAgent()).isEqualTo("claude-cli/1.0");
        assertThat(record.clientSessionId()).isEqualTo("s1");
        assertThat(record.errorMessage()).isEqualTo("limited");
        assertThat(record.payload()).isNull();
        assertThat(record.clientKeyId()).isEqualTo("k1");
    }
}

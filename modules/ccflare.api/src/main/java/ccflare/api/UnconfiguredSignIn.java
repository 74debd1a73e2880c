package ccflare.api;

import ccflare.core.Account;
import ccflare.core.OAuthFlowException;
import ccflare.core.OAuthFlows;
import ccflare.core.ProviderKind;

/** The sign-in of a daemon built without OAuth: every call says so (the API answers 503). */
final class UnconfiguredSignIn implements OAuthFlows {

    static final String MESSAGE = "OAuth sign-in is not configured";

    @Override public Started start(ProviderKind provider, String name, String baseUrl, int priority) { throw off(); }

    @Override public Started reauthorize(String accountId) { throw off(); }

    @Override public Account complete(String flowId, String pastedCode) { throw off(); }

    @Override public FlowState state(String flowId) { throw off(); }

    private static OAuthFlowException off() {
        return new OAuthFlowException(OAuthFlowException.Reason.NOT_CONFIGURED, MESSAGE);
    }
}

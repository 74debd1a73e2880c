package ccflare.api;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.Credentials;
import ccflare.core.OAuthFlowException;
import ccflare.core.OAuthFlows;
import ccflare.core.ProviderKind;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OAuthFlows for the API's tests: flows in a map, a completion adds the account with fixed
 * canary tokens, and {@link #failNextComplete} scripts the next completion's failure. The real
 * flows (PKCE, token endpoints) are tested in ccflare.providers.
 */
final class FakeSignIn implements OAuthFlows {

    static final String ACCESS = "at-oauth-canary";
    static final String REFRESH = "rt-oauth-canary";

    /** @param existingId the account signed in again; null for a new one */
    record Begun(ProviderKind provider, String name, String baseUrl, int priority, String existingId) {
        Begun(ProviderKind provider, String name, String baseUrl, int priority) { this(provider, name, baseUrl, priority, null); }
    }
    static final String RENEWED = "at-oauth-renewed-canary";

    final List<Begun> started = new ArrayList<>();
    final List<String> pasted = new ArrayList<>();
    private final Map<String, Begun> flows = new ConcurrentHashMap<>();
    private final Map<String, String> completed = new ConcurrentHashMap<>();
    private final AccountRegistry accounts;
    private final InstantSource clock;
    private volatile OAuthFlowException nextFailure;

    FakeSignIn(AccountRegistry accounts, InstantSource clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    void failNextComplete(OAuthFlowException.Reason reason, String message) {
        nextFailure = new OAuthFlowException(reason, message);
    }

    @Override
    public synchronized Started start(ProviderKind provider, String name, String baseUrl, int priority) {
        if (accounts.find(name).isPresent()) {
            throw new OAuthFlowException(OAuthFlowException.Reason.DUPLICATE_NAME, "account name '" + name + "' is already taken");
        }
        Begun b = new Begun(provider, name, baseUrl, priority);
        started.add(b);
        String id = UUID.randomUUID().toString();
        flows.put(id, b);
        return new Started(id, "https://auth.example/authorize?state=s-" + id, clock.millis() + 600_000, "Open the URL.");
    }

    @Override
    public synchronized Started reauthorize(String accountId) {
        Account a = accounts.byId(accountId).orElseThrow(() -> new OAuthFlowException(OAuthFlowException.Reason.INVALID_INPUT,
                "no account with id '" + accountId + "'"));
        Begun b = new Begun(a.provider(), a.name(), a.baseUrl(), a.priority(), a.id());
        started.add(b);
        String id = UUID.randomUUID().toString();
        flows.put(id, b);
        return new Started(id, "https://auth.example/authorize?state=s-" + id, clock.millis() + 600_000, "Open the URL again.");
    }

    @Override
    public synchronized Account complete(String flowId, String pastedCode) {
        Begun b = flows.get(flowId);
        if (b == null) throw new OAuthFlowException(OAuthFlowException.Reason.UNKNOWN_FLOW, "no sign-in with id '" + flowId + "'");
        if (completed.containsKey(flowId)) {
            throw new OAuthFlowException(OAuthFlowException.Reason.ALREADY_USED, "this sign-in already completed");
        }
        pasted.add(pastedCode);
        OAuthFlowException failure = nextFailure;
        nextFailure = null;
        if (failure != null) throw failure;
        Account a;
        if (b.existingId() != null) {
            accounts.replaceCredentials(b.existingId(), new Credentials.OAuthTokens(RENEWED, REFRESH, clock.millis() + 7_200_000));
            a = accounts.changeState(b.existingId(), x -> x.withNeedsReauth(false)).orElseThrow();
        } else {
            a = accounts.add(UUID.randomUUID().toString(), b.name(), b.provider(), b.priority(), b.baseUrl(),
                    new Credentials.OAuthTokens(ACCESS, REFRESH, clock.millis() + 3_600_000));
        }
        completed.put(flowId, a.id());
        return a;
    }

    @Override
    public FlowState state(String flowId) {
        Begun b = flows.get(flowId);
        if (b == null) throw new OAuthFlowException(OAuthFlowException.Reason.UNKNOWN_FLOW, "no sign-in with id '" + flowId + "'");
        String account = completed.get(flowId);
        return new FlowState(flowId, b.provider().id(), account == null ? FlowState.PENDING : FlowState.COMPLETED, account, "");
    }
}

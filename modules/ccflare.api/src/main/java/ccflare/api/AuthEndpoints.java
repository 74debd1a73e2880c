package ccflare.api;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.OAuthFlowException;
import ccflare.core.OAuthFlows;
import ccflare.core.ProviderKind;
import ccflare.protocol.AuthStart;
import ccflare.protocol.FlowView;
import java.time.InstantSource;
import java.util.Set;

/**
 * {@code /api/auth/**}: the OAuth sign-in of {@code claude-code} and {@code codex} accounts.
 * {@code init} starts a flow and returns the provider's authorize URL; {@code complete} takes what
 * the user pasted and adds the account; {@code /api/accounts/{idOrName}/reauthenticate} starts a
 * flow that signs an existing account in again (the same {@code complete} replaces its tokens);
 * {@code flows/{flowId}} shows where a flow stands (the
 * dashboard polls it while a codex sign-in completes through the loopback callback).
 */
final class AuthEndpoints {

    private static final Set<String> INIT_FIELDS = Set.of("name", "baseUrl", "priority");
    private static final Set<String> COMPLETE_FIELDS = Set.of("flowId", "code");

    private final OAuthFlows flows;
    private final AccountRegistry accounts;
    private final InstantSource clock;

    AuthEndpoints(OAuthFlows flows, AccountRegistry accounts, InstantSource clock) {
        this.flows = flows;
        this.accounts = accounts;
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.add("POST", "/api/auth/{provider}/init", this::init)
              .add("POST", "/api/auth/{provider}/complete", this::complete)
              .add("POST", "/api/accounts/{id}/reauthenticate", this::reauthenticate)
              .add("GET", "/api/auth/flows/{flowId}", this::state);
    }

    private Reply init(ApiCall call) {
        ProviderKind provider = oauthProvider(call.pathParam(0));
        JsonBody body = call.jsonObject();
        body.allowOnly(INIT_FIELDS, "name, baseUrl, priority");
        String name = AccountEndpoints.validName(body.string("name").orElseThrow(
                () -> ApiException.badRequest("name: missing (expected: " + AccountEndpoints.NAME_RULE + ")")));
        String baseUrl = body.string("baseUrl").map(AccountEndpoints::validBaseUrl).orElse("");
        int priority = body.nonNegativeInt("priority").orElse(0);
        OAuthFlows.Started started = call(() -> flows.start(provider, name, baseUrl, priority));
        return Reply.created(new AuthStart(started.flowId(), provider.id(), started.authorizeUrl(),
                Views.iso(started.expiresAtMs()), started.instructions()), "/api/auth/flows/" + started.flowId());
    }

    private Reply reauthenticate(ApiCall call) {
        call.optionalJsonObject();
        String idOrName = call.pathParam(0);
        Account account = accounts.find(idOrName).orElseThrow(() -> AccountEndpoints.notFound(idOrName));
        if (!account.provider().oauth()) {
            throw ApiException.badRequest("account '" + account.name() + "' uses an API key (" + account.provider().id()
                    + "), not a sign-in; there is nothing to renew");
        }
        OAuthFlows.Started started = call(() -> flows.reauthorize(account.id()));
        return Reply.created(new AuthStart(started.flowId(), account.provider().id(), started.authorizeUrl(),
                Views.iso(started.expiresAtMs()), started.instructions()), "/api/auth/flows/" + started.flowId());
    }

    private Reply complete(ApiCall call) {
        ProviderKind provider = oauthProvider(call.pathParam(0));
        JsonBody body = call.jsonObject();
        body.allowOnly(COMPLETE_FIELDS, "flowId, code");
        String flowId = body.string("flowId").filter(s -> !s.isBlank()).orElseThrow(
                () -> ApiException.badRequest("flowId: missing (expected: the flowId answered by POST /api/auth/"
                        + provider.id() + "/init)"));
        String code = body.secret("code").filter(s -> !s.isBlank()).orElseThrow(
                () -> ApiException.badRequest("code: missing (expected: " + expectedCode(provider) + ")"));
        OAuthFlows.FlowState state = call(() -> flows.state(flowId));
        if (!state.provider().equals(provider.id())) {
            throw ApiException.badRequest("flowId: the sign-in '" + flowId + "' is for " + state.provider()
                    + ", not " + provider.id() + " (expected: POST /api/auth/" + state.provider() + "/complete)");
        }
        java.util.Set<String> before = accounts.accounts().stream().map(Account::id).collect(java.util.stream.Collectors.toSet());
        Account account = call(() -> flows.complete(flowId, code));
        var view = Views.account(account, accounts.credentials(account.id()), clock.millis());
        // a sign-in again changed an account that was there: 200, not 201
        return before.contains(account.id()) ? Reply.ok(view) : Reply.created(view, "/api/accounts/" + account.id());
    }

    private Reply state(ApiCall call) {
        OAuthFlows.FlowState s = call(() -> flows.state(call.pathParam(0)));
        return Reply.ok(new FlowView(s.flowId(), s.provider(), s.status(), s.accountId(), s.error()));
    }

    private static String expectedCode(ProviderKind provider) {
        return provider == ProviderKind.CODEX
                ? "the address the browser was sent to after signing in, or CODE#STATE"
                : "the CODE#STATE shown after signing in";
    }

    private static ProviderKind oauthProvider(String id) {
        ProviderKind kind = ProviderKind.byId(id).orElseThrow(() -> ApiException.badRequest(
                "provider: '" + id + "' (expected: claude-code or codex)"));
        if (!kind.oauth()) {
            throw ApiException.badRequest("provider: '" + kind.id() + "' uses an API key, not an OAuth sign-in"
                    + " (add it with POST /api/accounts; OAuth providers: claude-code, codex)");
        }
        return kind;
    }

    /** Runs a flow operation and turns its failure into the matching status. */
    private static <T> T call(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (OAuthFlowException e) {
            throw new ApiException(status(e.reason()), e.getMessage());
        }
    }

    static int status(OAuthFlowException.Reason reason) {
        return switch (reason) {
            case UNKNOWN_FLOW -> 404;
            case DUPLICATE_NAME -> 409;
            case UNREACHABLE -> 502;
            case NOT_CONFIGURED -> 503;
            case EXPIRED, ALREADY_USED, STATE_MISMATCH, REFUSED, INVALID_INPUT -> 400;
        };
    }
}

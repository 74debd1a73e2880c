package ccflare.api;

import ccflare.protocol.DashboardLogin;
import java.net.URI;

/**
 * {@code POST /api/dashboard/login}: a one-time login link for the web dashboard, for
 * {@code ccflarectl dashboard}. Issued only to a caller that is an administrator by other means
 * (the admin socket, or the bearer token): a dashboard session may not mint more sessions.
 */
final class DashboardEndpoints {

    private final LoginCodes codes;
    private final DaemonStatus status;

    DashboardEndpoints(LoginCodes codes, DaemonStatus status) {
        this.codes = codes;
        this.status = status;
    }

    void register(Routes routes) {
        routes.add("POST", "/api/dashboard/login", this::login);
    }

    private Reply login(ApiCall call) {
        call.optionalJsonObject();
        if (call.access() != ApiCall.Access.UNIX_SOCKET && call.access() != ApiCall.Access.TOKEN) {
            throw new ApiException(403, "login links are issued only over the admin socket or with the admin token"
                    + " (run ccflarectl dashboard)");
        }
        URI base = status.browserUri().orElseGet(() -> requestBase(call));
        LoginCodes.Issued issued = codes.issue();
        // The code is base64url: it needs no escaping in a query string.
        return Reply.ok(new DashboardLogin(base.resolve("/?login=" + issued.code()).toString(), Views.iso(issued.expiresAt().toEpochMilli())));
    }

    /** Over TCP with the token, the address the caller used; over the socket before the listener is bound there is none. */
    private static URI requestBase(ApiCall call) {
        if (call.access() == ApiCall.Access.TOKEN && call.host().isPresent()) {
            return URI.create((call.secure() ? "https" : "http") + "://" + call.host().get().trim() + "/");
        }
        throw new ApiException(503, "the daemon's TCP listener is not bound yet (expected: try again in a moment)");
    }
}

package ccflare.api;

import static java.util.Objects.requireNonNull;

import ccflare.core.AccountRegistry;
import ccflare.core.ClientKeys;
import ccflare.core.HostPolicy;
import ccflare.core.OAuthFlows;
import ccflare.core.RequestQueries;
import java.time.InstantSource;

/**
 * What the API reads and changes. {@link #toString()} never prints the admin token.
 *
 * @param adminToken the bearer token every {@code /api/**} request over TCP must present; the
 *                   daemon resolves it (configured, or read/generated beside the database) before
 *                   building the API, so it is never empty here
 * @param clock      the daemon's clock: uptime, "now" of rate-limit countdowns and analytics ranges
 * @param oauth      the OAuth sign-in of {@code claude-code} and {@code codex} accounts behind
 *                   {@code /api/auth/**}
 * @param live       the live log and request feed behind {@code /ws/**}, {@code /api/logs/**} and
 *                   {@code /api/requests/stream}; the daemon publishes into the same instance
 * @param hosts      which Host and Origin headers a request over TCP may carry
 * @param clientKeys the client keys behind {@code /api/keys}; the proxy reads the same instance
 */
public record ApiContext(AccountRegistry accounts, RequestQueries queries, RuntimeSettings settings,
                         DaemonStatus status, String adminToken, InstantSource clock, OAuthFlows oauth,
                         LiveFeed live, HostPolicy hosts, ClientKeys clientKeys) {

    public ApiContext {
        requireNonNull(accounts, "accounts");
        requireNonNull(queries, "queries");
        requireNonNull(settings, "settings");
        requireNonNull(status, "status");
        requireNonNull(adminToken, "adminToken");
        requireNonNull(clock, "clock");
        requireNonNull(oauth, "oauth");
        requireNonNull(live, "live");
        requireNonNull(hosts, "hosts");
        requireNonNull(clientKeys, "clientKeys");
        if (adminToken.isBlank()) {
            throw new IllegalArgumentException("adminToken: empty (expected: the resolved admin token, never empty)");
        }
    }

    /** Without client keys: {@code /api/keys} lists none and cannot create any. */
    public ApiContext(AccountRegistry accounts, RequestQueries queries, RuntimeSettings settings,
                      DaemonStatus status, String adminToken, InstantSource clock, OAuthFlows oauth,
                      LiveFeed live, HostPolicy hosts) {
        this(accounts, queries, settings, status, adminToken, clock, oauth, live, hosts, ClientKeys.none());
    }

    /** Over TCP only loopback Host names are served ({@link HostPolicy#loopback()}). */
    public ApiContext(AccountRegistry accounts, RequestQueries queries, RuntimeSettings settings,
                      DaemonStatus status, String adminToken, InstantSource clock, OAuthFlows oauth, LiveFeed live) {
        this(accounts, queries, settings, status, adminToken, clock, oauth, live, HostPolicy.loopback());
    }

    /** With a live feed of its own that nothing publishes into: the live views stay silent. */
    public ApiContext(AccountRegistry accounts, RequestQueries queries, RuntimeSettings settings,
                      DaemonStatus status, String adminToken, InstantSource clock, OAuthFlows oauth) {
        this(accounts, queries, settings, status, adminToken, clock, oauth, new LiveFeed());
    }

    /** Without OAuth sign-in: every {@code /api/auth/**} call answers 503 "OAuth sign-in is not configured". */
    public ApiContext(AccountRegistry accounts, RequestQueries queries, RuntimeSettings settings,
                      DaemonStatus status, String adminToken, InstantSource clock) {
        this(accounts, queries, settings, status, adminToken, clock, new UnconfiguredSignIn());
    }

    @Override
    public String toString() {
        return "ApiContext[accounts=" + accounts.size() + ", adminToken=redacted]";
    }
}

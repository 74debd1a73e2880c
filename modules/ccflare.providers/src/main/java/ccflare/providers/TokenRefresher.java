package ccflare.providers;

import static java.util.Objects.requireNonNull;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.Config;
import ccflare.core.Credentials;
import ccflare.core.CredentialsUnavailableException;
import ccflare.core.CredentialsUnavailableException.Reason;
import ccflare.core.ProviderKind;
import ccflare.core.TokenSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps OAuth access tokens fresh. Per account: one refresh in flight, shared by every caller that
 * needs it; the rotated tokens committed to the registry (durable) before anyone gets them; after a
 * failure a backoff from 5 s doubling to 5 min; {@code invalid_grant} twice in a row marks the
 * account needs-reauth. Failure state is in memory: a restart tries again once.
 */
final class TokenRefresher implements TokenSource {

    /** A token this close to expiry is refreshed before use, so it cannot expire in flight. */
    static final long SAFETY_WINDOW_MS = 30_000;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    static final String INVALID_GRANT = "invalid_grant";

    private static final Logger LOG = LoggerFactory.getLogger(OAuth.class);

    /**
     * @param consecutive            failed refreshes in a row, of any kind
     * @param consecutiveInvalidGrant of those, the trailing run answered {@code invalid_grant}
     */
    private record Failures(int consecutive, int consecutiveInvalidGrant, long retryAtMs, String reason) {}

    private final Config.OAuth config;
    private final AccountRegistry accounts;
    private final InstantSource clock;
    private final TokenEndpoint claude;
    private final TokenEndpoint codex;
    private final ConcurrentHashMap<String, CompletableFuture<Credentials>> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();
    /** Tokens granted but not yet durable (the store failed); saved before anything else on the next call. */
    private final ConcurrentHashMap<String, Credentials.OAuthTokens> unsaved = new ConcurrentHashMap<>();

    TokenRefresher(Config.OAuth config, AccountRegistry accounts, InstantSource clock, HttpClient http) {
        this.config = requireNonNull(config, "config");
        this.accounts = requireNonNull(accounts, "accounts");
        this.clock = requireNonNull(clock, "clock");
        requireNonNull(http, "http");
        this.claude = new TokenEndpoint(URI.create(config.claudeTokenUrl()), true, http);
        this.codex = new TokenEndpoint(URI.create(config.codexTokenUrl()), false, http);
    }

    @Override
    public Credentials usable(Account account) {
        requireNonNull(account, "account");
        return obtain(account.id(), this::expiring);
    }

    @Override
    public Credentials forceRefresh(Account account, Credentials rejected) {
        requireNonNull(account, "account");
        requireNonNull(rejected, "rejected");
        if (current(account.id()) instanceof Credentials.ApiKey) {
            throw new CredentialsUnavailableException(Reason.NOT_REFRESHABLE, 0, "the upstream refused the API key of account '"
                    + account.name() + "'; an API key cannot be refreshed");
        }
        String rejectedAccess = rejected instanceof Credentials.OAuthTokens r ? r.accessToken() : "";
        return obtain(account.id(), t -> t.accessToken().equals(rejectedAccess) || expiring(t));
    }

    /** The current credentials, refreshed (once, shared) when {@code stale} says so. */
    private Credentials obtain(String id, Predicate<Credentials.OAuthTokens> stale) {
        Account account = accounts.byId(id).orElseThrow(() -> new CredentialsUnavailableException(Reason.MISSING, 0,
                "account " + id + " no longer exists"));
        if (account.needsReauth()) throw needsReauth(account);
        saveUnsaved(account);
        Credentials held = current(id);
        if (!(held instanceof Credentials.OAuthTokens tokens) || !stale.test(tokens)) return held;
        CompletableFuture<Credentials> mine = new CompletableFuture<>();
        CompletableFuture<Credentials> running = inFlight.putIfAbsent(id, mine);
        if (running != null) return await(running);
        try {
            Credentials result = refreshAsLeader(account, stale);
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(id, mine);
        }
    }

    private Credentials refreshAsLeader(Account account, Predicate<Credentials.OAuthTokens> stale) {
        String id = account.id();
        // A refresh that finished just before this one started has already done the work.
        Credentials held = current(id);
        if (!(held instanceof Credentials.OAuthTokens used) || !stale.test(used)) return held;
        long now = clock.millis();
        Failures before = failures.get(id);
        if (before != null && now < before.retryAtMs()) {
            throw new CredentialsUnavailableException(Reason.BACKOFF, before.retryAtMs(), "account '" + account.name()
                    + "' waits " + seconds(before.retryAtMs() - now) + " before its next token refresh (last one: "
                    + before.reason() + ")");
        }
        if (used.refreshToken().isEmpty()) {
            markNeedsReauth(account, "it holds no refresh token");
            throw needsReauth(account);
        }
        TokenEndpoint.Reply reply = account.provider() == ProviderKind.CODEX
                ? codex.post(params(used.refreshToken(), config.codexClientId()))
                : claude.post(params(used.refreshToken(), config.claudeClientId()));
        return switch (reply) {
            case TokenEndpoint.Reply.Granted g -> commit(account, used, g);
            case TokenEndpoint.Reply.Refused r when INVALID_GRANT.equals(r.error()) -> {
                // Someone stored newer tokens meanwhile (a new sign-in): ours were simply outdated.
                if (current(id) instanceof Credentials.OAuthTokens latest
                        && !latest.refreshToken().equals(used.refreshToken()) && !stale.test(latest)) {
                    failures.remove(id);
                    yield latest;
                }
                int run = (before == null ? 0 : before.consecutiveInvalidGrant()) + 1;
                if (run >= 2) {
                    markNeedsReauth(account, "its refresh token was refused twice in a row (invalid_grant)");
                    throw needsReauth(account);
                }
                throw failed(account, before, 1, "refused: " + r.reason());
            }
            case TokenEndpoint.Reply.Refused r -> throw failed(account, before, 0, "refused (HTTP " + r.status() + "): " + r.reason());
            case TokenEndpoint.Reply.Failed f -> throw failed(account, before, 0, f.reason());
        };
    }

    /** Makes the new tokens durable, then hands them out; never the other way round. */
    private Credentials commit(Account account, Credentials.OAuthTokens used, TokenEndpoint.Reply.Granted g) {
        long expiresIn = g.expiresInSeconds() >= 0 ? g.expiresInSeconds() : SignInFlows.DEFAULT_EXPIRES_IN_SECONDS;
        // Providers that do not rotate return no refresh token: the old one stays valid.
        String refresh = g.refreshToken().isEmpty() ? used.refreshToken() : g.refreshToken();
        Credentials.OAuthTokens fresh = new Credentials.OAuthTokens(g.accessToken(), refresh, clock.millis() + expiresIn * 1000);
        try {
            accounts.replaceCredentials(account.id(), fresh);
        } catch (RuntimeException e) {
            unsaved.put(account.id(), fresh);
            LOG.warn("oauth: refreshed tokens of account '{}' could not be saved ({}); retrying on next use",
                    account.name(), e.getMessage());
            throw new CredentialsUnavailableException(Reason.REFRESH_FAILED, clock.millis(), "account '" + account.name()
                    + "': its refreshed tokens could not be saved (" + e.getMessage() + ")");
        }
        failures.remove(account.id());
        LOG.info("oauth: refreshed tokens of account '{}' (valid for {} s)", account.name(), expiresIn);
        return fresh;
    }

    /** Retries saving tokens a store failure left in memory; they are the only valid ones now. */
    private void saveUnsaved(Account account) {
        Credentials.OAuthTokens pending = unsaved.get(account.id());
        if (pending == null) return;
        synchronized (unsaved) {
            pending = unsaved.get(account.id());
            if (pending == null) return;
            try {
                accounts.replaceCredentials(account.id(), pending);
            } catch (RuntimeException e) {
                throw new CredentialsUnavailableException(Reason.REFRESH_FAILED, clock.millis(), "account '"
                        + account.name() + "': its refreshed tokens still cannot be saved (" + e.getMessage() + ")");
            }
            unsaved.remove(account.id(), pending);
            failures.remove(account.id());
        }
    }

    private CredentialsUnavailableException failed(Account account, Failures before, int invalidGrantRun, String reason) {
        int n = (before == null ? 0 : before.consecutive()) + 1;
        long delay = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(n - 1, 20));
        long retryAt = clock.millis() + delay;
        failures.put(account.id(), new Failures(n, invalidGrantRun, retryAt, reason));
        LOG.warn("oauth: token refresh of account '{}' failed ({}); next attempt in {}", account.name(), reason, seconds(delay));
        return new CredentialsUnavailableException(Reason.REFRESH_FAILED, retryAt, "account '" + account.name()
                + "': token refresh failed (" + reason + "); next attempt in " + seconds(delay));
    }

    private void markNeedsReauth(Account account, String why) {
        accounts.changeState(account.id(), a -> a.withNeedsReauth(true));
        failures.remove(account.id());
        LOG.warn("oauth: account '{}' needs a new sign-in: {}", account.name(), why);
    }

    private static CredentialsUnavailableException needsReauth(Account account) {
        return new CredentialsUnavailableException(Reason.NEEDS_REAUTH, 0, "account '" + account.name()
                + "' needs a new sign-in (its OAuth refresh was refused)");
    }

    private Credentials current(String id) {
        return accounts.credentials(id).orElseThrow(() -> new CredentialsUnavailableException(Reason.MISSING, 0,
                "account " + id + " holds no usable credentials (they could not be read; add the account again)"));
    }

    private boolean expiring(Credentials.OAuthTokens t) {
        return t.accessToken().isEmpty() || t.expiresAtMs() <= 0 || t.expiresAtMs() - clock.millis() <= SAFETY_WINDOW_MS;
    }

    private static Map<String, String> params(String refreshToken, String clientId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "refresh_token");
        p.put("refresh_token", refreshToken);
        p.put("client_id", clientId);
        return p;
    }

    private static Credentials await(CompletableFuture<Credentials> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    private static String seconds(long ms) {
        return (ms + 999) / 1000 + " s";
    }
}

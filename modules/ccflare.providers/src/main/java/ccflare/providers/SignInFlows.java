package ccflare.providers;

import static java.util.Objects.requireNonNull;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.AccountStore;
import ccflare.core.Config;
import ccflare.core.Credentials;
import ccflare.core.OAuthFlowException;
import ccflare.core.OAuthFlowException.Reason;
import ccflare.core.OAuthFlows;
import ccflare.core.ProviderKind;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth sign-in of {@code claude-code} and {@code codex} accounts: PKCE S256 with a separate
 * random state, a 10-minute flow, the code exchanged once at the provider's token endpoint, the
 * account added to the registry with its tokens. Codex flows share one loopback listener on the
 * configured callback port, which completes them from the browser's redirect and closes when no
 * codex flow is pending.
 */
final class SignInFlows implements OAuthFlows {

    static final Duration TTL = Duration.ofMinutes(10);
    /** Finished flows stay queryable this long after they expired, then are forgotten. */
    static final long FORGET_AFTER_MS = Duration.ofHours(1).toMillis();
    /** Flows are in memory; an admin script gone wrong must not fill it. */
    static final int MAX_PENDING = 32;
    static final String CLAUDE_SCOPE = "org:create_api_key user:profile user:inference";
    static final String CODEX_SCOPE = "openid profile email offline_access";
    /** When the token endpoint gives no {@code expires_in}: assume an hour rather than refresh on every use. */
    static final long DEFAULT_EXPIRES_IN_SECONDS = 3600;
    static final String STATE_MISMATCH = "state does not match this sign-in; start again";

    private static final Logger LOG = LoggerFactory.getLogger(OAuth.class);

    private enum Status { PENDING, EXCHANGING, COMPLETED, FAILED }

    /** One sign-in. The secrets never leave this object except towards the provider. */
    private static final class Flow {
        final String id;
        final ProviderKind provider;
        final String name;
        /** The account signed in again; null for a new account. */
        final String existingId;
        final String baseUrl;
        final int priority;
        final Pkce pkce;
        final String redirectUri;
        final long expiresAtMs;
        // guarded by this
        Status status = Status.PENDING;
        String accountId = "";
        String error = "";

        Flow(String id, ProviderKind provider, String name, String existingId, String baseUrl, int priority, Pkce pkce,
             String redirectUri, long expiresAtMs) {
            this.id = id;
            this.provider = provider;
            this.name = name;
            this.existingId = existingId;
            this.baseUrl = baseUrl;
            this.priority = priority;
            this.pkce = pkce;
            this.redirectUri = redirectUri;
            this.expiresAtMs = expiresAtMs;
        }

        synchronized boolean pendingAt(long nowMs) {
            return status == Status.EXCHANGING || (status == Status.PENDING && nowMs < expiresAtMs);
        }

        @Override public String toString() { return "Flow[" + id + ", " + provider.id() + "]"; }
    }

    private final Config.OAuth config;
    private final AccountRegistry accounts;
    private final InstantSource clock;
    private final TokenEndpoint claudeTokens;
    private final TokenEndpoint codexTokens;
    private final ConcurrentHashMap<String, Flow> flows = new ConcurrentHashMap<>();
    private final Object listenerLock = new Object();
    private LoopbackCallback listener; // guarded by listenerLock

    SignInFlows(Config.OAuth config, AccountRegistry accounts, InstantSource clock, HttpClient http) {
        this.config = requireNonNull(config, "config");
        this.accounts = requireNonNull(accounts, "accounts");
        this.clock = requireNonNull(clock, "clock");
        requireNonNull(http, "http");
        this.claudeTokens = new TokenEndpoint(URI.create(config.claudeTokenUrl()), true, http);
        this.codexTokens = new TokenEndpoint(URI.create(config.codexTokenUrl()), false, http);
    }

    @Override
    public Started start(ProviderKind provider, String name, String baseUrl, int priority) {
        requireNonNull(provider, "provider");
        requireNonNull(name, "name");
        requireNonNull(baseUrl, "baseUrl");
        if (!provider.oauth()) {
            throw new OAuthFlowException(Reason.INVALID_INPUT, "provider '" + provider.id()
                    + "' uses an API key, not an OAuth sign-in (expected: claude-code or codex)");
        }
        if (name.isBlank()) throw new OAuthFlowException(Reason.INVALID_INPUT, "name: '' (expected: the new account's name)");
        if (priority < 0) throw new OAuthFlowException(Reason.INVALID_INPUT, "priority: " + priority + " (expected: >= 0)");
        if (accounts.find(name).filter(a -> a.name().equals(name)).isPresent()) {
            throw new OAuthFlowException(Reason.DUPLICATE_NAME, "account name '" + name + "' is already taken");
        }
        return begin(provider, name, null, baseUrl, priority);
    }

    @Override
    public Started reauthorize(String accountId) {
        requireNonNull(accountId, "accountId");
        Account account = accounts.byId(accountId).orElseThrow(() -> new OAuthFlowException(Reason.INVALID_INPUT,
                "no account with id '" + shorten(accountId) + "'"));
        if (!account.provider().oauth()) {
            throw new OAuthFlowException(Reason.INVALID_INPUT, "account '" + account.name() + "' uses an API key ("
                    + account.provider().id() + "); there is nothing to sign in again (replace its key instead)");
        }
        return begin(account.provider(), account.name(), account.id(), account.baseUrl(), account.priority());
    }

    private Started begin(ProviderKind provider, String name, String existingId, String baseUrl, int priority) {
        long now = clock.millis();
        forgetOld(now);
        long pending = flows.values().stream().filter(f -> f.pendingAt(now)).count();
        if (pending >= MAX_PENDING) {
            throw new OAuthFlowException(Reason.INVALID_INPUT, "too many sign-ins in progress (" + pending
                    + "); finish one or wait for it to expire");
        }
        Pkce pkce = Pkce.generate();
        String id = UUID.randomUUID().toString();
        long expiresAt = now + TTL.toMillis();
        String authorizeUrl;
        String instructions;
        Flow flow;
        if (provider == ProviderKind.CLAUDE_CODE) {
            flow = new Flow(id, provider, name, existingId, baseUrl, priority, pkce, config.claudeRedirectUri(), expiresAt);
            Map<String, String> q = new LinkedHashMap<>();
            q.put("code", "true");
            q.put("client_id", config.claudeClientId());
            q.put("response_type", "code");
            q.put("redirect_uri", flow.redirectUri);
            q.put("scope", CLAUDE_SCOPE);
            q.put("code_challenge", pkce.challenge());
            q.put("code_challenge_method", "S256");
            q.put("state", pkce.state());
            authorizeUrl = withQuery(config.claudeAuthorizeUrl(), q);
            instructions = "Open the URL, sign in to Claude, and paste the code shown afterwards (CODE#STATE)"
                    + " to complete the sign-in within 10 minutes.";
            flows.put(id, flow);
        } else {
            // the flow must be registered before the listener's first "still needed?" question
            int port = config.codexCallbackPort();
            String redirect = "http://localhost:" + port + LoopbackCallback.PATH;
            flow = new Flow(id, provider, name, existingId, baseUrl, priority, pkce, redirect, expiresAt);
            flows.put(id, flow);
            boolean listening = ensureListener(port);
            Map<String, String> q = new LinkedHashMap<>();
            q.put("response_type", "code");
            q.put("client_id", config.codexClientId());
            q.put("redirect_uri", redirect);
            q.put("scope", CODEX_SCOPE);
            q.put("code_challenge", pkce.challenge());
            q.put("code_challenge_method", "S256");
            q.put("id_token_add_organizations", "true");
            q.put("codex_cli_simplified_flow", "true");
            q.put("state", pkce.state());
            authorizeUrl = withQuery(config.codexAuthorizeUrl(), q);
            instructions = listening
                    ? "Open the URL in a browser on this machine and sign in; the sign-in completes by itself when"
                    + " the browser returns to " + redirect + ". From another machine, paste the address the browser"
                    + " was sent to (it will not load) to complete it within 10 minutes."
                    : "Port " + port + " is in use, so the browser's return cannot be received: open the URL, sign in,"
                    + " then copy the address the browser was sent to (" + redirect + "?code=…, it will not load) and"
                    + " paste it to complete the sign-in within 10 minutes.";
        }
        LOG.info("oauth: sign-in {} started for {} {}account '{}'", id, provider.id(), existingId == null ? "" : "existing ", name);
        return new Started(id, authorizeUrl, expiresAt, instructions);
    }

    @Override
    public Account complete(String flowId, String pastedCode) {
        requireNonNull(flowId, "flowId");
        requireNonNull(pastedCode, "pastedCode");
        Flow flow = find(flowId);
        Pasted pasted = Pasted.parse(pastedCode);
        if (pasted.code().isEmpty()) {
            throw new OAuthFlowException(Reason.INVALID_INPUT, "code: empty (expected: "
                    + (flow.provider == ProviderKind.CODEX ? "the address the browser was sent to, or CODE#STATE"
                    : "the CODE#STATE shown after signing in") + ")");
        }
        return finish(flow, pasted.code(), pasted.state());
    }

    @Override
    public FlowState state(String flowId) {
        requireNonNull(flowId, "flowId");
        Flow flow = find(flowId);
        long now = clock.millis();
        synchronized (flow) {
            String status = switch (flow.status) {
                case COMPLETED -> FlowState.COMPLETED;
                case FAILED -> FlowState.FAILED;
                case EXCHANGING -> FlowState.PENDING;
                case PENDING -> now < flow.expiresAtMs ? FlowState.PENDING : FlowState.EXPIRED;
            };
            String error = status.equals(FlowState.EXPIRED) ? expiredMessage() : flow.error;
            return new FlowState(flow.id, flow.provider.id(), status, flow.accountId, error);
        }
    }

    /** Exchanges the code and adds the account; every outcome leaves the flow in a final or retryable state. */
    private Account finish(Flow flow, String code, String state) {
        synchronized (flow) {
            switch (flow.status) {
                case COMPLETED -> throw new OAuthFlowException(Reason.ALREADY_USED,
                        "this sign-in already completed; start a new one to add another account");
                case FAILED -> throw new OAuthFlowException(Reason.ALREADY_USED,
                        "this sign-in already failed (" + flow.error + "); start again");
                case EXCHANGING -> throw new OAuthFlowException(Reason.ALREADY_USED,
                        "this sign-in is being completed right now");
                case PENDING -> { }
            }
            if (clock.millis() >= flow.expiresAtMs) throw new OAuthFlowException(Reason.EXPIRED, expiredMessage());
            if (state.isEmpty() || !Pkce.sameState(flow.pkce.state(), state)) {
                fail(flow, STATE_MISMATCH);
                throw new OAuthFlowException(Reason.STATE_MISMATCH, STATE_MISMATCH);
            }
            flow.status = Status.EXCHANGING;
        }
        TokenEndpoint.Reply reply;
        try {
            reply = exchange(flow, code, state);
        } catch (RuntimeException e) {
            backToPending(flow);
            throw e;
        }
        return switch (reply) {
            case TokenEndpoint.Reply.Granted g -> flow.existingId == null ? addAccount(flow, g) : renew(flow, g);
            case TokenEndpoint.Reply.Refused r -> {
                String why = "the provider refused the sign-in: " + r.reason();
                synchronized (flow) { fail(flow, why); }
                LOG.warn("oauth: sign-in {} for {} account '{}' refused by the provider: {}", flow.id,
                        flow.provider.id(), flow.name, r.reason());
                throw new OAuthFlowException(Reason.REFUSED, why);
            }
            case TokenEndpoint.Reply.Failed f -> {
                backToPending(flow);
                throw new OAuthFlowException(Reason.UNREACHABLE,
                        "could not finish the sign-in: " + f.reason() + "; try again before the sign-in expires");
            }
        };
    }

    private TokenEndpoint.Reply exchange(Flow flow, String code, String state) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "authorization_code");
        p.put("code", code);
        if (flow.provider == ProviderKind.CLAUDE_CODE) {
            p.put("state", state);
            p.put("client_id", config.claudeClientId());
            p.put("redirect_uri", flow.redirectUri);
            p.put("code_verifier", flow.pkce.verifier());
            return claudeTokens.post(p);
        }
        p.put("redirect_uri", flow.redirectUri);
        p.put("client_id", config.codexClientId());
        p.put("code_verifier", flow.pkce.verifier());
        return codexTokens.post(p);
    }

    private Credentials.OAuthTokens tokens(TokenEndpoint.Reply.Granted g) {
        long expiresIn = g.expiresInSeconds() >= 0 ? g.expiresInSeconds() : DEFAULT_EXPIRES_IN_SECONDS;
        return new Credentials.OAuthTokens(g.accessToken(), g.refreshToken(), clock.millis() + expiresIn * 1000);
    }

    /** A sign-in again: the account keeps everything but its tokens and its needs-reauth mark. */
    private Account renew(Flow flow, TokenEndpoint.Reply.Granted g) {
        Account account;
        try {
            if (accounts.byId(flow.existingId).isEmpty()) {
                throw new OAuthFlowException(Reason.INVALID_INPUT, "account '" + flow.name
                        + "' was removed while signing in; add it again as a new account");
            }
            accounts.replaceCredentials(flow.existingId, tokens(g));
            account = accounts.changeState(flow.existingId, a -> a.withNeedsReauth(false)).orElseThrow(
                    () -> new OAuthFlowException(Reason.INVALID_INPUT, "account '" + flow.name
                            + "' was removed while signing in; add it again as a new account"));
        } catch (OAuthFlowException e) {
            synchronized (flow) { fail(flow, e.getMessage()); }
            throw e;
        } catch (RuntimeException e) {
            synchronized (flow) { fail(flow, "the new tokens could not be saved: " + e.getMessage()); }
            throw e;
        }
        synchronized (flow) {
            flow.status = Status.COMPLETED;
            flow.accountId = account.id();
        }
        LOG.info("oauth: sign-in {} renewed the tokens of {} account '{}' ({})", flow.id, flow.provider.id(),
                account.name(), account.id());
        return account;
    }

    private Account addAccount(Flow flow, TokenEndpoint.Reply.Granted g) {
        Credentials.OAuthTokens tokens = tokens(g);
        Account account;
        try {
            account = accounts.add(UUID.randomUUID().toString(), flow.name, flow.provider, flow.priority,
                    flow.baseUrl, tokens);
        } catch (AccountStore.DuplicateNameException e) {
            synchronized (flow) { fail(flow, e.getMessage()); }
            throw new OAuthFlowException(Reason.DUPLICATE_NAME, e.getMessage() + "; start again with another name");
        } catch (RuntimeException e) {
            synchronized (flow) { fail(flow, "the account could not be saved: " + e.getMessage()); }
            throw e;
        }
        synchronized (flow) {
            flow.status = Status.COMPLETED;
            flow.accountId = account.id();
        }
        LOG.info("oauth: sign-in {} added {} account '{}' ({})", flow.id, flow.provider.id(), account.name(), account.id());
        return account;
    }

    /** Called with the flow's lock held. */
    private static void fail(Flow flow, String why) {
        flow.status = Status.FAILED;
        flow.error = why;
    }

    private static void backToPending(Flow flow) {
        synchronized (flow) {
            if (flow.status == Status.EXCHANGING) flow.status = Status.PENDING;
        }
    }

    private Flow find(String flowId) {
        Flow flow = flows.get(flowId);
        if (flow == null) {
            throw new OAuthFlowException(Reason.UNKNOWN_FLOW, "no sign-in with id '" + shorten(flowId)
                    + "' (it never started, or finished more than an hour ago)");
        }
        return flow;
    }

    private static String expiredMessage() {
        return "this sign-in expired (a sign-in lasts " + TTL.toMinutes() + " minutes); start again";
    }

    private void forgetOld(long now) {
        flows.values().removeIf(f -> !f.pendingAt(now) && now - f.expiresAtMs > FORGET_AFTER_MS);
    }

    // ------------------------------------------------------------------ codex loopback callback

    /** Starts the shared listener unless it runs; false when the port could not be bound. */
    private boolean ensureListener(int port) {
        synchronized (listenerLock) {
            if (listener != null && listener.running()) return true;
            try {
                listener = LoopbackCallback.open(port, this::onCallback, this::keepListening);
                return true;
            } catch (IOException e) {
                LOG.warn("oauth: cannot listen on 127.0.0.1:{} for the codex sign-in ({}); the user must paste"
                        + " the redirected address", port, e.getMessage());
                return false;
            }
        }
    }

    /**
     * Asked by the listener between connections. Deciding and closing under the same lock as
     * {@link #ensureListener} means a flow registered meanwhile either keeps it open or opens a new one.
     */
    private boolean keepListening() {
        synchronized (listenerLock) {
            if (codexFlowPending()) return true;
            if (listener != null) {
                listener.close();
                listener = null;
            }
            return false;
        }
    }

    private boolean codexFlowPending() {
        long now = clock.millis();
        return flows.values().stream().anyMatch(f -> f.provider == ProviderKind.CODEX && f.pendingAt(now));
    }

    /** The browser came back: find the flow by its state and finish it. */
    private LoopbackCallback.Page onCallback(Map<String, String> query) {
        String state = query.getOrDefault("state", "");
        Flow flow = flows.values().stream()
                .filter(f -> f.provider == ProviderKind.CODEX && !state.isEmpty() && Pkce.sameState(f.pkce.state(), state))
                .findFirst().orElse(null);
        if (flow == null) {
            return new LoopbackCallback.Page(400, "Sign-in not found",
                    "This sign-in is unknown to ccflare or belongs to another attempt. Start the sign-in again.");
        }
        String error = query.getOrDefault("error", "");
        if (!error.isEmpty()) {
            String description = query.getOrDefault("error_description", error);
            synchronized (flow) {
                if (flow.status == Status.PENDING) fail(flow, "the provider refused the sign-in: " + description);
            }
            return new LoopbackCallback.Page(400, "Sign-in refused", "The provider said: " + description
                    + ". Start the sign-in again.");
        }
        try {
            Account account = finish(flow, query.getOrDefault("code", ""), state);
            return new LoopbackCallback.Page(200, "Signed in", "The account '" + account.name()
                    + "' is ready in ccflare. You can close this tab.");
        } catch (OAuthFlowException e) {
            return new LoopbackCallback.Page(e.reason() == Reason.UNREACHABLE ? 502 : 400, "Sign-in not completed",
                    e.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    static String withQuery(String base, Map<String, String> params) {
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return base + (base.contains("?") ? "&" : "?") + j;
    }

    private static String shorten(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * What the user pasted: {@code CODE#STATE}, or (codex) the redirected URL or its query string.
     * A missing state is empty, and fails the state check.
     */
    record Pasted(String code, String state) {
        static Pasted parse(String raw) {
            String s = raw.strip();
            if (s.contains("code=")) {
                int q = s.indexOf('?');
                Map<String, String> query = LoopbackCallback.query(q < 0 ? s : s.substring(q + 1));
                return new Pasted(query.getOrDefault("code", "").strip(), query.getOrDefault("state", "").strip());
            }
            int hash = s.indexOf('#');
            return hash < 0 ? new Pasted(s, "") : new Pasted(s.substring(0, hash).strip(), s.substring(hash + 1).strip());
        }

        @Override public String toString() { return "Pasted[redacted]"; }
    }
}

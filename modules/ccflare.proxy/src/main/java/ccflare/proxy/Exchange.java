package ccflare.proxy;

import ccflare.core.Account;
import ccflare.core.Credentials;
import ccflare.core.CredentialsUnavailableException;
import ccflare.core.Outcome;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import ccflare.core.RequestRecord;
import ccflare.providers.ProviderAdapter;
import ccflare.providers.RateLimitReading;
import ccflare.providers.UsageScanner;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request, from its body to its record: the attempt loop before commit, the stream
 * after it, and the single record at the end. Events arrive on Jetty server threads, upstream
 * client threads, the scheduler and (for token-source calls that may block) a virtual thread of
 * {@link Proxy#credentialThreads}; state changes are made under this object's monitor, and I/O
 * and token-source calls are started outside it.
 *
 * <p>Log lines carry the request id and a direction: C2P client to proxy, P2S proxy to server,
 * S2P server to proxy, P2C proxy to client.
 */
final class Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

    /**
     * An OAuth token expiring within this is fetched off the request thread, since the token source
     * will (or may soon) refresh it over the network. Twice the source's 30 s refresh window, so the
     * clock moving on between this check and the call cannot start a refresh on a selector thread.
     */
    static final long REFRESH_HOP_MS = 60_000;

    final Proxy proxy;
    final String id;
    final Request request;
    final Response response;
    private final Callback callback;
    private final Route route;
    private final String path;
    private final long receivedAtMs;
    private final PayloadCapture capture;

    private byte[] body = new byte[0];
    private String requestModel = "";
    /** The client key the request presented; "" when none was required. */
    private String clientKeyId = "";

    // Guarded by this.
    private List<Account> candidates = List.of();
    private boolean passThrough;
    private int index;
    private int triesOnAccount;
    private int attempts;
    private int failovers;
    private boolean onlyConnectFailures = true;
    private boolean attemptFailed;
    /** Why accounts were skipped for want of credentials, in order; for the final error message. */
    private final List<String> unusable = new ArrayList<>(2);
    /** Earliest time a skipped account's token source will try again; MAX_VALUE when none said. */
    private long unusableRetryAtMs = Long.MAX_VALUE;
    /** Accounts whose token was refreshed after a 401 in this request: once each. */
    private final Set<String> refreshedAfter401 = new HashSet<>(2);
    private boolean sawLimited;
    private Attempt current;
    private org.eclipse.jetty.util.thread.Scheduler.Task retryTask;
    /** Whether the waiting client is still there; set when the exchange starts being ticked. */
    private ClientProbe probe;
    private boolean finished;
    private String error = "";
    private long proxyOverheadMs = -1;
    private long upstreamFirstByteMs = -1;
    private long clientFirstByteMs = -1;
    private Account servedBy;
    private ProviderKind servedKind;
    private UsageScanner scanner;
    private boolean sse;
    private int status;
    private String translation = "";

    Exchange(Proxy proxy, Request request, Response response, Callback callback, Route route, String path) {
        this.proxy = proxy;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.route = route;
        this.path = path;
        this.receivedAtMs = proxy.clock.millis();
        this.id = RequestIds.next(receivedAtMs);
        this.capture = proxy.recording.capturePayloads() ? new PayloadCapture(proxy.recording.payloadMaxBytes()) : null;
    }

    /** For a translating route: which translation ran, for the record ({@link TranslatingRoute.Plan#translation()}). */
    Exchange translation(String label) {
        this.translation = label == null ? "" : label;
        return this;
    }

    // ---- C2P: admission and body ---------------------------------------------------------

    void begin() {
        if (LOG.isDebugEnabled()) LOG.debug("{} C2P {} {}", id, request.getMethod(), request.getHttpURI());
        // Live views show the request now; the record follows when it ends.
        proxy.log.started(id, receivedAtMs, request.getMethod(), path);
        var hostRefusal = ClientGate.check(proxy.hosts, request.getHeaders(), request.isSecure());
        // admit() counts the request against its key's limits: not for a request the host gate refused
        // (decide() then looks no further than the host refusal).
        var key = hostRefusal.isPresent() ? ClientAdmission.OPEN : proxy.admission.admit(request.getHeaders(), receivedAtMs);
        var admission = Admission.decide(hostRefusal, key, route);
        switch (admission) {
            case Admission.Refused r -> {
                clientKeyId = r.keyId();
                reject(r.status(), r.type(), r.message(), r.retryAfterSeconds());
                return;
            }
            case Admission.Admitted a -> clientKeyId = a.keyId();
        }
        // Last, and only for a request let in: enter() counts it against the in-flight limit.
        if (!proxy.enter()) {
            var r = Admission.overloaded(proxy.config.maxInFlight(), clientKeyId);
            reject(r.status(), r.type(), r.message(), r.retryAfterSeconds());
            return;
        }
        Request.addCompletionListener(request, failure -> proxy.leave());
        // A client that goes away while we wait for the upstream must abort it at once.
        request.addFailureListener(this::clientGone);
        // Waiting for the upstream is bounded by our own timers, not by the client connection's
        // idle timeout, which would otherwise kill long silent thinking phases.
        request.addIdleTimeoutListener(timeout -> isFinished());
        BodyReader.read(request, proxy.config.maxBodyBytes(), new BodyReader.Outcome() {
            @Override
            public void read(byte[] whole) {
                body = whole;
                watch();
                start();
            }

            @Override
            public void tooLarge() {
                Exchange.this.tooLarge();
            }

            @Override
            public void failed(Throwable failure) {
                clientGone(failure);
            }
        });
    }

    private void tooLarge() {
        // Not read further: the rest of the body may still be on its way, so the connection ends with the answer.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        respond(413, Outcome.REJECTED, ErrorBodies.TOO_LARGE,
                "request body exceeds the limit of " + proxy.config.maxBodyBytes() + " bytes", 0);
    }

    // ---- Client presence -----------------------------------------------------------------

    /**
     * From here until it finishes, the exchange is ticked by the proxy's {@link Ticker}: the
     * {@link ClientProbe}, the first-byte deadline and the stream-idle timeout of the current attempt.
     */
    private void watch() {
        ClientProbe clientProbe = new ClientProbe(request, System.nanoTime());
        synchronized (this) {
            probe = clientProbe;
        }
        proxy.ticker.watch(this);
        // finish() unwatches; when it ran before the watch above, undo the watch here.
        if (isFinished()) proxy.ticker.unwatch(this);
    }

    /**
     * Called by the {@link Ticker} about every {@link Ticker#TICK_MS}: probes the client when a
     * probe is due, then lets the current attempt check its timeouts.
     *
     * @return false once the exchange finished (the ticker then forgets it)
     */
    boolean tick(long nowNanos) {
        Attempt attempt;
        boolean due;
        synchronized (this) {
            if (finished) return false;
            attempt = current;
            due = probe != null && probe.due(nowNanos);
        }
        // A stream that wrote to its client within the last probe interval needs no probe: a
        // client that left fails the next write (about 10,000 fewer read calls a second with
        // 2,000 streams). The probe is for the silences: waiting for the head, thinking phases.
        if (due && (attempt == null || attempt.quietFor(nowNanos, ClientProbe.INTERVAL_NANOS))) probeClient();
        if (attempt != null) attempt.tick(nowNanos);
        return true;
    }

    private void probeClient() {
        Throwable gone;
        synchronized (this) {
            if (finished) return;
            gone = probe.probe();
        }
        if (gone != null) clientGone(gone);
    }

    // ---- Select --------------------------------------------------------------------------

    private void start() {
        Route.Match match = (Route.Match) route;
        requestModel = RequestModel.of(body);
        if (capture != null) capture.request(request.getHeaders(), body);
        var wrongFamily = ModelFamily.mismatch(match, requestModel, request.getHeaders().get(HttpHeader.HOST));
        if (wrongFamily.isPresent()) {
            respond(400, Outcome.REJECTED, ErrorBodies.INVALID_REQUEST, wrongFamily.get(), 0);
            return;
        }
        List<Account> scope = scope(match);
        long now = proxy.clock.millis();
        synchronized (this) {
            if (finished) return;
            if (scope.isEmpty()) {
                passThrough = true;
            } else {
                candidates = proxy.backOffs.order(SessionStrategy.candidates(scope, now, proxy.config.sessionDuration()), now);
            }
        }
        if (!passThrough && candidates.isEmpty()) {
            noneAvailable(scope, now);
            return;
        }
        attempt();
    }

    private List<Account> scope(Route.Match match) {
        List<Account> all = proxy.accounts.accounts();
        List<Account> scope = new ArrayList<>(all.size());
        for (Account a : all) if (match.kinds().contains(a.provider())) scope.add(a);
        return scope;
    }

    /** Every account of the scope is unavailable: 429 when some cool down, else 503 saying why. */
    private void noneAvailable(List<Account> scope, long now) {
        long earliest = Long.MAX_VALUE;
        int paused = 0;
        int reauth = 0;
        int limited = 0;
        List<String> pausedNames = new ArrayList<>();
        StringBuilder named = new StringBuilder();
        for (Account a : scope) {
            Account fresh = proxy.accounts.byId(a.id()).orElse(a);
            if (fresh.paused()) {
                paused++;
                pausedNames.add(fresh.name());
            } else if (fresh.needsReauth()) {
                reauth++;
                named.append("; ").append(needsReauth(fresh));
            } else if (fresh.rateLimit().limitedAt(now)) {
                limited++;
                earliest = Math.min(earliest, fresh.rateLimit().limitedUntilMs());
            }
        }
        if (earliest != Long.MAX_VALUE) {
            long seconds = Math.max(1, (earliest - now + 999) / 1000);
            String message = Refusals.rateLimited(limited, scope.size(), pausedNames, named.toString(), seconds);
            LOG.warn("{} refused: {}", id, message);
            respond(429, Outcome.RATE_LIMITED, ErrorBodies.RATE_LIMIT, message, seconds);
        } else {
            respond(503, Outcome.PROXY_ERROR, ErrorBodies.OVERLOADED,
                    Refusals.noneAvailable(paused, reauth, scope.size(), named.toString()), 0);
        }
    }

    // ---- P2S: attempts -------------------------------------------------------------------

    private void attempt() {
        Account account;
        synchronized (this) {
            if (finished) return;
            retryTask = null;
            account = passThrough ? null : candidates.get(index);
        }
        if (account == null) {
            send(null, null);
        } else if (refreshLikely(account)) {
            offThread(() -> obtainThenSend(account));
        } else {
            // API keys and fresh tokens: the token source answers from memory, so no thread hop.
            obtainThenSend(account);
        }
    }

    /** Whether asking the token source for this account's credentials may mean a network call. */
    private boolean refreshLikely(Account account) {
        return proxy.accounts.credentials(account.id()).orElse(null) instanceof Credentials.OAuthTokens t
                && (t.accessToken().isEmpty() || t.expiresAtMs() <= 0
                        || t.expiresAtMs() - proxy.clock.millis() <= REFRESH_HOP_MS);
    }

    /** Runs a step that may block on a token endpoint on its own virtual thread; a bug there still ends the exchange. */
    private void offThread(Runnable step) {
        proxy.credentialThreads.execute(() -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                internalError(e);
            }
        });
    }

    private void obtainThenSend(Account account) {
        Credentials credentials;
        try {
            credentials = proxy.tokens.usable(account);
        } catch (CredentialsUnavailableException e) {
            if (e.reason() == CredentialsUnavailableException.Reason.MISSING) {
                LOG.warn("{} account {} has no usable credentials; skipped", id, account.name());
            }
            skip(account, unusableReason(account, e), e.retryAtMs());
            return;
        }
        send(account, credentials);
    }

    /**
     * The account cannot be used for want of credentials: not a failure of the account (no
     * cool-down, no attempt counted), just the next candidate.
     */
    private void skip(Account account, String why, long retryAtMs) {
        if (LOG.isDebugEnabled()) LOG.debug("{} account {} skipped: {}", id, account.name(), why);
        int next;
        synchronized (this) {
            if (finished) return;
            unusable.add(why);
            if (retryAtMs > 0) unusableRetryAtMs = Math.min(unusableRetryAtMs, retryAtMs);
            next = nextCandidate();
            if (next >= 0) {
                index = next;
                triesOnAccount = 0;
            }
        }
        if (next >= 0) attemptOnExecutor();
        else giveUp();
    }

    /** Words for the client and the record; never a secret (the exception's message carries none either). */
    static String unusableReason(Account account, CredentialsUnavailableException e) {
        String name = "account '" + account.name() + "'";
        String detail = e.getMessage() == null || e.getMessage().isBlank() ? null : e.getMessage();
        return switch (e.reason()) {
            case NEEDS_REAUTH -> needsReauth(account);
            case MISSING -> name + " holds no usable credentials (add it again)";
            case NOT_REFRESHABLE -> name + ": its credentials were refused and cannot be refreshed";
            case BACKOFF, REFRESH_FAILED -> detail != null ? detail : name + " could not refresh its token";
        };
    }

    private static String needsReauth(Account account) {
        return "account '" + account.name() + "' needs re-authentication (sign in again)";
    }

    /** Sends one attempt: to the account with {@code credentials}, or (both null) through with the client's own. */
    private void send(Account account, Credentials credentials) {
        Attempt attempt;
        ProviderKind kind = account == null ? ((Route.Match) route).primary() : account.provider();
        ProviderAdapter adapter = proxy.adapters.apply(kind);
        Map.Entry<String, String> credential = null;
        if (account != null) {
            try {
                credential = adapter.credentialHeader(credentials);
            } catch (IllegalArgumentException e) {
                // Credentials of the wrong sort for the kind, or an empty token: unusable, not an upstream failure.
                LOG.warn("{} account {} holds credentials its provider cannot send ({}); skipped", id, account.name(),
                        e.getMessage());
                skip(account, "account '" + account.name() + "' holds credentials its provider cannot use", 0);
                return;
            }
        }
        String base = account != null && !account.baseUrl().isEmpty() ? account.baseUrl() : proxy.config.baseUrl(kind);
        Proxy.UpstreamBase upstreamBase = proxy.upstreamBase(base);
        String query = request.getHttpURI().getQuery();
        String upstreamPath = ((Route.Match) route).upstreamPath();
        String target = query == null ? upstreamBase.prefix() + upstreamPath : upstreamBase.prefix() + upstreamPath + "?" + query;
        HttpFields.Mutable headers = HeaderRewrite.upstreamRequest(request.getHeaders(), credential,
                account == null ? List.of() : adapter.requiredBetas());
        // Last, where the HTTP client would have added it.
        if (upstreamBase.host() != null) headers.add(upstreamBase.host());
        synchronized (this) {
            if (finished) return;
            attempts++;
            triesOnAccount++;
            attempt = new Attempt(this, account, credentials, adapter, attempts);
            current = attempt;
            if (proxyOverheadMs < 0) proxyOverheadMs = proxy.clock.millis() - receivedAtMs;
        }
        if (LOG.isDebugEnabled()) LOG.debug("{} P2S attempt {} {} {} account={}", id, attempt.number, request.getMethod(),
                target, account == null ? "-" : account.name());
        attempt.send(URI.create(target), request.getMethod(), headers, body,
                request.getHeaders().get(HttpHeader.CONTENT_TYPE));
    }

    /** The index of the next candidate available now, or -1 (none, the attempts are used up, or pass-through). */
    private synchronized int nextCandidate() {
        if (attempts >= proxy.config.maxAttempts() || passThrough) return -1;
        long now = proxy.clock.millis();
        for (int j = index + 1; j < candidates.size(); j++) {
            Optional<Account> fresh = proxy.accounts.byId(candidates.get(j).id());
            if (fresh.isPresent() && fresh.get().availableAt(now)) return j;
        }
        return -1;
    }

    /** What the other accounts offer, for the policy's rows that ask. */
    private final FailoverPolicy.Alternatives alternatives = new FailoverPolicy.Alternatives() {
        @Override public boolean another() { return nextCandidate() >= 0; }

        @Override public boolean everyAccountLimited() { return allScopeLimited(proxy.clock.millis()); }
    };

    private synchronized FailoverPolicy.History history(Account account) {
        return new FailoverPolicy.History(attempts, triesOnAccount, passThrough,
                account != null && refreshedAfter401.contains(account.id()), alternatives);
    }

    /**
     * Carries out the policy's decision on an attempt: {@code head} is its response head, null when
     * it failed without one (the policy never delivers then).
     */
    private void carryOut(Attempt attempt, org.eclipse.jetty.client.Response head, FailoverDecision decision, long now) {
        Account account = attempt.account;
        switch (decision) {
            case FailoverDecision.Deliver deliver -> {
                backOff(account, deliver.backOff(), now);
                commit(attempt, head);
            }
            case FailoverDecision.RetrySame retry -> {
                attempt.discard(new IllegalStateException("retrying the same account"));
                synchronized (this) {
                    if (finished) return;
                    retryTask = proxy.client.getScheduler().schedule(this::attemptOnExecutor, retry.delayMs(), TimeUnit.MILLISECONDS);
                }
            }
            case FailoverDecision.RefreshThenRetry refresh -> {
                synchronized (this) { refreshedAfter401.add(account.id()); }
                attempt.discard(new IllegalStateException("401; refreshing the token"));
                if (LOG.isDebugEnabled()) LOG.debug("{} S2P attempt {} 401 on account {}; forcing a token refresh", id,
                        attempt.number, account.name());
                Credentials rejected = attempt.credentials;
                offThread(() -> refreshThenRetry(account, rejected));
            }
            case FailoverDecision.FailOver failOver -> {
                backOff(account, failOver.backOff(), now);
                attempt.discard(new IllegalStateException("failing over"));
                failOver();
            }
            case FailoverDecision.GiveUp up -> {
                backOff(account, up.backOff(), now);
                attempt.discard(new IllegalStateException("giving up"));
                giveUp();
            }
        }
    }

    /** To the next candidate, or (when it became unavailable meanwhile) the end. */
    private void failOver() {
        String from;
        String to;
        String why;
        synchronized (this) {
            if (finished) return;
            int next = nextCandidate();
            if (next < 0) {
                from = null;
                to = null;
                why = null;
            } else {
                from = candidates.get(index).name();
                to = candidates.get(next).name();
                why = error;
                index = next;
                triesOnAccount = 0;
                failovers++;
            }
        }
        if (to == null) {
            giveUp();
            return;
        }
        LOG.info("{} failover from '{}' to '{}': {}", id, from, to, why);
        attemptOnExecutor();
    }

    /** Attempts run off the thread that reported the previous one, so listeners never nest. */
    private void attemptOnExecutor() {
        proxy.client.getExecutor().execute(this::attempt);
    }

    /** Nothing left to try and no upstream response to pass on: the proxy answers ({@link GiveUpAnswer}). */
    private void giveUp() {
        long now = proxy.clock.millis();
        boolean limitedSeen;
        synchronized (this) { limitedSeen = sawLimited; }
        List<Account> scope = List.of();
        boolean allLimited = false;
        if (!passThrough && limitedSeen) {
            scope = scope((Route.Match) route);
            boolean anyAvailable = false;
            boolean anyLimited = false;
            for (Account a : scope) {
                if (a.availableAt(now)) anyAvailable = true;
                else if (a.rateLimit().limitedAt(now)) anyLimited = true;
            }
            allLimited = !anyAvailable && anyLimited;
        }
        GiveUpAnswer.Ended ended;
        synchronized (this) {
            ended = new GiveUpAnswer.Ended(allLimited, attemptFailed, onlyConnectFailures, error, unusable, unusableRetryAtMs);
        }
        switch (GiveUpAnswer.of(ended, now)) {
            case GiveUpAnswer.AllLimited limited -> noneAvailable(scope, now);
            case GiveUpAnswer.Own own -> respond(own.status(), Outcome.PROXY_ERROR, own.type(), own.message(), own.retryAfterSeconds());
        }
    }

    // ---- S2P: decide on the response head -----------------------------------------------

    /**
     * The upstream answered an attempt with a status and headers (called on the client's thread):
     * the account's state takes what they say, then the {@link FailoverPolicy} decides.
     */
    void onHead(Attempt attempt, org.eclipse.jetty.client.Response head) {
        long now = proxy.clock.millis();
        synchronized (this) {
            if (finished || attempt != current) {
                attempt.discard(new IllegalStateException("superseded"));
                return;
            }
            upstreamFirstByteMs = now - receivedAtMs;
        }
        int code = head.getStatus();
        HttpFields headers = head.getHeaders();
        if (LOG.isDebugEnabled()) LOG.debug("{} S2P attempt {} status {}", id, attempt.number, code);
        Account account = attempt.account;
        RateLimitReading reading = null;
        if (account != null) {
            RateLimitUpdate.Applied applied = RateLimitUpdate.apply(proxy.accounts, account, attempt.adapter, code, headers::get, now);
            reading = applied.reading();
            if (applied.newlyLimited()) {
                LOG.warn("{} account '{}' rate limited until {} (status {}{})", id, account.name(),
                        java.time.Instant.ofEpochMilli(applied.state().limitedUntilMs()), code,
                        reading.coolUntilMs() > now || reading.state().limitedUntilMs() > now ? ", the provider's reset"
                                : ", no reset given: a " + FailoverPolicy.DEFAULT_LIMIT_COOL_MS / 1000 + " s pause");
            }
        } else if (code >= 500) {
            // Pass-through: no account to update, but the same parser reads the retry-after.
            reading = attempt.adapter.readRateLimit(code, headers::get, now, RateLimitState.NONE);
        }
        // Asked only of a 2xx that exhausts the account: whether the provider refused the work despite it.
        boolean refused = code >= 200 && code < 300 && reading != null && reading.limited()
                && attempt.adapter.refusedDespiteSuccess(headers::get);
        boolean oauth = attempt.credentials instanceof Credentials.OAuthTokens;
        FailoverPolicy.Answer.Head answer = new FailoverPolicy.Answer.Head(code, reading, refused, oauth);
        FailoverDecision decision = proxy.policy.decide(answer, history(account), now);
        String who = account == null ? "upstream" : account.name();
        if (account != null && FailoverPolicy.limits(answer)) {
            noteFailure(who + ": " + code + " rate limited", false);
            synchronized (this) { sawLimited = true; }
        } else if (code == 401 && account != null && !(decision instanceof FailoverDecision.RefreshThenRetry)) {
            noteFailure(who + ": 401 " + (oauth ? "token refused" : "API key refused"), false);
        } else if (code >= 500) {
            noteFailure(who + ": " + code, false);
        }
        carryOut(attempt, head, decision, now);
    }

    /** On a credentials thread: a forced refresh after a 401, then the same account again, or the next one. */
    private void refreshThenRetry(Account account, Credentials rejected) {
        Credentials fresh;
        try {
            fresh = proxy.tokens.forceRefresh(account, rejected);
        } catch (CredentialsUnavailableException e) {
            String why = "the upstream refused the token of account '" + account.name() + "' (401); "
                    + unusableReason(account, e);
            if (LOG.isDebugEnabled()) LOG.debug("{} forced refresh of account {} failed: {}", id, account.name(), e.reason());
            backOff(account, new FailoverDecision.BackOff(FailoverPolicy.OAUTH_REFUSED_COOL_MS,
                    "after its token was refused (401) and the refresh failed"), proxy.clock.millis());
            synchronized (this) {
                if (finished) return;
                unusable.add(why);
                if (e.retryAtMs() > 0) unusableRetryAtMs = Math.min(unusableRetryAtMs, e.retryAtMs());
            }
            failOver();
            return;
        }
        send(account, fresh);
    }

    /** The attempt failed before any response head: connect failure, reset, first-byte timeout. */
    void onAttemptFailed(Attempt attempt, Throwable failure) {
        synchronized (this) {
            if (finished || attempt != current) return;
        }
        boolean connect = AttemptFailure.hasCause(failure, ConnectException.class);
        String what = failure instanceof Attempt.FirstByteTimeout ? "no response within "
                + proxy.config.firstByteTimeout().toMillis() + " ms" : AttemptFailure.describe(failure);
        Account account = attempt.account;
        noteFailure((account == null ? "upstream" : account.name()) + ": " + what, connect);
        if (LOG.isDebugEnabled()) LOG.debug("{} P2S attempt {} failed: {}", id, attempt.number, what);
        long now = proxy.clock.millis();
        carryOut(attempt, null, proxy.policy.decide(new FailoverPolicy.Answer.Failed(what), history(account), now), now);
    }

    private synchronized void noteFailure(String reason, boolean connect) {
        error = reason;
        attemptFailed = true;
        if (!connect) onlyConnectFailures = false;
    }

    /** Not a limit: the account goes behind the others for a while, and is still tried when they are gone. */
    private void backOff(Account account, FailoverDecision.BackOff backOff, long now) {
        if (account == null || !backOff.any()) return;
        proxy.backOffs.backOff(account.id(), now + backOff.ms());
        LOG.warn("{} account '{}' is tried after the others for {} s {}", id, account.name(), backOff.ms() / 1000, backOff.why());
    }

    private boolean allScopeLimited(long now) {
        if (passThrough) return false;
        for (Account a : scope((Route.Match) route)) if (a.availableAt(now)) return false;
        return true;
    }

    // ---- P2C: commit and stream ----------------------------------------------------------

    private void commit(Attempt attempt, org.eclipse.jetty.client.Response head) {
        long now = proxy.clock.millis();
        // Jetty makes an immutable copy of the head's fields on every getHeaders() call: once here.
        HttpFields headers = head.getHeaders();
        String contentType = headers.get(HttpHeader.CONTENT_TYPE);
        synchronized (this) {
            if (finished) {
                attempt.discard(new IllegalStateException("finished"));
                return;
            }
            status = head.getStatus();
            servedBy = attempt.account;
            servedKind = attempt.adapter.kind();
            sse = contentType != null && contentType.contains("text/event-stream");
            scanner = attempt.adapter.newUsageScanner(contentType == null ? "" : contentType, proxy.clock);
            if (capture != null) capture.responseHeaders(headers);
        }
        response.setStatus(head.getStatus());
        HeaderRewrite.copyResponse(headers, response.getHeaders());
        if (attempt.account != null && status >= 200 && status < 300) {
            // Once per served request: this is the only place that counts it.
            long sessionMs = proxy.config.sessionDuration().toMillis();
            proxy.accounts.changeState(attempt.account.id(), a -> a.usedAt(now, sessionMs));
        }
        if (LOG.isDebugEnabled()) LOG.debug("{} P2C commit status {} sse={}", id, status, sse);
        attempt.commit();
    }

    synchronized boolean isSse() { return sse; }

    synchronized boolean isFinished() { return finished; }

    synchronized void markClientFirstByte() {
        if (clientFirstByteMs < 0) clientFirstByteMs = proxy.clock.millis() - receivedAtMs;
    }

    /** Response bytes on their way to the client: usage and capture see them, unconsumed. */
    synchronized void observe(ByteBuffer bytes) {
        if (finished) return;
        if (scanner != null && bytes.hasRemaining()) {
            if (bytes.hasArray()) {
                scanner.accept(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            } else {
                byte[] copy = new byte[bytes.remaining()];
                bytes.duplicate().get(copy);
                scanner.accept(copy, 0, copy.length);
            }
        }
        if (capture != null) capture.response(bytes);
    }

    /**
     * The stream to the client ended: whole ({@code upstreamFailure == null}) or cut by the
     * upstream, in which case an SSE client has already been sent an {@code error} event.
     */
    void streamEnded(Throwable upstreamFailure) {
        if (upstreamFailure == null) {
            if (!finish(status, status < 400 ? Outcome.OK : Outcome.UPSTREAM_ERROR, null)) return;
            callback.succeeded();
            return;
        }
        // The client left and aborted the upstream: clientGone records it (499), not an upstream failure.
        if (upstreamFailure instanceof ClientGone) return;
        boolean idle = upstreamFailure instanceof Attempt.StreamIdleTimeout;
        boolean stopping = upstreamFailure instanceof DaemonStopping;
        String message = idle ? "upstream stream idle for " + proxy.config.streamIdleTimeout().toMillis() + " ms"
                : stopping ? DaemonStopping.MESSAGE
                : "upstream connection reset after the response began (" + StreamFailure.kind(upstreamFailure) + ")";
        // The failure's own text (Jetty internals, socket addresses) is for the log, not the record.
        if (!idle && !stopping && LOG.isDebugEnabled()) LOG.debug("{} upstream stream failed", id, upstreamFailure);
        if (!finish(status, idle ? Outcome.STREAM_IDLE_TIMEOUT : Outcome.MID_STREAM_RESET, message)) return;
        if (isSse()) callback.succeeded();
        // Without an in-band way to say so, a cut body must reach the client as a broken response, not a whole one.
        else callback.failed(upstreamFailure);
    }

    String streamErrorMessage(Throwable upstreamFailure) {
        return upstreamFailure instanceof Attempt.StreamIdleTimeout ? "upstream stream idle timeout"
                : upstreamFailure instanceof DaemonStopping ? DaemonStopping.MESSAGE : "upstream connection reset";
    }

    /** The client went away (or its connection failed): abort the upstream now; the account is not penalised. */
    void clientGone(Throwable cause) {
        Attempt attempt;
        org.eclipse.jetty.util.thread.Scheduler.Task retry;
        synchronized (this) {
            if (finished) return;
            attempt = current;
            retry = retryTask;
        }
        if (retry != null) retry.cancel();
        if (attempt != null) attempt.discard(new ClientGone(cause));
        if (LOG.isDebugEnabled()) LOG.debug("{} C2P client gone: {}", id, String.valueOf(cause));
        if (!finish(499, Outcome.CLIENT_CANCELLED, "client disconnected")) return;
        callback.failed(cause);
    }

    /**
     * The daemon stops and the drain time is over: a committed stream is cut with
     * {@link DaemonStopping} (the pump ends it, an SSE client with an error event saying so), a
     * request still before its response is answered 503 saying so.
     */
    void daemonStopping() {
        Attempt attempt;
        org.eclipse.jetty.util.thread.Scheduler.Task retry;
        boolean committed;
        synchronized (this) {
            if (finished) return;
            attempt = current;
            retry = retryTask;
            committed = scanner != null;
        }
        if (retry != null) retry.cancel();
        if (committed) {
            attempt.abortUpstream(new DaemonStopping());
            return;
        }
        if (attempt != null) attempt.discard(new DaemonStopping());
        respond(503, Outcome.PROXY_ERROR, ErrorBodies.OVERLOADED, DaemonStopping.MESSAGE, 0);
    }

    /** The upstream abort cause when the client left first. */
    static final class ClientGone extends Exception {
        private static final long serialVersionUID = 1L;
        ClientGone(Throwable cause) { super("client disconnected", cause, false, false); }
    }

    /** A bug in the proxy or an adapter: answer 502 (or cut the stream) rather than hang the client. */
    void internalError(Throwable t) {
        LOG.warn("{} proxy failure: {}", id, t.toString(), t);
        boolean committed;
        Attempt attempt;
        synchronized (this) {
            if (finished) return;
            committed = scanner != null;
            attempt = current;
        }
        if (attempt != null) attempt.discard(t);
        if (committed) {
            if (finish(status, Outcome.PROXY_ERROR, "proxy failure: " + t)) callback.failed(t);
        } else {
            respond(502, Outcome.PROXY_ERROR, ErrorBodies.API_ERROR, "proxy failure: " + t.getClass().getSimpleName(), 0);
        }
    }

    // ---- Responses of our own ------------------------------------------------------------

    /**
     * A refusal before the body was read; no upstream was involved. The body is discarded first
     * ({@link UnreadBody}), so the client's connection stays usable.
     */
    private void reject(int code, String type, String message, long retryAfterSeconds) {
        UnreadBody.discardThen(request, response, proxy.config.maxBodyBytes(),
                () -> respond(code, Outcome.REJECTED, type, message, retryAfterSeconds));
    }

    private void respond(int code, Outcome outcome, String type, String message, long retryAfterSeconds) {
        boolean openAi = route instanceof Route.Match m && !ModelFamily.anthropicRoute(m);
        byte[] bytes = openAi ? ErrorBodies.openAi(type, message, type.equals(ErrorBodies.INVALID_REQUEST) ? "model" : null)
                : ErrorBodies.json(type, message);
        synchronized (this) {
            if (finished) return;
            status = code;
            if (capture != null) {
                HttpFields.Mutable h = HttpFields.build();
                h.put(HttpHeader.CONTENT_TYPE, "application/json");
                if (retryAfterSeconds > 0) h.put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
                capture.responseHeaders(h);
                capture.response(bytes);
            }
        }
        if (!finish(code, outcome, message)) return;
        if (LOG.isDebugEnabled()) LOG.debug("{} P2C {} {}", id, code, message);
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (retryAfterSeconds > 0) response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfterSeconds));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    // ---- Record --------------------------------------------------------------------------

    /** Ends the exchange once; returns false when it had already ended. */
    private boolean finish(int code, Outcome outcome, String message) {
        RequestRecord record;
        synchronized (this) {
            if (finished) return false;
            finished = true;
            long now = proxy.clock.millis();
            if (clientFirstByteMs < 0 && code != 499) clientFirstByteMs = now - receivedAtMs;
            record = ExchangeRecord.assemble(id, receivedAtMs, now, request.getMethod(), path, route, servedKind,
                    servedBy, requestModel, scanner, code, outcome, message, error, attempts, failovers,
                    upstreamFirstByteMs, clientFirstByteMs, proxyOverheadMs, proxy.pricing, request.getHeaders(),
                    capture, sse, clientKeyId, translation);
        }
        proxy.ticker.unwatch(this);
        if (LOG.isDebugEnabled()) LOG.debug("{} done status {} outcome {} attempts {}", id, code, outcome.wireName(), record.attempts());
        if (!proxy.log.append(record)) LOG.debug("{} request log dropped the record", id);
        return true;
    }
}

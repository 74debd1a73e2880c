package ccflare.proxy;

import static java.util.Objects.requireNonNull;

import ccflare.core.AccountRegistry;
import ccflare.core.ClientKeys;
import ccflare.core.Config;
import ccflare.core.HostPolicy;
import ccflare.core.ProviderKind;
import ccflare.core.RequestLog;
import ccflare.core.TokenSource;
import ccflare.providers.Pricing;
import ccflare.providers.ProviderAdapter;
import java.net.URI;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The {@code /v1/**} proxy: routes each request to a provider, picks an account with the
 * {@link SessionStrategy}, forwards it (failing over between accounts only before the first
 * response byte reached the client), streams the response back as it arrives, and appends
 * exactly one {@link ccflare.core.RequestRecord} per request to the {@link RequestLog}.
 *
 * <p>Routes: {@code /v1/{anthropic|openai|claude-code|codex}/rest} strips the prefix once and
 * sends {@code rest} to that provider's base URL with only its accounts; {@code /v1/{x}/v1/…}
 * with any other {@code x} is answered 404; every other {@code /v1/rest} goes unchanged to the
 * Anthropic base URL, served by claude-code and anthropic accounts. With no account for a route
 * the request goes through with the client's own credentials.
 *
 * <p>Responses the proxy writes itself, all in the Anthropic error shape: 404 unknown provider
 * prefix, 413 body over {@code maxBodyBytes}, 503 + {@code retry-after: 1} over
 * {@code maxInFlight}, 429 + {@code retry-after} when every account is cooling down, 503 when
 * every account is paused or needs re-authentication, no account's credentials could be had, or
 * no upstream could be reached, or the daemon stopped while the request waited ({@link #cutInFlight}),
 * 502 when attempts failed without an upstream response to pass on. What to do after each attempt
 * is decided by the {@link FailoverPolicy}; a 5xx or 529 with nothing left to try is passed through.
 *
 * <p>Credentials come from a {@link TokenSource}, asked before every attempt on an account. An
 * account whose credentials cannot be had ({@link ccflare.core.CredentialsUnavailableException}:
 * it needs a new sign-in, its refresh backs off or failed, it holds none) is skipped for this
 * request: not cooled down, not counted as an attempt, its reason kept; when no account is left
 * and no upstream answered, the answer is 503 naming those reasons.
 *
 * <p>Upstream 401, before the first byte reached the client (a 401 always is: the status is the
 * first byte):
 * <ul>
 *   <li>OAuth account ({@code claude-code}, {@code codex}): the token we sent was refused, so it is
 *       refreshed once per request and account ({@link TokenSource#forceRefresh}) and the same
 *       account is tried again with the new token. When that refresh fails, or the account answers
 *       401 again, it counts as the account's failure: it is cooled for 10 s (briefly, since a
 *       refused refresh token marks it needs-reauth by itself) and the next candidate is tried.
 *       With no candidate left, a second 401 is passed through, and a failed refresh ends in a 503
 *       (a 502 when other attempts failed upstream) naming the reason.</li>
 *   <li>API-key account: our key is bad, not the client's request. With another candidate left the
 *       account is cooled for 5 minutes and the request fails over; with none left the 401 is
 *       passed through and the account is not cooled (a made-up rate limit would hide the
 *       upstream's own explanation from the next requests).</li>
 *   <li>Pass-through (no account for the route): the client's own credentials were refused; the 401
 *       is passed through.</li>
 * </ul>
 * 403 is passed through like any other client error.
 *
 * <p>Timeouts (first byte, stream idle) and the client-presence probe of waiting HTTP/1
 * exchanges are not timers of their own: one task of the upstream client's scheduler ticks every
 * 50 ms over the exchanges that wait, so each fires within one tick (50 ms) after its deadline.
 *
 * <p>The hot path never blocks: the body is read and the response written with Jetty's
 * asynchronous APIs, and the request log is only offered records. The token source is called on
 * the request's thread only when that cannot block: for an API key, and for an OAuth token that
 * stays valid for more than 60 s (twice the refresh window). Otherwise (a refresh is likely), and
 * for every forced refresh, the call runs on a virtual thread of its own named
 * {@code ccflare-credentials-N}, no lock held, and the exchange continues from there.
 */
public final class Proxy {

    final Config.Proxy config;
    final Config.Recording recording;
    final AccountRegistry accounts;
    final TokenSource tokens;
    /** What each attempt's answer leads to: deliver, retry, fail over or give up. */
    final FailoverPolicy policy;
    /** Accounts tried last for a while after errors that are not their limit. */
    final BackOffs backOffs = new BackOffs();
    final RequestLog log;
    final Pricing pricing;
    final Function<ProviderKind, ProviderAdapter> adapters;
    final InstantSource clock;
    final HttpClient client;
    /** Runs token-source calls that may block on a token endpoint; a new virtual thread each, so nothing queues. */
    final Executor credentialThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ccflare-credentials-", 0).factory());
    /** The timeouts and client probes of every waiting exchange; runs while the handler runs. */
    final Ticker ticker;
    /** The DNS-rebinding and cross-site rule every client request passes first. */
    final HostPolicy hosts;
    /** The client-key step: which key a request presented, and whether it may pass. */
    final ClientAdmission admission;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final V1Handler handler;

    /**
     * A proxy whose credentials come straight from {@code accounts}: OAuth tokens are not
     * refreshed (an expired one is sent as it is and a 401 on it fails the account over). Same as
     * the 8-argument constructor with a token source that returns {@link AccountRegistry#credentials}
     * or throws {@link ccflare.core.CredentialsUnavailableException.Reason#MISSING MISSING}.
     *
     * @param config    limits, timeouts, retry policy, per-provider base URLs
     * @param recording whether and how much of each payload is captured
     * @param accounts  the live accounts; the proxy changes their state (cool-downs, sessions)
     * @param log       receives one record per request; must not block
     * @param pricing   turns usage into USD
     * @param adapters  the adapter of each provider kind
     * @param clock     the time of every record, cool-down and session
     */
    public Proxy(Config.Proxy config, Config.Recording recording, AccountRegistry accounts, RequestLog log,
                 Pricing pricing, Function<ProviderKind, ProviderAdapter> adapters, InstantSource clock) {
        this(config, recording, accounts, new StoredCredentials(accounts), log, pricing, adapters, clock);
    }

    /**
     * @param config    limits, timeouts, retry policy, per-provider base URLs
     * @param recording whether and how much of each payload is captured
     * @param accounts  the live accounts; the proxy changes their state (cool-downs, sessions)
     * @param tokens    the credentials of each attempt (normally {@code OAuth.tokens(…)}); it may
     *                  block while it refreshes, but must answer at once for an API key and for an
     *                  OAuth token that is not within its refresh window
     * @param log       receives one record per request; must not block
     * @param pricing   turns usage into USD
     * @param adapters  the adapter of each provider kind
     * @param clock     the time of every record, cool-down and session
     */
    public Proxy(Config.Proxy config, Config.Recording recording, AccountRegistry accounts, TokenSource tokens,
                 RequestLog log, Pricing pricing, Function<ProviderKind, ProviderAdapter> adapters, InstantSource clock) {
        this(config, recording, accounts, tokens, log, pricing, adapters, clock, HostPolicy.loopback());
    }

    /**
     * As the 8-argument constructor, serving the Host names of {@code hosts} rather than loopback
     * names only.
     *
     * @param hosts which Host and Origin headers a client request may carry; others are refused
     *              (421, 403) before any account is touched, so that web pages cannot spend them
     */
    public Proxy(Config.Proxy config, Config.Recording recording, AccountRegistry accounts, TokenSource tokens,
                 RequestLog log, Pricing pricing, Function<ProviderKind, ProviderAdapter> adapters, InstantSource clock,
                 HostPolicy hosts) {
        this(config, recording, accounts, tokens, log, pricing, adapters, clock, hosts, ClientKeys.none());
    }

    /**
     * As the 9-argument constructor, requiring a client key on {@code /v1/**} once any is defined.
     *
     * @param clientKeys the client keys; the proxy reads their snapshot on every request (no
     *                   database read) and refuses a missing, unknown, expired or revoked key with
     *                   401 and a key over its limits with 429, in the route's error shape
     */
    public Proxy(Config.Proxy config, Config.Recording recording, AccountRegistry accounts, TokenSource tokens,
                 RequestLog log, Pricing pricing, Function<ProviderKind, ProviderAdapter> adapters, InstantSource clock,
                 HostPolicy hosts, ClientKeys clientKeys) {
        this.hosts = requireNonNull(hosts, "hosts");
        this.config = requireNonNull(config, "config");
        this.policy = new FailoverPolicy(config);
        this.recording = requireNonNull(recording, "recording");
        this.accounts = requireNonNull(accounts, "accounts");
        this.tokens = requireNonNull(tokens, "tokens");
        this.admission = new ClientAdmission(requireNonNull(clientKeys, "clientKeys"), requireNonNull(clock, "clock"));
        this.log = admission.counting(requireNonNull(log, "log"));
        this.pricing = requireNonNull(pricing, "pricing");
        this.adapters = requireNonNull(adapters, "adapters");
        this.clock = requireNonNull(clock, "clock");
        this.client = newHttpClient(config);
        this.ticker = new Ticker(client);
        this.handler = new V1Handler();
        // Managed: starting or stopping the Server starts or stops the upstream client with it.
        handler.addBean(client, true);
    }

    /**
     * The Jetty handler serving {@code /v1/**}; for any other path it returns false (not
     * handled) so the next handler can serve it. It owns the upstream HTTP client as a managed
     * bean. The same instance is returned on every call.
     */
    public Handler handler() { return handler; }

    /**
     * The daemon is stopping and its drain time is over: every request still waiting for or
     * streaming an upstream answer is cut now, and says so — a stream with an SSE error event (or a
     * broken body), a request before its answer with a 503 — and its record names the stop, not an
     * upstream reset. Call before the server closes the client connections.
     */
    public void cutInFlight() {
        for (Exchange exchange : ticker.watchedNow()) exchange.daemonStopping();
    }

    /** Client requests currently being proxied (admitted and not yet completed). */
    public int inFlight() { return inFlight.get(); }

    /** The upstream client's thread pool: selector, scheduler and a few spare. */
    static final int UPSTREAM_THREADS = 12;

    /** How long an idle pooled upstream connection stays open. */
    static final long POOLED_IDLE_TIMEOUT_MS = 60_000;

    /**
     * The most idle HTTP/1.1 connections kept per upstream destination (as nginx's upstream
     * {@code keepalive}); more than any steady concurrency of short requests needs, far fewer than
     * a burst of streams opens (see {@link IdleCappedPool}).
     */
    static final int POOLED_IDLE_MAX = 256;

    /** The connection idle timeout during an exchange: never before our own first-byte and stream-idle timers. */
    long liveIdleTimeoutMs() {
        return Math.max(config.firstByteTimeout().toMillis(), config.streamIdleTimeout().toMillis()) * 2;
    }

    private static HttpClient newHttpClient(Config.Proxy config) {
        // HTTP/2 over TLS where the upstream offers it (ALPN), HTTP/1.1 otherwise and over http://;
        // TLS trusts the JDK's defaults plus the configured CA certificates (see UpstreamTransport).
        UpstreamTransport transport = UpstreamTransport.create(config.upstreamCaCertificates());
        HttpClient c = new HttpClient(transport);
        // One bounded pool of heap buffers for the whole client (see UpstreamTransport.bufferPool).
        c.setByteBufferPool(transport.getClientConnector().getByteBufferPool());
        c.setUseInputDirectByteBuffers(false);
        c.setUseOutputDirectByteBuffers(false);
        // Small on purpose: every callback of an exchange is non-blocking and runs on the selector
        // that read it, so the pool holds the selector and a few threads for Jetty's own
        // blocking bits (host name lookups). Jetty's default of 200 let a burst of 2,000 new
        // streams spawn all 200, which then fought over two cores (and held ~20 MiB of stacks).
        QueuedThreadPool threads = new QueuedThreadPool(UPSTREAM_THREADS, 2);
        threads.setName("ccflare-upstream");
        c.setExecutor(threads);
        c.setName("ccflare-upstream");
        // Every listener of an exchange returns at once (token-source calls that may block hop to
        // a virtual thread of their own), so the upstream's responses are handled on the selector
        // thread that read them: no hand-off to a pool thread and back for each response, which
        // on a loaded machine cost a scheduler wake-up (milliseconds) and CPU per request.
        c.getHttpClientTransport().setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        c.setFollowRedirects(false);
        c.setHttpCookieStore(new HttpCookieStore.Empty());
        // The client's own User-Agent goes upstream, not Jetty's.
        c.setUserAgentField(null);
        // No Content-Type is invented for bodies the client sent without one.
        c.setDefaultRequestContentType(null);
        c.setConnectTimeout(config.connectTimeout().toMillis());
        // Long-lived SSE streams hold a connection each; the pool must not make them queue.
        c.setMaxConnectionsPerDestination(4096);
        c.setMaxRequestsQueuedPerDestination(4096);
        // After a burst, only POOLED_IDLE_MAX of its connections stay open for reuse.
        transport.setConnectionPoolFactory(IdleCappedPool.factory(POOLED_IDLE_MAX));
        // A connection back in the pool closes after this much idleness (nginx's upstream
        // keepalive_timeout is 60 s too): a burst of 2,000 streams must not leave 2,000 idle
        // sockets open for ten minutes. While an exchange is live, Attempt sets the request's own
        // idle timeout (liveIdleTimeoutMs), which Jetty applies to the connection for that
        // exchange only, so our first-byte and stream-idle timers always decide first.
        c.setIdleTimeout(POOLED_IDLE_TIMEOUT_MS);
        return c;
    }

    /**
     * A base URL as attempts use it: without its trailing slash, and with the {@code Host} field
     * the HTTP client would derive for it. Sending that field ourselves spares the client
     * building and parsing a {@link java.net.URI} of the whole target per request to find it.
     *
     * @param prefix the base URL without a trailing slash, to which the path is appended
     * @param host   the Host field, exactly as Jetty computes it (the authority of its
     *               normalised URI); null when Jetty could not, in which case it finds it itself
     */
    record UpstreamBase(String prefix, HttpField host) {}

    /** Few distinct base URLs exist (one per provider, and accounts' own); the cap only bounds edits over time. */
    private static final int MAX_CACHED_BASES = 64;
    private final ConcurrentHashMap<String, UpstreamBase> bases = new ConcurrentHashMap<>();

    UpstreamBase upstreamBase(String baseUrl) {
        UpstreamBase cached = bases.get(baseUrl);
        if (cached != null) return cached;
        String prefix = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        // Jetty's own derivation, once: a request to the base and the authority of its URI.
        URI normalised = client.newRequest(URI.create(prefix)).getURI();
        String authority = normalised == null ? null : normalised.getAuthority();
        UpstreamBase base = new UpstreamBase(prefix, authority == null ? null : new HttpField(HttpHeader.HOST, authority));
        if (bases.size() >= MAX_CACHED_BASES) bases.clear();
        bases.put(baseUrl, base);
        return base;
    }

    boolean enter() {
        while (true) {
            int n = inFlight.get();
            if (n >= config.maxInFlight()) return false;
            if (inFlight.compareAndSet(n, n + 1)) return true;
        }
    }

    void leave() { inFlight.decrementAndGet(); }

    private final class V1Handler extends Handler.Abstract {

        V1Handler() { super(InvocationType.NON_BLOCKING); }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            // Bodies are passed through byte for byte: never decode what the upstream encoded.
            client.getContentDecoderFactories().clear();
            // After super.doStart(): the client, a managed bean, has started its scheduler.
            ticker.start();
        }

        @Override
        protected void doStop() throws Exception {
            ticker.stop();
            super.doStop();
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            Route route = Route.of(path);
            if (route instanceof Route.NotProxied) return false;
            if (path.startsWith(TranslatingRoute.PREFIX)) {
                var dialect = TranslatingRoute.clientDialect(path);
                if (dialect.isPresent()) {
                    new TranslatingFront(Proxy.this, request, response, callback, path, dialect.get()).begin();
                    return true;
                }
                var models = TranslatingRoute.modelsDialect(path);
                if (models.isPresent()) {
                    TranslatingModels.answer(Proxy.this, request, response, callback, models.get());
                    return true;
                }
                TranslatingFront.notFound(request, response, callback, path, config.maxBodyBytes());
                return true;
            }
            Exchange exchange = new Exchange(Proxy.this, request, response, callback, route, path);
            exchange.begin();
            return true;
        }
    }
}

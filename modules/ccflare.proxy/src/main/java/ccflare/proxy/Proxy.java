package ccflare.proxy;

import static java.util.Objects.requireNonNull;

import ccflare.core.AccountRegistry;
import ccflare.core.Config;
import ccflare.core.ProviderKind;
import ccflare.core.RequestLog;
import ccflare.providers.Pricing;
import ccflare.providers.ProviderAdapter;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
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
 * every account is paused or needs re-authentication or no upstream could be reached, 502 when
 * attempts failed without an upstream response to pass on.
 *
 * <p>The hot path never blocks: the body is read and the response written with Jetty's
 * asynchronous APIs, and the request log is only offered records.
 */
public final class Proxy {

    final Config.Proxy config;
    final Config.Recording recording;
    final AccountRegistry accounts;
    final RequestLog log;
    final Pricing pricing;
    final Function<ProviderKind, ProviderAdapter> adapters;
    final InstantSource clock;
    final HttpClient client;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final V1Handler handler;

    /**
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
        this.config = requireNonNull(config, "config");
        this.recording = requireNonNull(recording, "recording");
        this.accounts = requireNonNull(accounts, "accounts");
        this.log = requireNonNull(log, "log");
        this.pricing = requireNonNull(pricing, "pricing");
        this.adapters = requireNonNull(adapters, "adapters");
        this.clock = requireNonNull(clock, "clock");
        this.client = newHttpClient(config);
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

    /** Client requests currently being proxied (admitted and not yet completed). */
    public int inFlight() { return inFlight.get(); }

    private static HttpClient newHttpClient(Config.Proxy config) {
        HttpClient c = new HttpClient();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("ccflare-upstream");
        c.setExecutor(threads);
        c.setName("ccflare-upstream");
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
        // Our own first-byte and stream-idle timers decide; the connection's idle timeout only
        // reaps idle pooled connections and must never fire first on a live exchange.
        c.setIdleTimeout(Math.max(config.firstByteTimeout().toMillis(), config.streamIdleTimeout().toMillis()) * 2);
        return c;
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
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            Route route = Route.of(path);
            if (route instanceof Route.NotProxied) return false;
            Exchange exchange = new Exchange(Proxy.this, request, response, callback, route, path);
            exchange.begin();
            return true;
        }
    }
}

package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A JDK {@link HttpClient} built on its first use rather than at start-up. Building one sets up
 * the default TLS context, which reads and parses the runtime's whole CA certificate store: about
 * a tenth of the daemon's start-up, for the OAuth token endpoints, which most starts (API-key
 * accounts, tokens still valid) never call. Every method hands over to the one real client;
 * closing one that was never built builds nothing.
 */
final class DeferredHttpClient extends HttpClient {

    private final Supplier<HttpClient> factory;
    private volatile HttpClient client;
    // Closed before it was ever built: a later send gets a client that is already shut down, as it would.
    private volatile boolean closed;

    DeferredHttpClient(Supplier<HttpClient> factory) {
        this.factory = requireNonNull(factory, "factory");
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = requireNonNull(factory.get(), "factory.get()");
                    if (closed) c.shutdownNow();
                    client = c;
                }
            }
        }
        return c;
    }

    @Override public Optional<CookieHandler> cookieHandler() { return client().cookieHandler(); }
    @Override public Optional<Duration> connectTimeout() { return client().connectTimeout(); }
    @Override public Redirect followRedirects() { return client().followRedirects(); }
    @Override public Optional<ProxySelector> proxy() { return client().proxy(); }
    @Override public SSLContext sslContext() { return client().sslContext(); }
    @Override public SSLParameters sslParameters() { return client().sslParameters(); }
    @Override public Optional<Authenticator> authenticator() { return client().authenticator(); }
    @Override public Version version() { return client().version(); }
    @Override public Optional<Executor> executor() { return client().executor(); }
    @Override public WebSocket.Builder newWebSocketBuilder() { return client().newWebSocketBuilder(); }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return client().send(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return client().sendAsync(request, handler);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return client().sendAsync(request, handler, pushPromiseHandler);
    }

    @Override
    public void shutdown() {
        HttpClient c = closeDeferred();
        if (c != null) c.shutdown();
    }

    @Override
    public void shutdownNow() {
        HttpClient c = closeDeferred();
        if (c != null) c.shutdownNow();
    }

    @Override
    public void close() {
        HttpClient c = closeDeferred();
        if (c != null) c.close();
    }

    @Override
    public boolean awaitTermination(Duration duration) throws InterruptedException {
        HttpClient c = client;
        return c == null ? closed : c.awaitTermination(duration);
    }

    @Override
    public boolean isTerminated() {
        HttpClient c = client;
        return c == null ? closed : c.isTerminated();
    }

    /** Marks this closed; returns the real client when there is one to close. */
    private synchronized HttpClient closeDeferred() {
        closed = true;
        return client;
    }

    /** Whether the real client has been built (for tests). */
    boolean built() { return client != null; }
}

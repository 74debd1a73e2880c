package ccflare.testing;

import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP/1.1 server on {@code 127.0.0.1} (ephemeral port) that answers like the Anthropic Messages
 * API, the OpenAI Chat Completions and Responses APIs (including Codex at {@code /backend-api/codex}) and
 * the Claude and Codex OAuth token endpoints. Tests script failures per credential with
 * {@link #behave(String, Behaviour)} and inspect what arrived with {@link #requests()}.
 *
 * <p>Routes: {@code POST /v1/messages}, {@code POST /v1/messages/count_tokens}, {@code GET /v1/models},
 * {@code GET /models}, {@code POST /v1/chat/completions}, {@code POST /chat/completions},
 * {@code POST /v1/responses}, {@code POST /responses}, {@code POST /backend-api/codex/responses},
 * {@code POST /v1/oauth/token} (JSON), {@code POST /oauth/token} (form). Query strings are accepted and
 * ignored. Anything else answers 404 with an Anthropic error body.
 *
 * <p>Optionally it also listens on TLS ({@link #startTls}), on a second port with a
 * {@link TestCertificate}: offering HTTP/2 and HTTP/1.1 through ALPN like the real providers, only
 * HTTP/1.1 through ALPN, or HTTP/1.1 without ALPN. Both ports serve the same scripts and record into the
 * same lists; {@link Received#protocol()} tells which HTTP version a request came over and
 * {@link #connectionsSeen()} how many connections carried requests. Over HTTP/2 a scripted reset
 * ({@code Behaviour.Interrupt} or {@code Behaviour.Drop} with {@code reset}) resets the stream (RST_STREAM)
 * and a clean cut closes the whole connection.
 *
 * <p>Thread-safe. Every request is served on its own virtual thread, so hanging or slow scripts do not
 * starve each other.
 */
public final class FakeUpstream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FakeUpstream.class);

    /**
     * A token pair the OAuth endpoint issued.
     *
     * @param expiresInSeconds the {@code expires_in} it was issued with
     */
    public record Tokens(String accessToken, String refreshToken, long expiresInSeconds) {
        public Tokens {
            Objects.requireNonNull(accessToken, "accessToken");
            Objects.requireNonNull(refreshToken, "refreshToken");
        }

        /** Omits the token values. */
        @Override public String toString() { return "Tokens[expiresInSeconds=" + expiresInSeconds + "]"; }
    }

    /** What the TLS listener offers in the TLS handshake. */
    public enum Tls {
        /** ALPN {@code h2} then {@code http/1.1}, as api.anthropic.com and api.openai.com do. */
        H2_AND_HTTP11,
        /** ALPN with {@code http/1.1} only: an upstream without HTTP/2. */
        HTTP11_ONLY,
        /** No ALPN extension in the answer at all (HTTP/1.1): old TLS terminators. */
        HTTP11_WITHOUT_ALPN
    }

    enum Api { ANTHROPIC, OPENAI, CODEX, OAUTH }

    private final Server server;
    private final URI baseUri;
    private final URI tlsBaseUri;   // null without a TLS listener
    private final TestCertificate certificate; // null without a TLS listener
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final Answers answers;
    private final TokenIssuer tokens = new TokenIssuer();
    private final TokenEndpoint tokenEndpoint;
    private final Observations seen = new Observations();
    private final Map<String, Answers.Program> behaviours = new ConcurrentHashMap<>();
    private volatile Answers.Program fallback = new Answers.Program(Behaviour.ok());
    private volatile Settings settings = Settings.DEFAULTS;
    private final Set<Exchange> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    private FakeUpstream(InstantSource clock, Tls tls, TestCertificate certificate) {
        this.answers = new Answers(clock);
        this.tokenEndpoint = new TokenEndpoint(tokens, answers, () -> settings.tokenExpiresInSeconds());
        this.certificate = certificate;
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("fake-upstream");
        pool.setDaemon(true);
        server = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendDateHeader(true);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        // Long enough for any test; hang() must outlast the proxy's own timeouts.
        connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
        server.addConnector(connector);
        ServerConnector tlsConnector = tls == null ? null : tlsConnector(server, config, tls, certificate);
        if (tlsConnector != null) server.addConnector(tlsConnector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                workers.execute(() -> serve(request, response, callback));
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("fake upstream did not start", e);
        }
        baseUri = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        tlsBaseUri = tlsConnector == null ? null : URI.create("https://127.0.0.1:" + tlsConnector.getLocalPort());
    }

    private static ServerConnector tlsConnector(Server server, HttpConfiguration plain, Tls tls, TestCertificate certificate) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(certificate.keyStore().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(certificate.keyStorePassword());
        HttpConfiguration config = new HttpConfiguration(plain);
        // Clients reach it by IP address, which sends no SNI to check against.
        config.addCustomizer(new SecureRequestCustomizer(false));
        HttpConnectionFactory http11 = new HttpConnectionFactory(config);
        ConnectionFactory[] factories = switch (tls) {
            case H2_AND_HTTP11 -> {
                HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(config);
                ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
                alpn.setDefaultProtocol("http/1.1");
                yield new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http11};
            }
            case HTTP11_ONLY -> {
                ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("http/1.1");
                alpn.setDefaultProtocol("http/1.1");
                yield new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, http11};
            }
            case HTTP11_WITHOUT_ALPN -> new ConnectionFactory[] {new SslConnectionFactory(ssl, http11.getProtocol()), http11};
        };
        ServerConnector connector = new ServerConnector(server, 1, 1, factories);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
        return connector;
    }

    /** Starts a server on {@code 127.0.0.1} and an ephemeral port; reset headers use the system clock. */
    public static FakeUpstream start() { return new FakeUpstream(InstantSource.system(), null, null); }

    /** Starts a server whose rate-limit reset headers and {@code created} fields are computed from {@code clock}. */
    public static FakeUpstream start(InstantSource clock) {
        return new FakeUpstream(Objects.requireNonNull(clock, "clock"), null, null);
    }

    /**
     * Starts a server that also listens on TLS ({@link #tlsBaseUri()}) with the JVM's shared
     * {@link TestCertificate}, offering the protocols {@code tls} names; the plain port stays.
     */
    public static FakeUpstream startTls(Tls tls) {
        return new FakeUpstream(InstantSource.system(), Objects.requireNonNull(tls, "tls"), TestCertificate.shared());
    }

    /** {@code https://127.0.0.1:PORT} of the TLS listener, without a trailing slash. */
    public URI tlsBaseUri() {
        if (tlsBaseUri == null) throw new IllegalStateException("started without TLS (use FakeUpstream.startTls)");
        return tlsBaseUri;
    }

    /** The certificate the TLS listener presents. */
    public TestCertificate certificate() {
        if (certificate == null) throw new IllegalStateException("started without TLS (use FakeUpstream.startTls)");
        return certificate;
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public URI baseUri() { return baseUri; }

    /** {@link #baseUri()} followed by {@code pathAndQuery}, e.g. {@code uri("/v1/messages?beta=true")}. */
    public URI uri(String pathAndQuery) {
        if (!pathAndQuery.startsWith("/")) throw new IllegalArgumentException("pathAndQuery: must start with '/'");
        return URI.create(baseUri + pathAndQuery);
    }

    /** Stops the server; held requests ({@link Behaviour#hang()}) are released without counting as aborts. */
    @Override
    public void close() {
        closing = true;
        open.forEach(Exchange::release);
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("fake upstream did not stop cleanly", e);
        }
        workers.shutdownNow();
    }

    // ------------------------------------------------------------------ scripting

    /**
     * Scripts what requests carrying {@code credential} (the {@code x-api-key} value or the bearer token
     * of {@code authorization}) get. Replaces an earlier script for the same credential and restarts its
     * sequences. When a request carries both headers and both are scripted, {@code x-api-key} wins.
     */
    public void behave(String credential, Behaviour behaviour) {
        behaviours.put(Objects.requireNonNull(credential, "credential"), new Answers.Program(behaviour));
    }

    /** Scripts what requests get whose credential has no script of its own (initially {@link Behaviour#ok()}). */
    public void behaveByDefault(Behaviour behaviour) { fallback = new Answers.Program(behaviour); }

    /** Token counts in successful answers (default 25 input, 12 output, 0 cache read, 0 cache creation). */
    public FakeUpstream usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheCreationTokens) {
        settings = settings.withUsage(inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens);
        return this;
    }

    /** Reasoning tokens reported by OpenAI-style usage (default 0). */
    public FakeUpstream reasoningTokens(long reasoningTokens) {
        settings = settings.withReasoning(reasoningTokens);
        return this;
    }

    /** Number of text deltas in streamed answers (default 3) and the pause before each (default none). */
    public FakeUpstream deltas(int count, Duration between) {
        settings = settings.withDeltas(count, between);
        return this;
    }

    /**
     * The 5-hour and 7-day windows reported in Anthropic unified headers and Codex headers. Utilisations
     * are fractions 0..1 (Codex gets them as percentages); a reset of 0 means "5 h / 7 d from now".
     * Defaults: 0.12 and 0.34, resets from now.
     */
    public FakeUpstream windows(double fiveHourUtilisation, long fiveHourResetEpochSeconds,
                                double sevenDayUtilisation, long sevenDayResetEpochSeconds) {
        settings = settings.withWindows(fiveHourUtilisation, fiveHourResetEpochSeconds, sevenDayUtilisation, sevenDayResetEpochSeconds);
        return this;
    }

    /** The {@code expires_in} of tokens the OAuth endpoint issues from now on (default 1 h). */
    public FakeUpstream tokenExpiresIn(Duration expiresIn) {
        settings = settings.withTokenExpiresIn(expiresIn.toSeconds());
        return this;
    }

    // ------------------------------------------------------------------ OAuth

    /**
     * Registers an authorization code the token endpoint accepts once. With a non-null
     * {@code codeChallenge} the exchange must carry a {@code code_verifier} whose S256 challenge matches.
     * Once any code is registered, unregistered codes are refused with {@code invalid_grant}; before
     * that, any non-blank code is accepted.
     */
    public void expectAuthorization(String code, String codeChallenge) {
        tokens.expect(Objects.requireNonNull(code, "code"), codeChallenge);
    }

    /**
     * Scripts the token endpoints (initially {@link Behaviour#ok()}): e.g. {@code delayed(500ms, ok())} for a
     * slow refresh, {@code serverError(503)}, {@code hang()}, {@code dropConnection(true)}. A failed or
     * dropped request consumes no refresh token or code. Streaming variations (slow deltas, mid-stream
     * cuts, hard-limit headers) answer normally here.
     */
    public void behaveTokenEndpoint(Behaviour behaviour) { tokenEndpoint.script(behaviour); }

    /** The PKCE S256 challenge of {@code verifier} (base64url without padding of its SHA-256). */
    public static String pkceChallenge(String verifier) { return TokenIssuer.s256(verifier); }

    /** Issues a fresh token pair without a request, e.g. to seed an OAuth account; its refresh token is live. */
    public Tokens issueTokens() { return tokens.issue(settings.tokenExpiresInSeconds()); }

    /** Every token pair issued so far, oldest first (including {@link #issueTokens()}). */
    public List<Tokens> issuedTokens() { return tokens.issued(); }

    /** How many requests reached either token endpoint, successful or not. */
    public int tokenRequests() { return tokenEndpoint.requests(); }

    // ------------------------------------------------------------------ observations

    /** Every request received so far, in arrival order (all routes, including token requests and 404s). */
    public List<Received> requests() {
        return seen.requests();
    }

    /** The received requests whose path (without query) equals {@code path}. */
    public List<Received> requests(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    /**
     * The received requests that carried {@code credential}, as {@code x-api-key} or as the bearer token
     * of {@code authorization} (the per-account view of the traffic).
     */
    public List<Received> requestsWithCredential(String credential) {
        return requests().stream().filter(r -> credential.equals(r.header("x-api-key")) || credential.equals(r.credential()))
                .toList();
    }

    /**
     * Waits until request number {@code index} (0-based, arrival order) has arrived.
     *
     * @throws AssertionError when it has not arrived within {@code timeout}
     */
    public Received awaitRequest(int index, Duration timeout) { return seen.awaitRequest(index, timeout); }

    /**
     * Responses that could not be completed because the peer closed or reset the connection first,
     * including held ({@link Behaviour#hang()}) and delayed requests whose client went away.
     */
    public int abortedResponses() { return seen.aborts(); }

    /** {@link System#nanoTime()} at which each abort was noticed, in order. */
    public List<Long> abortedAtNanos() { return seen.abortTimes(); }

    /** Waits until at least {@code n} aborts were seen; false on timeout. */
    public boolean awaitAborts(int n, Duration timeout) { return seen.awaitAborts(n, timeout); }

    /**
     * Total time response writes spent waiting to complete, including writes still waiting, over all
     * requests since start or {@link #reset()}. Grows while the peer does not read (back-pressure).
     */
    public Duration writeBlockedTime() {
        long now = System.nanoTime();
        long pending = open.stream().mapToLong(ex -> ex.pendingWriteNanos(now)).sum();
        return Duration.ofNanos(seen.writeNanos() + pending);
    }

    /** Requests being served right now. */
    public int inFlight() { return seen.inFlight(); }

    /**
     * How many different client connections (remote address and port) carried the requests received
     * since start or {@link #reset()}; over HTTP/2 many requests share one.
     */
    public int connectionsSeen() { return seen.connections(); }

    /** The largest number of requests served at the same time since start or {@link #reset()}. */
    public int peakConcurrentRequests() { return seen.peak(); }

    /**
     * Forgets recorded requests, aborts, counters, scripts (back to {@link Behaviour#ok()}), settings,
     * registered authorization codes and issued tokens. The port stays the same.
     */
    public void reset() {
        seen.reset();
        behaviours.clear();
        fallback = new Answers.Program(Behaviour.ok());
        settings = Settings.DEFAULTS;
        tokens.reset();
        tokenEndpoint.reset();
    }

    // ------------------------------------------------------------------ serving

    private void serve(Request request, Response response, Callback callback) {
        long at = System.nanoTime();
        seen.started();
        Exchange ex = new Exchange(request, response, callback, seen::aborted, seen::finished, seen::wrote);
        open.add(ex);
        if (closing) ex.release();
        request.addFailureListener(ex::peerGone);
        try {
            byte[] body = Content.Source.asInputStream(request).readAllBytes();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (HttpField f : request.getHeaders()) {
                headers.computeIfAbsent(f.getLowerCaseName(), k -> new ArrayList<>()).add(f.getValue());
            }
            Received r = new Received(request.getMethod(), request.getHttpURI().getPathQuery(), headers, body, at,
                    request.getConnectionMetaData().getHttpVersion().asString());
            seen.arrived(r, request.getConnectionMetaData().getRemoteSocketAddress());
            route(ex, r);
        } catch (Exchange.PeerGone gone) {
            // Closing: drop the connection; failing the callback would make Jetty answer 500 instead.
            if (closing) ex.kill(false);
            else ex.fail(new IOException("peer gone"));
        } catch (IOException e) {
            ex.peerGone(e);
            ex.fail(e);
        } catch (RuntimeException | Error e) {
            LOG.warn("fake upstream failed to serve {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
            ex.fail(e);
        } finally {
            open.remove(ex);
            ex.done();
        }
    }

    private void route(Exchange ex, Received r) {
        String path = r.path();
        String method = r.method();
        boolean post = method.equals("POST");
        switch (path) {
            case "/v1/messages" -> { if (post) { model(ex, r, Api.ANTHROPIC, Answers.Endpoint.MESSAGES); return; } }
            case "/v1/messages/count_tokens" -> { if (post) { model(ex, r, Api.ANTHROPIC, Answers.Endpoint.COUNT_TOKENS); return; } }
            case "/v1/models" -> {
                if (method.equals("GET")) {
                    boolean anthropic = r.header("x-api-key") != null || r.header("anthropic-version") != null;
                    model(ex, r, anthropic ? Api.ANTHROPIC : Api.OPENAI, Answers.Endpoint.MODELS);
                    return;
                }
            }
            case "/models" -> { if (method.equals("GET")) { model(ex, r, Api.OPENAI, Answers.Endpoint.MODELS); return; } }
            case "/v1/chat/completions", "/chat/completions" -> { if (post) { model(ex, r, Api.OPENAI, Answers.Endpoint.CHAT); return; } }
            case "/v1/responses" -> { if (post) { model(ex, r, Api.OPENAI, Answers.Endpoint.RESPONSES); return; } }
            case "/responses", "/backend-api/codex/responses" -> { if (post) { model(ex, r, Api.CODEX, Answers.Endpoint.RESPONSES); return; } }
            case "/v1/oauth/token" -> { if (post) { tokenEndpoint.serve(ex, r, false); return; } }
            case "/oauth/token" -> { if (post) { tokenEndpoint.serve(ex, r, true); return; } }
            default -> { }
        }
        answers.notFound(ex, method, path);
    }

    private Answers.Program programFor(Received r) {
        String apiKey = r.header("x-api-key");
        if (apiKey != null && behaviours.containsKey(apiKey)) return behaviours.get(apiKey);
        String bearer = r.credential();
        if (bearer != null && behaviours.containsKey(bearer)) return behaviours.get(bearer);
        return fallback;
    }

    private void model(Exchange ex, Received r, Api api, Answers.Endpoint endpoint) {
        // Settings as of arrival: a script's delay does not see later changes.
        answers.model(ex, r, programFor(r), api, endpoint, settings);
    }
}

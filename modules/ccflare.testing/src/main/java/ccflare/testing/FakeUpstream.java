package ccflare.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
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
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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

    private enum Endpoint { MESSAGES, COUNT_TOKENS, MODELS, CHAT, RESPONSES }

    /** A behaviour plus the cursors of its sequences. */
    private static final class Program {
        private final Behaviour root;
        private final Map<Behaviour.Sequence, Integer> cursors = new IdentityHashMap<>();
        private final Map<Behaviour.RandomChoice, java.util.Random> randoms = new IdentityHashMap<>();

        Program(Behaviour root) { this.root = Objects.requireNonNull(root, "behaviour"); }

        /** Follows sequences and random choices down to one concrete step, advancing their state. */
        synchronized Behaviour step(Behaviour b) {
            while (true) {
                if (b instanceof Behaviour.Sequence s) {
                    int i = cursors.getOrDefault(s, 0);
                    cursors.put(s, i + 1);
                    b = s.steps().get(Math.min(i, s.steps().size() - 1));
                } else if (b instanceof Behaviour.RandomChoice rc) {
                    java.util.Random random = randoms.computeIfAbsent(rc, k -> new java.util.Random(k.seed()));
                    b = rc.choices().get(random.nextInt(rc.choices().size()));
                } else {
                    return b;
                }
            }
        }
    }

    private final InstantSource clock;
    private final Server server;
    private final URI baseUri;
    private final URI tlsBaseUri;   // null without a TLS listener
    private final TestCertificate certificate; // null without a TLS listener
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final TokenIssuer tokens = new TokenIssuer();
    private final Map<String, Program> behaviours = new ConcurrentHashMap<>();
    private volatile Program fallback = new Program(Behaviour.ok());
    private volatile Program tokenProgram = new Program(Behaviour.ok());
    private volatile Settings settings = Settings.DEFAULTS;

    private final Object monitor = new Object();
    private final List<Received> received = new ArrayList<>();   // guarded by monitor
    private final List<Long> abortTimes = new ArrayList<>();     // guarded by monitor
    private final Set<SocketAddress> peers = new java.util.HashSet<>(); // guarded by monitor
    private final Set<Exchange> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong writeNanos = new AtomicLong();
    private volatile boolean closing;

    private FakeUpstream(InstantSource clock, Tls tls, TestCertificate certificate) {
        this.clock = clock;
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
        behaviours.put(Objects.requireNonNull(credential, "credential"), new Program(behaviour));
    }

    /** Scripts what requests get whose credential has no script of its own (initially {@link Behaviour#ok()}). */
    public void behaveByDefault(Behaviour behaviour) { fallback = new Program(behaviour); }

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
    public void behaveTokenEndpoint(Behaviour behaviour) { tokenProgram = new Program(behaviour); }

    /** The PKCE S256 challenge of {@code verifier} (base64url without padding of its SHA-256). */
    public static String pkceChallenge(String verifier) { return TokenIssuer.s256(verifier); }

    /** Issues a fresh token pair without a request, e.g. to seed an OAuth account; its refresh token is live. */
    public Tokens issueTokens() { return tokens.issue(settings.tokenExpiresInSeconds()); }

    /** Every token pair issued so far, oldest first (including {@link #issueTokens()}). */
    public List<Tokens> issuedTokens() { return tokens.issued(); }

    /** How many requests reached either token endpoint, successful or not. */
    public int tokenRequests() { return tokenRequests.get(); }

    // ------------------------------------------------------------------ observations

    /** Every request received so far, in arrival order (all routes, including token requests and 404s). */
    public List<Received> requests() {
        synchronized (monitor) {
            return List.copyOf(received);
        }
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
    public Received awaitRequest(int index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (received.size() <= index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("request #" + index + " did not arrive within " + timeout
                        + " (" + received.size() + " received)");
                waitOn(left);
            }
            return received.get(index);
        }
    }

    /**
     * Responses that could not be completed because the peer closed or reset the connection first,
     * including held ({@link Behaviour#hang()}) and delayed requests whose client went away.
     */
    public int abortedResponses() {
        synchronized (monitor) {
            return abortTimes.size();
        }
    }

    /** {@link System#nanoTime()} at which each abort was noticed, in order. */
    public List<Long> abortedAtNanos() {
        synchronized (monitor) {
            return List.copyOf(abortTimes);
        }
    }

    /** Waits until at least {@code n} aborts were seen; false on timeout. */
    public boolean awaitAborts(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (abortTimes.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                waitOn(left);
            }
            return true;
        }
    }

    /**
     * Total time response writes spent waiting to complete, including writes still waiting, over all
     * requests since start or {@link #reset()}. Grows while the peer does not read (back-pressure).
     */
    public Duration writeBlockedTime() {
        long now = System.nanoTime();
        long pending = open.stream().mapToLong(ex -> ex.pendingWriteNanos(now)).sum();
        return Duration.ofNanos(writeNanos.get() + pending);
    }

    /** Requests being served right now. */
    public int inFlight() { return inFlight.get(); }

    /**
     * How many different client connections (remote address and port) carried the requests received
     * since start or {@link #reset()}; over HTTP/2 many requests share one.
     */
    public int connectionsSeen() {
        synchronized (monitor) {
            return peers.size();
        }
    }

    /** The largest number of requests served at the same time since start or {@link #reset()}. */
    public int peakConcurrentRequests() { return peak.get(); }

    /**
     * Forgets recorded requests, aborts, counters, scripts (back to {@link Behaviour#ok()}), settings,
     * registered authorization codes and issued tokens. The port stays the same.
     */
    public void reset() {
        synchronized (monitor) {
            received.clear();
            abortTimes.clear();
            peers.clear();
        }
        behaviours.clear();
        fallback = new Program(Behaviour.ok());
        settings = Settings.DEFAULTS;
        tokens.reset();
        tokenProgram = new Program(Behaviour.ok());
        tokenRequests.set(0);
        writeNanos.set(0);
        peak.set(inFlight.get());
    }

    private void waitOn(long nanos) {
        try {
            monitor.wait(Math.max(1, nanos / 1_000_000), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }

    private void onAbort() {
        synchronized (monitor) {
            abortTimes.add(System.nanoTime());
            monitor.notifyAll();
        }
    }

    // ------------------------------------------------------------------ serving

    private void serve(Request request, Response response, Callback callback) {
        long at = System.nanoTime();
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        Exchange ex = new Exchange(request, response, callback, this::onAbort, inFlight::decrementAndGet,
                writeNanos::addAndGet);
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
            synchronized (monitor) {
                peers.add(request.getConnectionMetaData().getRemoteSocketAddress());
                received.add(r);
                monitor.notifyAll();
            }
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
            case "/v1/messages" -> { if (post) { model(ex, r, Api.ANTHROPIC, Endpoint.MESSAGES); return; } }
            case "/v1/messages/count_tokens" -> { if (post) { model(ex, r, Api.ANTHROPIC, Endpoint.COUNT_TOKENS); return; } }
            case "/v1/models" -> {
                if (method.equals("GET")) {
                    boolean anthropic = r.header("x-api-key") != null || r.header("anthropic-version") != null;
                    model(ex, r, anthropic ? Api.ANTHROPIC : Api.OPENAI, Endpoint.MODELS);
                    return;
                }
            }
            case "/models" -> { if (method.equals("GET")) { model(ex, r, Api.OPENAI, Endpoint.MODELS); return; } }
            case "/v1/chat/completions", "/chat/completions" -> { if (post) { model(ex, r, Api.OPENAI, Endpoint.CHAT); return; } }
            case "/v1/responses" -> { if (post) { model(ex, r, Api.OPENAI, Endpoint.RESPONSES); return; } }
            case "/responses", "/backend-api/codex/responses" -> { if (post) { model(ex, r, Api.CODEX, Endpoint.RESPONSES); return; } }
            case "/v1/oauth/token" -> { if (post) { token(ex, r, false); return; } }
            case "/oauth/token" -> { if (post) { token(ex, r, true); return; } }
            default -> { }
        }
        HttpFields.Mutable h = ex.response.getHeaders();
        ex.response.setStatus(404);
        h.put("content-type", "application/json");
        h.put("request-id", "req_fake" + ids.incrementAndGet());
        ex.finish(Transcripts.anthropicError("not_found_error", "Not found: " + method + " " + path));
    }

    private void token(Exchange ex, Received r, boolean codex) {
        tokenRequests.incrementAndGet();
        if (runScript(ex, tokenProgram, Api.OAUTH) == null) return;
        Map<String, String> params = new LinkedHashMap<>();
        String contentType = r.header("content-type");
        if (contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("json")) {
            try {
                JsonNode node = Transcripts.JSON.readTree(r.body());
                if (node != null && node.isObject()) node.properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            } catch (IOException e) {
                answer(ex, 400, "application/json", "{\"error\":\"invalid_request\",\"error_description\":\"body is not JSON\"}");
                return;
            }
        } else {
            for (String pair : r.bodyText().split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                params.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        TokenIssuer.Answer a = tokens.grant(params, settings.tokenExpiresInSeconds(), codex);
        answer(ex, a.status(), "application/json", a.json());
    }

    private static void answer(Exchange ex, int status, String contentType, String body) {
        ex.response.setStatus(status);
        ex.response.getHeaders().put("content-type", contentType);
        ex.finish(body);
    }

    private Program programFor(Received r) {
        String apiKey = r.header("x-api-key");
        if (apiKey != null && behaviours.containsKey(apiKey)) return behaviours.get(apiKey);
        String bearer = r.credential();
        if (bearer != null && behaviours.containsKey(bearer)) return behaviours.get(bearer);
        return fallback;
    }

    private void model(Exchange ex, Received r, Api api, Endpoint endpoint) {
        Settings s = settings;
        Plan plan = runScript(ex, programFor(r), api);
        if (plan != null) succeed(ex, r, api, endpoint, s, plan);
    }

    /**
     * Plays the scripted behaviour up to the point where a successful answer is due and returns how that
     * answer deviates from normal; null when the script already answered (failure, raw, drop).
     */
    private Plan runScript(Exchange ex, Program program, Api api) {
        Behaviour b = program.step(program.root);
        while (true) {
            switch (b) {
                case Behaviour.Delayed d -> {
                    ex.pause(d.delay());
                    b = program.step(d.then());
                }
                case Behaviour.Hang h -> ex.awaitGone();
                case Behaviour.Drop d -> {
                    ex.kill(d.reset());
                    return null;
                }
                case Behaviour.Fail f -> {
                    fail(ex, api, f);
                    return null;
                }
                case Behaviour.Raw raw -> {
                    ex.response.setStatus(raw.status());
                    raw.headers().forEach(ex.response.getHeaders()::put);
                    ex.write(""); // commits the headers even when there are no chunks
                    for (int i = 0; i < raw.chunks().size(); i++) {
                        if (i > 0) ex.pause(raw.between());
                        ex.write(raw.chunks().get(i));
                    }
                    ex.finish("");
                    return null;
                }
                case Behaviour.Sequence seq -> b = program.step(seq);
                case Behaviour.RandomChoice rc -> b = program.step(rc);
                case Behaviour.Ok ok -> {
                    return Plan.NORMAL;
                }
                case Behaviour.HardLimited hl -> {
                    return new Plan(hl.unifiedStatus(), null, null, null, null);
                }
                case Behaviour.SlowDeltas sd -> {
                    return new Plan(null, sd.between(), null, null, null);
                }
                case Behaviour.Interrupt in -> {
                    return new Plan(null, null, in, null, null);
                }
                case Behaviour.InBandError ib -> {
                    return new Plan(null, null, null, ib, null);
                }
                case Behaviour.Bulk bulk -> {
                    return new Plan(null, bulk.between(), null, null, bulk);
                }
            }
        }
    }

    /** How a successful answer deviates from normal. */
    private record Plan(String hardStatus, Duration deltaDelay, Behaviour.Interrupt interrupt, Behaviour.InBandError inBand,
                        Behaviour.Bulk bulk) {
        static final Plan NORMAL = new Plan(null, null, null, null, null);
    }

    private void succeed(Exchange ex, Received r, Api api, Endpoint endpoint, Settings settings, Plan plan) {
        Settings s = plan.bulk() == null ? settings : settings.withFixedPiece("x".repeat(plan.bulk().bytesPerEvent()));
        long n = ids.incrementAndGet();
        long nowSec = clock.millis() / 1000;
        HttpFields.Mutable h = ex.response.getHeaders();
        LimitHeaders.write(h, api, s, nowSec, n, plan.hardStatus());

        JsonNode req = null;
        if (endpoint != Endpoint.MODELS) {
            try {
                req = Transcripts.JSON.readTree(r.body());
            } catch (IOException e) {
                req = null;
            }
            if (req == null || !req.isObject()) {
                fail(ex, api, new Behaviour.Fail(400, "invalid_request_error", -1, 0));
                return;
            }
        }
        String json;
        List<Transcripts.Frame> frames = null;
        switch (endpoint) {
            case MODELS -> json = api == Api.ANTHROPIC ? Transcripts.anthropicModels() : Transcripts.openAiModels();
            case COUNT_TOKENS -> json = "{\"input_tokens\":" + s.tokens().input() + "}";
            case MESSAGES -> {
                String model = req.path("model").asText("claude-sonnet-4-5");
                JsonNode tools = req.path("tools");
                String toolName = tools.isArray() && !tools.isEmpty() ? tools.get(0).path("name").asText("tool") : null;
                String id = "msg_fake" + n;
                json = Transcripts.anthropicMessage(id, model, s, toolName);
                if (req.path("stream").asBoolean(false)) frames = Transcripts.anthropicEvents(id, model, s, toolName);
            }
            case CHAT -> {
                String model = req.path("model").asText("gpt-5");
                String id = "chatcmpl-fake" + n;
                json = Transcripts.chatCompletion(id, model, nowSec, s);
                if (req.path("stream").asBoolean(false)) {
                    boolean usage = req.path("stream_options").path("include_usage").asBoolean(false);
                    frames = Transcripts.chatChunks(id, model, nowSec, s, usage);
                }
            }
            case RESPONSES -> {
                String model = req.path("model").asText("gpt-5");
                String id = "resp_fake" + n;
                json = Transcripts.response(id, model, nowSec, s);
                if (req.path("stream").asBoolean(false)) frames = Transcripts.responseEvents(id, model, nowSec, s);
            }
            default -> throw new IllegalStateException("unexpected endpoint " + endpoint);
        }
        ex.response.setStatus(200);
        if (frames == null) {
            h.put("content-type", "application/json");
            if (plan.interrupt() != null) {
                ex.write(json.substring(0, json.length() / 2));
                ex.kill(plan.interrupt().reset());
            } else if (plan.inBand() != null) {
                ex.finish(Transcripts.anthropicError(plan.inBand().errorType(), message(plan.inBand().errorType())));
            } else {
                ex.finish(json);
            }
            return;
        }
        h.put("content-type", "text/event-stream; charset=utf-8");
        h.put("cache-control", "no-cache");
        Duration delay = plan.deltaDelay() != null ? plan.deltaDelay() : s.stream().deltaDelay();
        ex.write(""); // headers go out before the first event, like the real APIs
        for (int i = 0; i < frames.size(); i++) {
            if (plan.interrupt() != null && i == plan.interrupt().afterEvents()) {
                ex.kill(plan.interrupt().reset());
                return;
            }
            if (plan.inBand() != null && i == plan.inBand().afterEvents()) {
                String type = plan.inBand().errorType();
                ex.finish(new Transcripts.Frame("error", Transcripts.anthropicError(type, message(type)), false).wire());
                return;
            }
            Transcripts.Frame f = frames.get(i);
            int repeat = f.delta() && plan.bulk() != null ? plan.bulk().events() : 1;
            byte[] wire = f.wire().getBytes(StandardCharsets.UTF_8);
            for (int k = 0; k < repeat; k++) {
                if (f.delta()) ex.pause(delay);
                ex.write(false, java.nio.ByteBuffer.wrap(wire));
            }
        }
        if (plan.interrupt() != null) {
            ex.kill(plan.interrupt().reset());
            return;
        }
        if (plan.inBand() != null) {
            String type = plan.inBand().errorType();
            ex.finish(new Transcripts.Frame("error", Transcripts.anthropicError(type, message(type)), false).wire());
            return;
        }
        ex.finish("");
    }

    private static String message(String errorType) {
        return switch (errorType) {
            case "rate_limit_error" -> "This request would exceed your account's rate limit. Please try again later.";
            case "overloaded_error" -> "Overloaded";
            case "api_error" -> "Internal server error";
            case "authentication_error" -> "invalid x-api-key";
            case "permission_error" -> "Your credentials do not permit this request.";
            case "not_found_error" -> "Not found";
            default -> "Fake upstream scripted " + errorType;
        };
    }

    private void fail(Exchange ex, Api api, Behaviour.Fail f) {
        long n = ids.incrementAndGet();
        long nowSec = clock.millis() / 1000;
        HttpFields.Mutable h = ex.response.getHeaders();
        ex.response.setStatus(f.status());
        h.put("content-type", "application/json");
        if (f.retryAfterSeconds() >= 0) h.put("retry-after", Long.toString(f.retryAfterSeconds()));
        boolean limited = f.status() == 429;
        long reset = f.resetEpochSeconds() > 0 ? f.resetEpochSeconds()
                : nowSec + Math.max(60, f.retryAfterSeconds());
        String body;
        switch (api) {
            case ANTHROPIC -> {
                h.put("request-id", "req_fake" + n);
                if (limited) {
                    h.put("anthropic-ratelimit-unified-status", "rate_limited");
                    if (f.resetEpochSeconds() > 0) h.put("anthropic-ratelimit-unified-reset", Long.toString(f.resetEpochSeconds()));
                }
                if (f.status() == 529 || f.status() >= 500) h.put("x-should-retry", "true");
                body = Transcripts.anthropicError(f.errorType(), message(f.errorType()));
            }
            case OPENAI -> {
                h.put("x-request-id", "req_fake" + n);
                if (limited) {
                    h.put("x-ratelimit-limit-requests", "10000");
                    h.put("x-ratelimit-remaining-requests", "0");
                    h.put("x-ratelimit-reset-requests", Math.max(0, reset - nowSec) + "s");
                    body = Transcripts.openAiError("requests", "rate_limit_exceeded", "Rate limit reached for requests");
                } else {
                    body = Transcripts.openAiError(f.status() >= 500 ? "server_error" : "invalid_request_error",
                            f.errorType(), message(f.errorType()));
                }
            }
            case CODEX -> {
                h.put("x-request-id", "req_fake" + n);
                if (limited) {
                    h.put("x-codex-primary-used-percent", "100");
                    h.put("x-codex-primary-window-minutes", "300");
                    h.put("x-codex-primary-reset-at", Long.toString(reset));
                    h.put("x-codex-primary-reset-after-seconds", Long.toString(Math.max(0, reset - nowSec)));
                    body = Transcripts.write(Transcripts.JSON.createObjectNode().set("error",
                            Transcripts.JSON.createObjectNode().put("type", "usage_limit_reached")
                                    .put("message", "The usage limit has been reached").put("plan_type", "pro")
                                    .put("resets_at", reset).put("resets_in_seconds", Math.max(0, reset - nowSec))));
                } else {
                    body = Transcripts.openAiError(f.status() >= 500 ? "server_error" : "invalid_request_error",
                            f.errorType(), message(f.errorType()));
                }
            }
            case OAUTH -> {
                String error = switch (f.status()) {
                    case 400 -> "invalid_grant";
                    case 401 -> "invalid_client";
                    case 429 -> "rate_limit_exceeded";
                    default -> f.status() >= 500 ? "server_error" : "invalid_request";
                };
                body = Transcripts.write(Transcripts.JSON.createObjectNode().put("error", error)
                        .put("error_description", message(f.errorType())));
            }
            default -> throw new IllegalStateException("unknown api " + api);
        }
        ex.finish(body);
    }
}

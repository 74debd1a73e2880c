package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.AccountRegistry;
import ccflare.core.Config;
import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.RequestRecord;
import ccflare.core.TokenSource;
import ccflare.providers.Pricing;
import ccflare.providers.ProviderAdapter;
import ccflare.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty server on 127.0.0.1:0 hosting the proxy handler, pointed at an {@link Upstream}. */
final class ProxyHarness implements AutoCloseable {

    /** How the proxy ends an SSE stream whose upstream connection was cut after commit. */
    static final String SSE_RESET_TAIL = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
            + "\"message\":\"upstream connection reset\"}}\n\n";

    static final long T0 = 1_800_000_000_000L;

    final ManualClock clock = new ManualClock(T0);
    final InMemoryAccountStore store = new InMemoryAccountStore();
    final AccountRegistry accounts = new AccountRegistry(store, clock);
    final CapturingLog log = new CapturingLog();
    final Proxy proxy;
    final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** USD: one micro-dollar per input token, two per output token. */
    static final Pricing PRICING = (model, usage) -> (usage.inputTokens() + 2.0 * usage.outputTokens()) / 1_000_000;

    ProxyHarness(Config.Proxy config, boolean capture) throws Exception { this(config, capture, null, FakeAdapter::of); }

    /**
     * @param tokens   makes the proxy's token source from this harness (its registry and clock);
     *                 null for the 7-argument constructor (stored credentials)
     * @param adapters the provider adapters
     */
    ProxyHarness(Config.Proxy config, boolean capture, Function<ProxyHarness, TokenSource> tokens,
                 Function<ProviderKind, ProviderAdapter> adapters) throws Exception {
        Config.Recording recording = new Config.Recording(capture, 64, 7, 365, null);
        this.proxy = tokens == null ? new Proxy(config, recording, accounts, log, PRICING, adapters, clock)
                : new Proxy(config, recording, accounts, tokens.apply(this), log, PRICING, adapters, clock);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(proxy.handler());
        server.start();
    }

    ProxyHarness(String upstreamUrl) throws Exception { this(config(upstreamUrl).build(), false); }

    static ConfigBuilder config(String upstreamUrl) { return new ConfigBuilder(upstreamUrl); }

    /** Config.Proxy with test-sized values; change what a test needs. */
    static final class ConfigBuilder {
        final Map<ProviderKind, String> baseUrls = new EnumMap<>(ProviderKind.class);
        int retryAttempts = 2;
        int maxAttempts = 6;
        long maxBody = 1 << 20;
        int maxInFlight = 100;
        Duration firstByte = Duration.ofSeconds(3);
        Duration streamIdle = Duration.ofSeconds(3);
        Duration retryDelay = Duration.ofMillis(10);

        ConfigBuilder(String url) {
            baseUrls.put(ProviderKind.ANTHROPIC, url);
            baseUrls.put(ProviderKind.CLAUDE_CODE, url);
            baseUrls.put(ProviderKind.OPENAI, url + "/v1");
            baseUrls.put(ProviderKind.CODEX, url + "/backend-api/codex");
        }

        Config.Proxy build() {
            return new Config.Proxy(baseUrls, Duration.ofHours(5), retryAttempts, retryDelay, 2.0, maxAttempts, maxBody,
                    8192, maxInFlight, Duration.ofSeconds(1), firstByte, streamIdle);
        }
    }

    String url(String pathAndQuery) { return "http://127.0.0.1:" + connector.getLocalPort() + pathAndQuery; }

    int port() { return connector.getLocalPort(); }

    /** A raw HTTP/1.1 {@code POST /v1/messages} on a socket of its own, so a test can cut the connection itself. */
    Socket rawPost(String json) throws IOException {
        Socket s = new Socket("127.0.0.1", port());
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return s;
    }

    /**
     * Posts {@code json} raw, reads at least {@code bytes} of the response, then drops the
     * connection with a reset (linger 0), like a client killed mid-stream.
     *
     * @return {@link System#nanoTime} of the reset
     */
    long postReadThenReset(String json, int bytes) throws IOException {
        try (Socket s = rawPost(json)) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[512];
            int total = 0;
            while (total < bytes) total += Math.max(0, in.read(buf));
            s.setSoLinger(true, 0);
            return System.nanoTime();
        }
    }

    String apiKeyAccount(String name, int priority) {
        return accounts.add(name, name, ProviderKind.ANTHROPIC, priority, "", new Credentials.ApiKey("key-" + name)).id();
    }

    String oauthAccount(String name, int priority) {
        return accounts.add(name, name, ProviderKind.CLAUDE_CODE, priority, "",
                new Credentials.OAuthTokens("tok-" + name, "refresh-" + name, T0 + 3_600_000)).id();
    }

    /**
     * The next recorded request, asserted to have been served by {@code accountId} after exactly
     * {@code attempts} upstream attempts and {@code failovers} account switches.
     */
    RequestRecord nextServedBy(String accountId, int attempts, int failovers) throws InterruptedException {
        RequestRecord rec = log.next();
        assertThat(rec.accountId()).isEqualTo(accountId);
        assertThat(rec.attempts()).isEqualTo(attempts);
        assertThat(rec.failovers()).isEqualTo(failovers);
        return rec;
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override public void close() throws Exception {
        server.stop();
        http.close();
    }
}

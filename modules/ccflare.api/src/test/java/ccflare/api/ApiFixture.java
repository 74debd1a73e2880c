package ccflare.api;

import ccflare.core.AccountRegistry;
import ccflare.testing.ManualClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The API served by a real Jetty on 127.0.0.1:0 and on a Unix socket, over fake stores.
 * Paths that the API declines reach a fallback handler answering 418, so tests see that it declined.
 * Every response body is kept, so a test can check none ever carried a secret.
 */
final class ApiFixture implements AutoCloseable {

    static final String TOKEN = "test-admin-token-0123456789";
    static final long T0 = java.time.Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

    final ManualClock clock = new ManualClock(T0);
    final FakeAccountStore store = new FakeAccountStore();
    final AccountRegistry accounts;
    final FakeRequestQueries queries = new FakeRequestQueries();
    final FakeDaemon daemon = new FakeDaemon(T0 - 90_000);
    /** Small queues and a short keep-alive, so tests see both without publishing much or waiting long. */
    final LiveFeed live = new LiveFeed(LiveFeed.HISTORY_SIZE, 64, java.time.Duration.ofMillis(300));
    final Api api;
    final List<String> bodies = new CopyOnWriteArrayList<>();
    private final Server server;
    private final ServerConnector tcp;
    final Path socket;

    ApiFixture(Path dir) throws Exception {
        this(dir, null);
    }

    /** @param signIn the OAuth sign-in behind /api/auth/**, built over the fixture's registry and clock; null for none */
    ApiFixture(Path dir, java.util.function.BiFunction<AccountRegistry, ManualClock, ccflare.core.OAuthFlows> signIn)
            throws Exception {
        this(dir, signIn, StaticAssets.fromModule(Api.class.getModule()));
    }

    /** @param assets the dashboard's files, served by {@link Api#dashboardHandler()} after the API */
    ApiFixture(Path dir, java.util.function.BiFunction<AccountRegistry, ManualClock, ccflare.core.OAuthFlows> signIn,
               StaticAssets assets) throws Exception {
        accounts = new AccountRegistry(store, clock);
        api = new Api(new ApiContext(accounts, queries, daemon, daemon, TOKEN, clock,
                signIn == null ? new UnconfiguredSignIn() : signIn.apply(accounts, clock), live), assets,
                Metrics.builder(accounts, clock).liveFeed(live).build());
        server = new Server();
        tcp = new ServerConnector(server, new HttpConnectionFactory());
        tcp.setHost("127.0.0.1");
        tcp.setPort(0);
        UnixDomainServerConnector unix = new UnixDomainServerConnector(server, new HttpConnectionFactory());
        socket = dir.resolve("api.sock");
        unix.setUnixDomainPath(socket);
        server.addConnector(tcp);
        server.addConnector(unix);
        server.setHandler(new Handler.Sequence(api.handler(), api.dashboardHandler(), new Handler.Abstract() {
            @Override public boolean handle(org.eclipse.jetty.server.Request request, Response response, Callback callback) {
                response.setStatus(418);
                callback.succeeded();
                return true;
            }
        }));
        server.start();
    }

    int port() { return tcp.getLocalPort(); }

    String host() { return "127.0.0.1:" + port(); }

    /** A TCP request with a loopback Host and the admin token. */
    RawHttp.Reply call(String method, String target, String jsonBody) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Host: " + host(), "Authorization: Bearer " + TOKEN));
        if (jsonBody != null) headers.add("Content-Type: application/json");
        return keep(RawHttp.tcp(port(), RawHttp.request(method, target, headers, jsonBody)));
    }

    RawHttp.Reply get(String target) throws Exception { return call("GET", target, null); }

    RawHttp.Reply post(String target, String json) throws Exception { return call("POST", target, json); }

    RawHttp.Reply patch(String target, String json) throws Exception { return call("PATCH", target, json); }

    RawHttp.Reply delete(String target) throws Exception { return call("DELETE", target, null); }

    /** A TCP request with exactly these header lines. */
    RawHttp.Reply tcp(String method, String target, List<String> headers, String body) throws Exception {
        return keep(RawHttp.tcp(port(), RawHttp.request(method, target, headers, body)));
    }

    /** A request over the Unix socket with exactly these header lines (no token). */
    RawHttp.Reply unix(String method, String target, List<String> headers, String body) throws Exception {
        return keep(RawHttp.unix(socket, RawHttp.request(method, target, headers, body)));
    }

    private RawHttp.Reply keep(RawHttp.Reply r) {
        bodies.add(r.body());
        r.headers().values().forEach(v -> bodies.add(String.join("\n", v)));
        return r;
    }

    @Override public void close() throws Exception {
        live.close();
        server.stop();
    }
}

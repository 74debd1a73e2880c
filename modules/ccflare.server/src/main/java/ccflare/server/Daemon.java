package ccflare.server;

import static java.util.Objects.requireNonNull;

import ccflare.api.Api;
import ccflare.api.ApiContext;
import ccflare.api.LiveFeed;
import ccflare.api.Metrics;
import ccflare.core.AccountRegistry;
import ccflare.core.CcflareException;
import ccflare.core.ClientKeys;
import ccflare.core.Config;
import ccflare.core.RequestLog;
import ccflare.core.Version;
import ccflare.db.Database;
import ccflare.db.NewerSchemaException;
import ccflare.providers.OAuth;
import ccflare.providers.Pricing;
import ccflare.providers.Providers;
import ccflare.proxy.Proxy;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.Graceful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: the composition root and its lifecycle. {@link #start} opens everything in
 * order (directories, admin token, pricing, database, accounts, proxy, API, HTTP listener,
 * maintenance) and undoes what it opened when a later step fails; {@link #stop} drains in-flight
 * requests and closes in reverse order.
 */
final class Daemon {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** Idle buffers the HTTP server's pool keeps for reuse, per kind (heap, direct). */
    static final long POOL_RETAINED_BYTES = 16L * 1024 * 1024;

    /**
     * The listening socket's accept queue. Jetty's default (0) leaves it to the JDK, which asks
     * for 50: a burst of new connections (2,000 streams opened at once in the bench) overflowed
     * it, the kernel dropped their SYNs, and those clients waited for TCP's retransmissions
     * (1 s, 3 s, 7 s … 31 s) before their request was even read. The kernel caps it at
     * {@code net.core.somaxconn} (4096 by default since Linux 5.4); nginx asks for 511.
     */
    static final int ACCEPT_QUEUE = 4096;

    private final Server server;
    private final ServerConnector connector;
    private final Database db;
    private final Proxy proxy;
    private final ScheduledExecutorService maintenance;
    private final Duration drainTimeout;
    private final AtomicBoolean stopped = new AtomicBoolean();
    // Set once by start(), before the daemon is handed out.
    private volatile LiveFeed live;
    private volatile Runnable detachLiveLog = () -> {};
    private volatile SystemdNotifier notifier = SystemdNotifier.NONE;

    private Daemon(Server server, ServerConnector connector, Database db, Proxy proxy, ScheduledExecutorService maintenance,
                   Duration drainTimeout) {
        this.server = server;
        this.connector = connector;
        this.db = db;
        this.proxy = proxy;
        this.maintenance = maintenance;
        this.drainTimeout = drainTimeout;
    }

    /**
     * Starts the daemon; it serves until {@link #stop()}.
     *
     * @throws StartupException with the one line to print and the exit code (2: configuration, such
     *                          as a port in use; 1: anything else, such as a corrupt database)
     */
    static Daemon start(LoadedConfig loaded, Map<String, String> env, InstantSource clock) {
        return start(loaded, env, clock, StartTimeline.sinceProcessStart());
    }

    /** As {@link #start(LoadedConfig, Map, InstantSource)}, marking its steps on {@code timeline}, which it logs once listening. */
    static Daemon start(LoadedConfig loaded, Map<String, String> env, InstantSource clock, StartTimeline timeline) {
        requireNonNull(loaded, "loaded");
        requireNonNull(timeline, "timeline");
        requireNonNull(env, "env");
        requireNonNull(clock, "clock");
        Config config = loaded.config();
        Path dbFile = config.storage().dbPath();
        Path dir = dbFile.getParent();
        // The bundled price table (Jackson's first mapper and a JSON parse) loads on another core
        // while this thread opens the database and wires the modules (Main starts the TLS set-up
        // the same way). A pricing file given by the operator is read here, before anything
        // opens: bad configuration still fails fast.
        Path pricingFile = config.recording().pricingFile();
        FutureTask<Pricing> pricingLoad = pricingFile == null ? Threads.ahead("ccflare-pricing", Pricing::bundled) : null;
        Pricing pricingOverride = pricingFile == null ? null : pricing(pricingFile);
        createPrivateDirectory(dir);
        nativeLibraryDirectory(dir);
        AdminSocket socket = AdminSocket.prepare(config.server().socketPath(), loaded.values().find(ConfigKeys.ADMIN_GROUP));
        AdminToken token = AdminToken.resolve(config.server().adminToken(),
                SystemdCredentials.find(env, SystemdCredentials.ADMIN_TOKEN), dir, new SecureRandom());

        CredentialKey key = CredentialKey.open(loaded.get(ConfigKeys.KEY_FILE), env);
        timeline.mark("files");
        Database db;
        try {
            db = Database.open(dbFile, clock, Threads.databaseWriter(), key.box());
        } catch (NewerSchemaException e) {
            // A downgrade: restarting cannot help, so the exit code of bad configuration.
            throw new StartupException(2, "ccflare: " + flat(e.getMessage()), e);
        } catch (CcflareException e) {
            throw new StartupException(1, "ccflare: cannot open the database: " + flat(e.getMessage()), e);
        }
        ClientKeys clientKeys;
        try {
            clientKeys = new ClientKeys(db.clientKeys(), new SecureRandom());
        } catch (CcflareException e) {
            db.close();
            throw new StartupException(1, "ccflare: cannot read the client keys: " + flat(e.getMessage()), e);
        }
        String host = config.server().host();
        var openBind = OpenBind.problem(host, OpenBind.exposed(host), clientKeys.required(),
                loaded.get(ConfigKeys.ALLOW_OPEN_BIND));
        if (openBind.isPresent()) {
            db.close();
            throw new StartupException(2, openBind.get(), null);
        }
        db.limitPayloads(loaded.get(ConfigKeys.PAYLOAD_STORE_MAX_MB) * 1024L * 1024L);
        timeline.mark("database");
        ScheduledExecutorService maintenance = null;
        Server server = null;
        Runnable detachLiveLog = () -> {};
        try {
            AccountRegistry accounts = new AccountRegistry(db.accounts(), clock);
            LiveFeed live = new LiveFeed();
            detachLiveLog = LiveLog.attach(live);
            // The proxy is built after the metrics: in-flight is read through this holder at scrape time.
            AtomicReference<Proxy> proxyRef = new AtomicReference<>();
            Metrics metrics = Metrics.builder(accounts, clock)
                    .inFlight(() -> { Proxy p = proxyRef.get(); return p == null ? 0 : p.inFlight(); })
                    .writer(() -> writerFigures(db.writerStats()))
                    .liveFeed(live)
                    .jvm()
                    .build();
            RequestLog requestLog = LiveLog.tee(db.requestLog(), metrics, live);
            timeline.mark("metrics");
            Pricing pricing = pricingOverride != null ? pricingOverride : join(pricingLoad);
            // One JDK client for the OAuth token endpoints: sign-in and refresh share its connections.
            // Built on first use: its TLS set-up (the CA store) is costly and most starts never need it.
            java.net.http.HttpClient oauthHttp = new DeferredHttpClient(OAuth::httpClient);
            Proxy proxy = new Proxy(config.proxy(), config.recording(), accounts,
                    OAuth.tokens(config.oauth(), accounts, clock, oauthHttp), requestLog, pricing,
                    Providers::adapter, clock, config.server().hostPolicy(), clientKeys);
            proxyRef.set(proxy);
            timeline.mark("proxy");
            LiveSettings settings = new LiveSettings(loaded, env, LogOutput::setLevel);
            DaemonState state = new DaemonState(db, settings, key, proxy::inFlight, clock, accounts, env,
                    config.recording().payloadMaxBytes());
            Api api = new Api(new ApiContext(accounts, db.queries(), settings, state, token.value(), clock,
                    OAuth.flows(config.oauth(), accounts, clock, oauthHttp), live, config.server().hostPolicy(), clientKeys),
                    metrics);
            timeline.mark("api");

            Executor virtualThreads = Threads.virtual();
            // Heap buffers in a pool that keeps at most 16 MiB idle per kind: Jetty's default pool
            // keeps pooled direct buffers up to an eighth of the heap, RSS that a burst of 2,000
            // streams raised by ~160 MiB for good (their memory returns only at a full GC).
            server = new Server(Threads.http(virtualThreads), null,
                    new ArrayByteBufferPool(0, -1, -1, -1, POOL_RETAINED_BYTES, POOL_RETAINED_BYTES));
            ServerConnector connector = connector(server, config);
            server.setHandler(new GracefulHandler(new Dispatch(proxy.handler(), api.handler(), api.dashboardHandler(),
                    new NotFoundHandler(), virtualThreads, config.proxy().maxBodyBytes())));
            socket.attach(server, connector);
            // Outermost, after the peer check wraps the rest: it must see every parsed request.
            HeadDeadline headDeadline = new HeadDeadline(server.getHandler(), server.getScheduler(), HeadDeadline.DEFAULT);
            server.setHandler(headDeadline);
            Connection.Listener deadlines = headDeadline.connectionListener();
            for (var c : server.getConnectors()) c.addEventListener(deadlines);
            server.setErrorHandler(errorHandler());
            // SIGTERM lets in-flight requests finish for up to the drain timeout (GracefulHandler
            // counts them); the connector stops accepting first.
            server.setStopTimeout(config.server().drainTimeout().toMillis());
            server.setStopAtShutdown(false);
            timeline.mark("server");
            listen(connector, config);
            server.start();
            timeline.mark("listen");
            settings.listeningOn(connector.getLocalPort());
            state.listeningAt(browserUri(config.server().host(), connector.getLocalPort()));
            socket.started();

            maintenance = Threads.maintenance();
            state.schedule(maintenance);
            Daemon daemon = new Daemon(server, connector, db, proxy, maintenance, config.server().drainTimeout());
            daemon.live = live;
            daemon.detachLiveLog = detachLiveLog;
            if (token.origin() == AdminToken.Origin.GENERATED) LOG.info("Generated the admin token in {}", dir.resolve(AdminToken.FILE_NAME));
            if (token.origin() == AdminToken.Origin.CREDENTIAL) LOG.info("Admin token from the systemd credential {}", SystemdCredentials.ADMIN_TOKEN);
            LOG.info("ccflare {} listening on {} (database {}, {} accounts)", Version.current(), daemon.uri(), dbFile,
                    accounts.size());
            timeline.mark("after");
            LOG.info("Start-up: {}", timeline.line());
            // Last: READY=1 promises the port, the admin socket and the database are all up.
            Server running = server;
            daemon.notifier = SystemdNotifier.start(env,
                    new DaemonHealth(db, () -> running.isRunning() && connector.isOpen() && connector.isAccepting(), clock),
                    () -> {
                        Database.Health h = db.health();
                        return new SystemdNotices.Snapshot(daemon.uri(), accounts.size(), h.written() + h.dropped() + h.queued(),
                                proxy.inFlight());
                    });
            return daemon;
        } catch (StartupException e) {
            detachLiveLog.run();
            undo(server, maintenance, db);
            throw e;
        } catch (Exception e) {
            detachLiveLog.run();
            undo(server, maintenance, db);
            throw new StartupException(1, "ccflare: start-up failed: " + flat(String.valueOf(e.getMessage())), e);
        }
    }

    private static Metrics.WriterFigures writerFigures(Database.WriterStats s) {
        return new Metrics.WriterFigures(s.queued(), s.dropped(), s.shed(), s.commits(), s.commitNanos());
    }

    /** The URL of the TCP listener, with the port actually bound. */
    URI uri() {
        String host = connector.getHost();
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + shown + ":" + connector.getLocalPort());
    }

    int port() { return connector.getLocalPort(); }

    /** The accept queue the listening socket was bound with. */
    int acceptQueue() { return connector.getAcceptQueueSize(); }

    /**
     * The base URL a browser on this machine opens: the bound host, except that a wildcard bind
     * ({@code 0.0.0.0}, {@code ::}) is reached through {@code 127.0.0.1}, the name the Host check
     * admits; an IPv6 literal in brackets.
     */
    static URI browserUri(String host, int port) {
        String h = host == null ? "" : host.trim();
        if (h.isEmpty() || h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.equals("0:0:0:0:0:0:0:0")) h = "127.0.0.1";
        if (h.contains(":") && !h.startsWith("[")) h = "[" + h + "]";
        return URI.create("http://" + h + ":" + port + "/");
    }

    /**
     * Stops accepting connections, lets in-flight requests finish for up to the drain timeout,
     * then stops the maintenance thread and closes the database (which commits what is queued and
     * checkpoints). Idempotent; safe from a signal handler thread and a shutdown hook at once.
     */
    void stop() {
        if (!stopped.compareAndSet(false, true)) return;
        LOG.info("Stopping: {} requests in flight, waiting up to {} s for them", proxy.inFlight(), drainTimeout.toSeconds());
        notifier.stopping(proxy.inFlight(), drainTimeout);
        // Live streams never end by themselves: close them first, or the graceful stop waits for them.
        if (live != null) live.close();
        drain();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("HTTP server did not stop cleanly: {}", e.toString());
        }
        maintenance.shutdownNow();
        try {
            if (!maintenance.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("Maintenance job still running at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        db.close();
        notifier.close();
        LOG.info("Stopped");
        detachLiveLog.run();
    }

    /** After the drain time, how long the requests cut by us have to write their last words before connections close. */
    static final long CUT_GRACE_MS = 1_000;

    /**
     * The drain: no new connections, no new requests, in-flight ones finish for up to the drain
     * time. What still runs then is cut by the proxy with a sentence saying the daemon is stopping
     * (an SSE error event, or a 503), before the server closes the connections; otherwise closing
     * them would fail each stream as if its upstream had reset.
     */
    private void drain() {
        try {
            Graceful.shutdown(server).get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Drain time over: cutting {} requests still in flight", proxy.inFlight());
            proxy.cutInFlight();
            server.setStopTimeout(CUT_GRACE_MS);
        } catch (ExecutionException e) {
            LOG.warn("Drain failed: {}", String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ServerConnector connector(Server server, Config config) {
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(config.proxy().maxHeaderBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        HttpConnectionFactory factory = new HttpConnectionFactory(http);
        factory.setUseInputDirectByteBuffers(false);
        factory.setUseOutputDirectByteBuffers(false);
        // The connection resume after each response runs on the thread that completed it (see InlineResume).
        ServerConnector connector = new ServerConnector(server, new InlineResume(server.getThreadPool()), null, null, -1, -1, factory);
        connector.setHost(config.server().host());
        connector.setPort(config.server().port());
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        // The proxy enforces its own first-byte and stream-idle timeouts; the connection's idle
        // timeout must not cut a client that is correctly waiting for a slow upstream.
        long longest = Math.max(config.proxy().firstByteTimeout().toMillis(), config.proxy().streamIdleTimeout().toMillis());
        connector.setIdleTimeout(longest + 30_000);
        server.addConnector(connector);
        return connector;
    }

    /** Binds before the server starts, so a port in use is reported as such, not as a failed start. */
    private static void listen(ServerConnector connector, Config config) {
        String where = config.server().host() + ":" + config.server().port();
        try {
            connector.open();
        } catch (IOException e) {
            Throwable cause = e instanceof BindException ? e : e.getCause();
            if (cause instanceof BindException bind && String.valueOf(bind.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("in use")) {
                throw new StartupException(2, "ccflare: cannot listen on " + where + ": address already in use (set PORT or --port)", e);
            }
            String reason = cause == null ? e.getMessage() : cause.getMessage();
            if (cause instanceof UnresolvedAddressException) {
                // Its message is null: name what is wrong instead of printing "null".
                reason = "'" + config.server().host() + "' is not an address of this machine nor a name that resolves to one";
            }
            throw new StartupException(2, "ccflare: cannot listen on " + where + ": " + flat(String.valueOf(reason))
                    + " (set HOST or --host, PORT or --port)", e);
        }
    }

    /** Jetty's own errors (400 bad request line, 431 head too large…) as JSON rather than an HTML page. */
    private static ErrorHandler errorHandler() {
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setShowMessageInTitle(false);
        errors.setDefaultResponseMimeType("application/json");
        return errors;
    }

    /** The result of a task from {@link Threads#ahead}: waits for it, and fails as the work failed. */
    private static <T> T join(FutureTask<T> task) throws InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    private static Pricing pricing(Path file) {
        try {
            return Pricing.load(file);
        } catch (CcflareException e) {
            throw new StartupException(2, "ccflare: CCFLARE_PRICING_FILE=" + file + ": " + flat(e.getMessage())
                    + " (expected: a readable models.dev-shaped JSON file)", e);
        }
    }

    private static void createPrivateDirectory(Path dir) {
        if (Files.isDirectory(dir)) return;
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new StartupException(1, "ccflare: cannot create the data directory " + dir + ": "
                    + e.getClass().getSimpleName() + " (set CCFLARE_DB_PATH or --db to a writable place)", e);
        }
    }

    /**
     * sqlite-jdbc extracts its native library into {@code org.sqlite.tmpdir} (default {@code /tmp},
     * often mounted noexec, and private per service under systemd); a directory beside the
     * database is on the same, exec-capable file system as the data. It must exist beforehand.
     */
    private static void nativeLibraryDirectory(Path dir) {
        if (System.getProperty("org.sqlite.tmpdir") != null) return;
        Path nat = dir.resolve("native");
        createPrivateDirectory(nat);
        System.setProperty("org.sqlite.tmpdir", nat.toString());
    }

    private static void undo(Server server, ScheduledExecutorService maintenance, Database db) {
        if (maintenance != null) maintenance.shutdownNow();
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.debug("Stopping the half-started server failed", e);
            }
        }
        db.close();
    }

    private static String flat(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}

package ccflare.providers;

import ccflare.core.Html;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary HTTP listener on {@code 127.0.0.1:<port>} that receives the browser's OAuth redirect
 * ({@code GET /auth/callback?code=…&state=…}), hands it to a {@link Handler} and answers a small
 * HTML page. Every other path is answered 404, every other method 405. It answers one GET per
 * connection ({@code Connection: close}) and closes by itself as soon as no sign-in needs it.
 *
 * <p>The JDK's {@link HttpServer} does the HTTP; each exchange runs on its own virtual thread.
 */
final class LoopbackCallback {

    static final String PATH = "/auth/callback";
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackCallback.class);
    /** How often the watch loop wakes to ask whether it is still needed. */
    private static final int POLL_MS = 200;
    private static final int BACKLOG = 16;
    /**
     * How long closing waits for an exchange in progress, in seconds (the server's unit). The watch
     * loop does not ask while one is in progress (the exchange that completes the last sign-in is
     * what makes the listener unneeded, and its page must still reach the browser); this covers a
     * connection that arrives as the listener closes. With none in progress, closing does not wait.
     */
    private static final int CLOSE_GRACE_S = 1;

    /** What to show the browser. */
    record Page(int status, String title, String message) {}

    /** Turns the callback's query parameters into a page; blocks while the flow completes. */
    @FunctionalInterface
    interface Handler {
        Page callback(Map<String, String> query);
    }

    private final HttpServer server;
    private final ExecutorService exchanges;
    private final Handler handler;
    private final BooleanSupplier stillNeeded;
    private final int port;
    /** Released after every exchange, so the watch loop asks at once instead of at its next poll. */
    private final Semaphore answered = new Semaphore(0);
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private LoopbackCallback(HttpServer server, ExecutorService exchanges, Handler handler, BooleanSupplier stillNeeded) {
        this.server = server;
        this.exchanges = exchanges;
        this.handler = handler;
        this.stillNeeded = stillNeeded;
        this.port = server.getAddress().getPort();
    }

    /**
     * Binds {@code 127.0.0.1:port} (0 for any free port) and starts answering.
     *
     * @param stillNeeded asked after every exchange and every {@value #POLL_MS} ms while no exchange is in
     *                    progress; false closes the listener
     * @throws IOException when the port cannot be bound (typically it is in use)
     */
    static LoopbackCallback open(int port, Handler handler, BooleanSupplier stillNeeded) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
        ExecutorService exchanges = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("ccflare-oauth-callback-conn-", 0).factory());
        LoopbackCallback listener = new LoopbackCallback(server, exchanges, handler, stillNeeded);
        server.createContext("/", listener::serve); // "/" and not PATH: a context matches by prefix
        server.setExecutor(exchanges);
        server.start();
        Thread.ofVirtual().name("ccflare-oauth-callback-" + listener.port).start(listener::watch);
        return listener;
    }

    int port() { return port; }

    boolean running() { return !closed.get(); }

    /** Stops listening; an exchange in progress gets {@value #CLOSE_GRACE_S} s to finish. */
    void close() {
        if (!closed.compareAndSet(false, true)) return;
        server.stop(CLOSE_GRACE_S);
        exchanges.shutdown();
        answered.release(); // the watch loop ends now rather than at its next poll
        LOG.info("oauth callback listener on 127.0.0.1:{} closed", port);
    }

    private void watch() {
        LOG.info("oauth callback listener on 127.0.0.1:{} waiting for the browser", port);
        try {
            while (!closed.get()) {
                answered.tryAcquire(POLL_MS, TimeUnit.MILLISECONDS);
                answered.drainPermits();
                if (!closed.get() && inProgress.get() == 0 && !stillNeeded.getAsBoolean()) close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        inProgress.incrementAndGet();
        try {
            answer(exchange, route(exchange));
        } finally {
            exchange.close();
            inProgress.decrementAndGet();
            answered.release();
        }
    }

    private Page route(HttpExchange exchange) {
        if (!exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET");
            return new Page(405, "Method not allowed", "This address only answers GET.");
        }
        if (!exchange.getRequestURI().getRawPath().equals(PATH)) {
            return new Page(404, "Not found", "This address only receives the sign-in redirect.");
        }
        String rawQuery = exchange.getRequestURI().getRawQuery();
        try {
            return handler.callback(query(rawQuery == null ? "" : rawQuery));
        } catch (RuntimeException e) {
            LOG.warn("oauth callback listener: could not handle the browser's request", e);
            return new Page(500, "Sign-in not completed", "ccflare could not handle this sign-in. Start the sign-in again.");
        }
    }

    /** Query parameters, first value wins; undecodable ones are skipped. */
    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        int hash = raw.indexOf('#');
        if (hash >= 0) raw = raw.substring(0, hash);
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException e) {
                // a malformed %-escape: ignore that parameter
            }
        }
        return out;
    }

    private static void answer(HttpExchange exchange, Page page) throws IOException {
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>ccflare: " + Html.escape(page.title())
                + "</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\"><h1>"
                + Html.escape(page.title()) + "</h1><p>" + Html.escape(page.message()) + "</p></body></html>";
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/html; charset=utf-8");
        headers.set("Cache-Control", "no-store");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Connection", "close");
        boolean head = exchange.getRequestMethod().equals("HEAD"); // a HEAD answer carries no body
        exchange.sendResponseHeaders(page.status(), head ? -1 : body.length);
        if (head) return;
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}

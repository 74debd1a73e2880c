package ccflare.providers;

import ccflare.core.Html;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary HTTP listener on {@code 127.0.0.1:<port>} that receives the browser's OAuth redirect
 * ({@code GET /auth/callback?code=…&state=…}), hands it to a {@link Handler} and answers a small
 * HTML page. It answers one GET per connection and closes by itself as soon as no sign-in needs it.
 * A plain {@link ServerSocket}: one GET does not justify an HTTP server library here.
 */
final class LoopbackCallback {

    static final String PATH = "/auth/callback";
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackCallback.class);
    /** How often the accept loop wakes to ask whether it is still needed. */
    private static final int POLL_MS = 200;
    private static final int READ_TIMEOUT_MS = 5_000;
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    /** What to show the browser. */
    record Page(int status, String title, String message) {}

    /** Turns the callback's query parameters into a page; blocks while the flow completes. */
    @FunctionalInterface
    interface Handler {
        Page callback(Map<String, String> query);
    }

    private final ServerSocket server;
    private final Handler handler;
    private final BooleanSupplier stillNeeded;
    private volatile boolean closed;

    private LoopbackCallback(ServerSocket server, Handler handler, BooleanSupplier stillNeeded) {
        this.server = server;
        this.handler = handler;
        this.stillNeeded = stillNeeded;
    }

    /**
     * Binds {@code 127.0.0.1:port} (0 for any free port) and starts accepting.
     *
     * @param stillNeeded asked after every connection and every {@value #POLL_MS} ms; false closes the listener
     * @throws IOException when the port cannot be bound (typically it is in use)
     */
    static LoopbackCallback open(int port, Handler handler, BooleanSupplier stillNeeded) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
            server.setSoTimeout(POLL_MS);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        LoopbackCallback listener = new LoopbackCallback(server, handler, stillNeeded);
        Thread.ofVirtual().name("ccflare-oauth-callback-" + server.getLocalPort()).start(listener::acceptLoop);
        return listener;
    }

    int port() { return server.getLocalPort(); }

    boolean running() { return !closed; }

    void close() {
        if (closed) return;
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("oauth callback listener on port {} did not close cleanly", port(), e);
        }
        LOG.info("oauth callback listener on 127.0.0.1:{} closed", server.getLocalPort());
    }

    private void acceptLoop() {
        LOG.info("oauth callback listener on 127.0.0.1:{} waiting for the browser", server.getLocalPort());
        while (!closed) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("ccflare-oauth-callback-conn").start(() -> serve(s));
            } catch (SocketTimeoutException e) {
                // time to ask whether a sign-in still waits
            } catch (IOException e) {
                if (closed) break;
                LOG.debug("oauth callback listener: accept failed", e);
            }
            if (!closed && !stillNeeded.getAsBoolean()) close();
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            String requestLine = readHead(socket.getInputStream());
            Page page = route(requestLine);
            write(socket.getOutputStream(), page);
        } catch (IOException e) {
            LOG.debug("oauth callback listener: connection failed", e);
        } catch (RuntimeException e) {
            LOG.warn("oauth callback listener: could not handle the browser's request", e);
        }
    }

    private Page route(String requestLine) {
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/")) {
            return new Page(400, "Bad request", "This address only receives the sign-in redirect.");
        }
        if (!parts[0].equals("GET")) return new Page(405, "Method not allowed", "This address only answers GET.");
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        if (!path.equals(PATH)) return new Page(404, "Not found", "This address only receives the sign-in redirect.");
        return handler.callback(query(q < 0 ? "" : target.substring(q + 1)));
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

    /** Reads the request head and returns its first line; the headers are not needed. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
            if (head.size() > MAX_HEAD_BYTES) throw new IOException("request head over " + MAX_HEAD_BYTES + " bytes");
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int eol = text.indexOf("\r\n");
        return eol < 0 ? text.strip() : text.substring(0, eol);
    }

    private static void write(OutputStream out, Page page) throws IOException {
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>ccflare: " + Html.escape(page.title())
                + "</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\"><h1>"
                + Html.escape(page.title()) + "</h1><p>" + Html.escape(page.message()) + "</p></body></html>";
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + page.status() + " " + reason(page.status()) + "\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Cache-Control: no-store\r\n"
                + "Referrer-Policy: no-referrer\r\n"
                + "X-Content-Type-Options: nosniff\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 502 -> "Bad Gateway";
            default -> "Error";
        };
    }
}

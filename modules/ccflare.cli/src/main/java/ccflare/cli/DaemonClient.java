package ccflare.cli;

import static java.util.Objects.requireNonNull;

import ccflare.protocol.DaemonLocations;
import ccflare.protocol.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTP to the daemon over its Unix socket. Every call either returns a 2xx {@link Reply} or throws
 * a {@link Failure}: {@link ExitCode#UNREACHABLE} when nothing answers at the socket,
 * {@link ExitCode#FAILED} with the API's {@code error} message otherwise.
 */
final class DaemonClient implements AutoCloseable {

    /** Connecting to a local socket either works at once or not at all; a second is generous. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Plain calls; maintenance (compaction of a large database) may take longer. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    static final Duration MAINTENANCE_TIMEOUT = Duration.ofMinutes(10);
    /** Responses larger than this are refused rather than held in memory. */
    private static final int MAX_BODY = 64 * 1024 * 1024;

    /** A successful answer. */
    record Reply(int status, byte[] body) {
        /** The body as JSON; an empty body (204) reads as an empty object. */
        JsonNode tree() { return Json.tree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body); }
    }

    /** One server-sent event. */
    record Event(String name, String data) {}

    /** Receives events; return false to stop following. */
    @FunctionalInterface
    interface EventSink {
        boolean accept(Event event);
    }

    /** The places to try, in order; the first that answers is the socket. */
    private final List<Path> places;
    private Path socket;
    private HttpClient http;
    /** Set by {@link #close()}: a late call (a thread of the TUI, the warm-up) starts no new client. */
    private boolean closed;

    DaemonClient(Path socket) {
        this(List.of(requireNonNull(socket, "socket")));
    }

    /** @param places where the daemon may be listening, most likely first (see {@link DaemonLocations#socketCandidates}) */
    DaemonClient(List<Path> places) {
        if (places.isEmpty()) throw new IllegalArgumentException("places: [] (expected: at least one socket path)");
        this.places = List.copyOf(places);
        this.socket = places.size() == 1 ? places.getFirst() : null;
    }

    /** The socket in use: the first place that answered, else the first place to try. */
    Path socket() { return socket != null ? socket : places.getFirst(); }

    /** The first of {@code places} where something accepts a connection, when any does; nothing is sent. */
    static Optional<Path> firstAnswering(List<Path> places) {
        for (Path p : places) {
            if (refusal(p) == null) return Optional.of(p);
        }
        return Optional.empty();
    }

    Reply get(String path, String feature) { return call("GET", path, null, feature, CALL_TIMEOUT); }

    Reply post(String path, Object body, String feature) { return call("POST", path, body, feature, CALL_TIMEOUT); }

    Reply call(String method, String path, Object body, String feature) { return call(method, path, body, feature, CALL_TIMEOUT); }

    /**
     * Sends one request and reads the whole answer.
     *
     * @param body    serialised as JSON; null for none
     * @param feature what the endpoint does, for the message when the daemon does not have it
     */
    Reply call(String method, String path, Object body, String feature, Duration timeout) {
        Request request = newRequest(method, path, body);
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response response = awaitHead(listener, timeout);
        byte[] bytes;
        try (InputStream in = listener.getInputStream()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            throw Failure.failed("the connection to the daemon broke while reading its answer (" + e.getMessage() + ")");
        }
        if (bytes.length > MAX_BODY) throw Failure.failed("the daemon's answer is larger than " + MAX_BODY + " bytes");
        check(method, path, response.getStatus(), bytes, feature);
        return new Reply(response.getStatus(), bytes);
    }

    /**
     * Follows a server-sent-event stream until it ends, the sink returns false, or the thread is
     * interrupted. Lines are handled as they arrive.
     */
    void follow(String path, String feature, EventSink sink) {
        Request request = newRequest("GET", path, null).headers(h -> h.put("Accept", "text/event-stream"));
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response response = awaitHead(listener, CALL_TIMEOUT);
        try (InputStream in = listener.getInputStream();
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (response.getStatus() / 100 != 2) {
                check("GET", path, response.getStatus(), in.readNBytes(MAX_BODY), feature);
            }
            String event = null;
            StringBuilder data = null;
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data != null && !sink.accept(new Event(event == null ? "message" : event, data.toString()))) return;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    continue; // an SSE comment, used as a keep-alive
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) value = value.substring(1);
                    switch (field) {
                        case "event" -> event = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> { } // id, retry: nothing to do for a one-shot follower
                    }
                }
            }
        } catch (IOException e) {
            throw Failure.failed("the daemon closed the stream (" + e.getMessage() + ")");
        }
    }

    private Request newRequest(String method, String path, Object body) {
        HttpClient client = start();
        // The host name is not resolved: the transport connects to the socket. It only fills the Host header.
        Request request = client.newRequest("http://ccflare" + path).method(method).transport(new Transport.TCPUnix(socket()))
                .headers(h -> h.put("Accept", "application/json"));
        if (body != null) request.body(new BytesRequestContent("application/json", Json.write(body)));
        return request;
    }

    /**
     * Starts the HTTP client and connects once, ahead of the first call, so that the cost of both
     * can overlap other start-up work (the TUI builds its terminal meanwhile). Never throws: a
     * daemon that does not answer is reported by the first real call, as without it.
     */
    void warm() {
        try {
            start();
        } catch (Failure e) {
            // reported by the first call
        }
    }

    private synchronized HttpClient start() {
        if (http != null) return http;
        if (closed) throw Failure.failed("the connection to the daemon is closed (ccflarectl is ending)");
        probe();
        // TLS never runs over the admin socket; skipping the SSL context saves half a second of start-up.
        ClientConnector connector = new ClientConnector() {
            @Override
            protected SslContextFactory.Client newSslContextFactory() { return null; }
        };
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        client.setName("ccflarectl-http");
        try {
            client.start();
        } catch (Exception e) {
            throw Failure.failed("could not start the HTTP client: " + e);
        }
        http = client;
        return client;
    }

    /**
     * Connects once with the JDK before starting Jetty's client, whose cold start costs most of a
     * second: the usual failure (daemon not running) is then reported at once and named precisely.
     * With several places to try, the first that accepts is the socket from then on; when none
     * does, the failure lists each place with its reason. The daemon sees one extra connection
     * that closes without a request.
     */
    private void probe() {
        Map<Path, String> tried = new LinkedHashMap<>();
        for (Path place : places) {
            String reason = refusal(place);
            if (reason == null) {
                socket = place;
                return;
            }
            tried.put(place, reason);
        }
        if (tried.size() == 1) throw unreachable(places.getFirst(), tried.values().iterator().next(), null);
        StringBuilder s = new StringBuilder("ccflarectl: no ccflare daemon answers at any of the places tried:");
        tried.forEach((place, reason) -> s.append("\n  ").append(place).append("  (").append(reason).append(')'));
        s.append("\n").append(HINT);
        throw Failure.unreachable(s.toString(), null);
    }

    /** Why nothing answers at {@code place}, or null when something accepted a connection there. */
    private static String refusal(Path place) {
        if (Files.notExists(place)) return "socket missing";
        if (!Files.exists(place)) return "permission denied"; // existence cannot be determined
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Non-blocking, so a daemon whose accept backlog is full cannot stall us here.
            ch.configureBlocking(false);
            ch.connect(UnixDomainSocketAddress.of(place));
            return null;
        } catch (IOException e) {
            String reason = reason(e);
            return reason != null ? reason : "cannot connect: " + e.getMessage();
        }
    }

    private Response awaitHead(InputStreamResponseListener listener, Duration timeout) {
        try {
            return listener.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failure.failed("interrupted while waiting for the daemon");
        } catch (TimeoutException e) {
            throw Failure.failed("the daemon at " + socket() + " did not answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw connectFailure(e.getCause() == null ? e : e.getCause());
        }
    }

    private Failure connectFailure(Throwable cause) {
        String reason = reason(cause);
        if (reason != null) return unreachable(socket(), reason, cause);
        return Failure.failed("the request to the daemon at " + socket() + " failed (" + cause + ")");
    }

    /** The reason a connection failed, in the words of the unreachable sentence; null when it is not a connection failure. */
    private static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String msg = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof NoSuchFileException || msg.contains("no such file")) return "socket missing";
            if (t instanceof AccessDeniedException || msg.contains("permission denied")) return "permission denied";
            if (t instanceof ConnectException || msg.contains("connection refused")) return "connection refused";
            if (t instanceof SocketTimeoutException || msg.contains("connect timeout")) return "connection timed out";
        }
        return null;
    }

    /** What to do when no daemon answers. No systemd unit is named: a user unit is not shipped, and the system one is tried. */
    static final String HINT = "Start it with 'ccflare', or pass --socket.";

    private static Failure unreachable(Path place, String reason, Throwable cause) {
        return Failure.unreachable("ccflarectl: no ccflare daemon answers at " + place + " (" + reason + "). " + HINT, cause);
    }

    /** Throws the API's error for a non-2xx status. */
    private static void check(String method, String path, int status, byte[] body, String feature) {
        if (status / 100 == 2) return;
        String error = errorMessage(body);
        boolean noEndpoint = (status == 404 && (error == null || error.startsWith("no such endpoint")))
                || (status == 405 && (error == null || error.startsWith("method ")));
        if (noEndpoint) {
            throw Failure.failed("this daemon does not support " + feature + " (" + method + " " + pathOnly(path)
                    + " answered " + status + "); upgrade ccflare");
        }
        throw Failure.failed(error != null ? error : "the daemon answered HTTP " + status + " to " + method + " " + pathOnly(path));
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** The {@code error} field of an error body, or null when the body is not one. */
    static String errorMessage(byte[] body) {
        try {
            JsonNode node = Json.tree(body);
            JsonNode error = node.path("error");
            return error.isTextual() && !error.asText().isBlank() ? error.asText() : null;
        } catch (Json.BadJsonException e) {
            return null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (http == null) return;
        try {
            http.stop();
        } catch (Exception e) {
            // Nothing to report: the command has finished and the process is about to exit.
        }
        http = null;
    }
}

package ccflare.api;

import ccflare.core.AccountRegistry;
import ccflare.protocol.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * The live views: {@code /ws/logs} and {@code /ws/requests} (WebSocket), their server-sent-event
 * twins {@code /api/logs/stream} and {@code /api/requests/stream}, and {@code /api/logs/history}.
 * The routes answer a {@link Live} body, which {@link ApiHandler} hands back here to upgrade
 * the connection or start the event stream once the admin gate has passed.
 */
final class LiveEndpoints {

    static final int DEFAULT_WS_TAIL = 100;
    static final int DEFAULT_HISTORY = 100;

    /** A connection to turn into a live view; the body of a route's reply. */
    sealed interface Live {
        LiveFeed.Topic topic();

        int tail();
    }

    record WebSocket(LiveFeed.Topic topic, int tail) implements Live {}

    record EventStream(LiveFeed.Topic topic, int tail) implements Live {}

    private final LiveFeed feed;
    private final AccountRegistry accounts;

    LiveEndpoints(LiveFeed feed, AccountRegistry accounts) {
        this.feed = feed;
        this.accounts = accounts;
    }

    void register(Routes routes) {
        routes.add("GET", "/ws/logs", call -> Reply.ok(new WebSocket(LiveFeed.Topic.LOGS, tail(call, DEFAULT_WS_TAIL))))
              .add("GET", "/ws/requests", call -> Reply.ok(new WebSocket(LiveFeed.Topic.REQUESTS, 0)))
              .add("GET", "/api/logs/stream", call -> Reply.ok(new EventStream(LiveFeed.Topic.LOGS, tail(call, 0))))
              .add("GET", "/api/requests/stream", call -> Reply.ok(new EventStream(LiveFeed.Topic.REQUESTS, 0)))
              .add("GET", "/api/logs/history", this::history);
    }

    private Reply history(ApiCall call) {
        int limit = call.query("limit").map(v -> number("limit", v, 1)).orElse(DEFAULT_HISTORY);
        return Reply.ok(feed.logHistory(limit).stream().map(LiveEndpoints::logEntry).toList());
    }

    /** {@code ?tail=N}, 0..{@value LiveFeed#HISTORY_SIZE}. */
    private static int tail(ApiCall call, int dflt) {
        return call.query("tail").map(v -> number("tail", v, 0)).orElse(dflt);
    }

    private static int number(String param, String raw, int min) {
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= min && n <= LiveFeed.HISTORY_SIZE) return n;
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw ApiException.badRequest(param + ": '" + raw + "' (expected: an integer " + min + ".." + LiveFeed.HISTORY_SIZE + ")");
    }

    /**
     * Upgrades to a WebSocket; true when a response was sent (the upgrade, or Jetty's error for a
     * bad handshake), false when the request is no WebSocket handshake at all (nothing sent).
     */
    boolean upgrade(ServerWebSocketContainer container, WebSocket ws, Request request, Response response, Callback callback) {
        LiveSocket socket = new LiveSocket(feed, ws.topic(), ws.tail(), this::json);
        return container.upgrade((rq, rs, cb) -> socket, request, response, callback);
    }

    /** Starts a server-sent-event stream that lasts until the client leaves or the feed closes. */
    void stream(EventStream es, Request request, Response response, Callback callback) {
        response.setStatus(200);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("x-content-type-options", "nosniff");
        // A reverse proxy in front (nginx) would otherwise hold events back in its buffer.
        headers.put("x-accel-buffering", "no");
        LiveSubscriber s = feed.subscribe(es.topic(), es.tail(), new StreamSink(response, callback), this::json);
        request.addFailureListener(failure -> s.close());
    }

    /** The JSON of one event, as both transports send it. */
    String json(LiveEvent event) {
        return switch (event) {
            case LiveEvent.Log e -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", e.type());
                m.putAll(logEntry(e));
                yield Json.writeString(m);
            }
            case LiveEvent.Start e -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", e.type());
                m.put("id", e.id());
                m.put("ts", e.ts());
                m.put("method", e.method());
                m.put("path", e.path());
                yield Json.writeString(m);
            }
            case LiveEvent.Recorded e -> {
                // The summary's own fields, flattened after "type", exactly as GET /api/requests lists them.
                String summary = Json.writeString(Views.summary(e.record(), accounts));
                yield "{\"type\":\"" + e.type() + "\"," + summary.substring(1);
            }
        };
    }

    static Map<String, Object> logEntry(LiveEvent.Log e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ts", e.ts());
        m.put("level", e.level());
        m.put("logger", e.logger());
        m.put("msg", e.msg());
        return m;
    }

    /** Server-sent events on a response that stays open; every write waits for the previous one. */
    private static final class StreamSink implements LiveSubscriber.Sink {
        private static final byte[] KEEP_ALIVE = ": keepalive\n\n".getBytes(StandardCharsets.UTF_8);

        private final Response response;
        private final Callback callback;
        private final AtomicBoolean done = new AtomicBoolean();

        StreamSink(Response response, Callback callback) {
            this.response = response;
            this.callback = callback;
        }

        @Override
        public void open() throws Exception {
            send("connected", "{\"type\":\"connected\"}");
        }

        @Override
        public void send(String type, String json) throws Exception {
            // JSON from the codec has no raw newline, so one data: line carries it whole.
            write(("event: " + type + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void keepAlive() throws Exception { write(KEEP_ALIVE); }

        private void write(byte[] bytes) throws Exception {
            Callback.Completable written = new Callback.Completable();
            response.write(false, ByteBuffer.wrap(bytes), written);
            written.get();
        }

        @Override
        public void close(Throwable failure) {
            if (!done.compareAndSet(false, true)) return;
            if (failure == null) callback.succeeded();
            else callback.failed(failure);
        }
    }
}

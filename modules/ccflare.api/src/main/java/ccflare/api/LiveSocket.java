package ccflare.api;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * The server end of one {@code /ws/logs} or {@code /ws/requests} WebSocket: it subscribes to the
 * {@link LiveFeed} when the socket opens and leaves it when the socket closes. Messages from the
 * client are read (so pings and close frames work) and ignored.
 *
 * <p>Public only because Jetty binds {@link Session.Listener} methods through a public
 * {@code MethodHandles} lookup, which reaches public classes of exported packages only. It has
 * no public constructor: only the API creates it.
 */
public final class LiveSocket implements Session.Listener.AutoDemanding {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final LiveFeed feed;
    private final LiveFeed.Topic topic;
    private final int tail;
    private final Function<LiveEvent, String> format;
    private volatile LiveSubscriber subscriber;

    LiveSocket(LiveFeed feed, LiveFeed.Topic topic, int tail, Function<LiveEvent, String> format) {
        this.feed = feed;
        this.topic = topic;
        this.tail = tail;
        this.format = format;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        subscriber = feed.subscribe(topic, tail, new SessionSink(session), format);
    }

    @Override
    public void onWebSocketText(String message) {
        // Nothing a client says changes the feed.
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        stop();
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        stop();
    }

    private void stop() {
        LiveSubscriber s = subscriber;
        if (s != null) s.close();
    }

    /** Writes each event as one text message, waiting for it to be written (on the subscriber's thread). */
    private record SessionSink(Session session) implements LiveSubscriber.Sink {
        @Override
        public void send(String type, String json) throws Exception {
            CompletableFuture<Void> done = new CompletableFuture<>();
            session.sendText(json, Callback.from(() -> done.complete(null), done::completeExceptionally));
            done.get();
        }

        @Override
        public void keepAlive() throws Exception {
            CompletableFuture<Void> done = new CompletableFuture<>();
            session.sendPing(EMPTY.duplicate(), Callback.from(() -> done.complete(null), done::completeExceptionally));
            done.get();
        }

        @Override
        public void close(Throwable failure) {
            if (!session.isOpen()) return;
            if (failure == null) session.close(StatusCode.SHUTDOWN, "ccflare is stopping the feed", Callback.NOOP);
            else session.disconnect();
        }
    }
}

package ccflare.api;

import static java.util.Objects.requireNonNull;

import ccflare.core.RequestLog;
import ccflare.core.RequestRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The live views of the daemon: its log lines and its requests as they start and finish, for
 * {@code /ws/logs}, {@code /ws/requests}, {@code /api/logs/stream}, {@code /api/requests/stream}
 * and {@code /api/logs/history}.
 *
 * <p>Publishing ({@link #publishLog}, {@link #onStart}, {@link #onRecord}) never blocks and never
 * waits for a client: it does O(subscribers) constant work, offering the event to each
 * subscriber's bounded queue ({@value #QUEUE_CAPACITY} events). A subscriber that does not keep
 * up loses its oldest events, and is told how many before its next event; it never slows the
 * publisher nor grows memory. Each subscriber writes to its client on its own virtual thread.
 *
 * <p>The last {@value #HISTORY_SIZE} log lines are kept for {@code /api/logs/history} and for a
 * WebSocket's first lines. A log message longer than {@value #MAX_MESSAGE_CHARS} characters is
 * cut there. Nothing is kept of requests: their history is the database.
 *
 * <p>Thread-safe. The daemon creates one, hands it to {@link ApiContext}, registers it as the
 * request log's {@link RequestLog.Listener} and feeds {@link #publishLog} from its log appender.
 * Never log from inside those calls' callers in a way that calls back into this class
 * recursively; this class itself logs nothing on the publishing path.
 */
public final class LiveFeed implements RequestLog.Listener {

    /** How many log lines are kept. */
    public static final int HISTORY_SIZE = 1000;
    /** How many events one subscriber may have waiting before the oldest are dropped. */
    public static final int QUEUE_CAPACITY = 1024;
    /** Longer log messages are cut to this many characters. */
    public static final int MAX_MESSAGE_CHARS = 8192;
    /** How often an idle stream is sent a keep-alive (SSE comment, WebSocket ping). */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** What a subscriber follows. */
    enum Topic { LOGS, REQUESTS }

    private final int queueCapacity;
    private final long keepAliveNanos;
    private final AtomicReferenceArray<LiveEvent.Log> ring;
    private final AtomicLong nextSeq = new AtomicLong();
    private final CopyOnWriteArrayList<LiveSubscriber> logSubscribers = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<LiveSubscriber> requestSubscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong droppedLogs = new AtomicLong();
    private final AtomicLong droppedRequests = new AtomicLong();
    private volatile boolean closed;

    /** Keeps {@value #HISTORY_SIZE} log lines and gives every subscriber a queue of {@value #QUEUE_CAPACITY}. */
    public LiveFeed() {
        this(HISTORY_SIZE, QUEUE_CAPACITY, KEEP_ALIVE);
    }

    LiveFeed(int historySize, int queueCapacity, Duration keepAlive) {
        if (historySize < 1) throw new IllegalArgumentException("historySize: " + historySize + " (expected: >= 1)");
        if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("keepAlive: " + keepAlive + " (expected: > 0)");
        }
        this.ring = new AtomicReferenceArray<>(historySize);
        this.queueCapacity = queueCapacity;
        this.keepAliveNanos = keepAlive.toNanos();
    }

    /**
     * Publishes one log line: kept in the history and sent to every log subscriber. Never blocks
     * and never throws for any input; null parts become empty.
     *
     * @param ts epoch milliseconds of the event
     */
    public void publishLog(long ts, String level, String logger, String msg) {
        LiveEvent.Log e = new LiveEvent.Log(nextSeq.getAndIncrement(), ts, level == null ? "" : level,
                logger == null ? "" : logger, cut(msg));
        ring.set((int) (e.seq() % ring.length()), e);
        for (LiveSubscriber s : logSubscribers) s.offer(e);
    }

    /** A request the proxy accepted; sent to request subscribers as {@code start}. Never blocks. */
    @Override
    public void onStart(String requestId, long receivedAtMs, String method, String path) {
        if (requestSubscribers.isEmpty() || requestId == null) return;
        LiveEvent.Start e = new LiveEvent.Start(requestId, receivedAtMs, method == null ? "" : method,
                path == null ? "" : path);
        for (LiveSubscriber s : requestSubscribers) s.offer(e);
    }

    /** A finished request; sent to request subscribers as {@code summary} (without its payload). Never blocks. */
    @Override
    public void onRecord(RequestRecord record) {
        if (requestSubscribers.isEmpty() || record == null) return;
        LiveEvent.Recorded e = new LiveEvent.Recorded(record.payload() == null ? record : withoutPayload(record));
        for (LiveSubscriber s : requestSubscribers) s.offer(e);
    }

    /** Ends every subscription (their connections are closed); later subscriptions end at once. For daemon shutdown. */
    public void close() {
        closed = true;
        for (LiveSubscriber s : logSubscribers) s.close();
        for (LiveSubscriber s : requestSubscribers) s.close();
    }

    /** The newest {@code limit} log lines still kept, oldest first. */
    List<LiveEvent.Log> logHistory(int limit) {
        int n = Math.min(limit, ring.length());
        long end = nextSeq.get();
        List<LiveEvent.Log> out = new ArrayList<>(n);
        for (long seq = Math.max(0, end - n); seq < end; seq++) {
            LiveEvent.Log e = ring.get((int) (seq % ring.length()));
            // A slot may hold a newer line already, or not yet the one numbered seq; skip it then.
            if (e != null && e.seq() == seq) out.add(e);
        }
        return out;
    }

    /**
     * Subscribes a client. Log subscribers first get the newest {@code tail} kept lines. The
     * subscriber's thread is running when this returns.
     */
    LiveSubscriber subscribe(Topic topic, int tail, LiveSubscriber.Sink sink, Function<LiveEvent, String> format) {
        requireNonNull(topic, "topic");
        LiveSubscriber s = new LiveSubscriber(this, topic, queueCapacity, keepAliveNanos, sink, format);
        // Registered before the backlog is read, so no line falls between the two; duplicates are dropped by seq.
        list(topic).add(s);
        if (closed) s.close();
        s.start(topic == Topic.LOGS && tail > 0 ? logHistory(tail) : List.of());
        return s;
    }

    /**
     * Events of {@code topic} dropped since the feed was made, over every subscriber that has
     * ever followed it (a subscriber that fell behind loses its oldest events; see the class
     * comment). For {@code /metrics}.
     */
    public long dropped(String topic) {
        return switch (topic) {
            case "logs" -> droppedLogs.get();
            case "requests" -> droppedRequests.get();
            default -> throw new IllegalArgumentException("topic: " + topic + " (expected: logs or requests)");
        };
    }

    void countDropped(Topic topic) {
        (topic == Topic.LOGS ? droppedLogs : droppedRequests).incrementAndGet();
    }

    void unsubscribe(LiveSubscriber s) {
        list(s.topic()).remove(s);
    }

    /** Subscribers currently following {@code topic}. */
    int subscriberCount(Topic topic) { return list(topic).size(); }

    /** The subscribers following {@code topic}, live (for tests and diagnostics). */
    List<LiveSubscriber> subscribers(Topic topic) {
        return java.util.Collections.unmodifiableList(list(topic));
    }

    private CopyOnWriteArrayList<LiveSubscriber> list(Topic topic) {
        return topic == Topic.LOGS ? logSubscribers : requestSubscribers;
    }

    private static String cut(String msg) {
        if (msg == null) return "";
        if (msg.length() <= MAX_MESSAGE_CHARS) return msg;
        int end = MAX_MESSAGE_CHARS;
        if (Character.isHighSurrogate(msg.charAt(end - 1))) end--; // never split a character in two
        return msg.substring(0, end) + "… (" + (msg.length() - end) + " more characters)";
    }

    private static RequestRecord withoutPayload(RequestRecord r) {
        return r.withoutPayload();
    }
}

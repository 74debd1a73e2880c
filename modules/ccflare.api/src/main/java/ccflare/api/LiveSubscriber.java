package ccflare.api;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live client (a WebSocket or an SSE stream) of a {@link LiveFeed}. Publishers only
 * {@link #offer} into a bounded queue, which never blocks and never waits for the client: when
 * the queue is full the oldest event is dropped and counted. The subscriber's own virtual
 * thread drains the queue and writes to the client, blocking only itself; before the next event
 * after a loss it sends {@code {"type":"dropped","count":k}}.
 */
final class LiveSubscriber {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSubscriber.class);

    /** Where the subscriber's events go. Every method runs on the subscriber's thread and may block it. */
    interface Sink {
        /** Called once before any event (SSE sends {@code event: connected}). */
        default void open() throws Exception {}

        /** Writes one event and returns when it is written; throws when the client is gone. */
        void send(String type, String json) throws Exception;

        /** Writes something that keeps an idle connection open (an SSE comment, a WebSocket ping). */
        void keepAlive() throws Exception;

        /** Ends the connection; {@code failure} is why, or null when the feed or client ended it. Called once. */
        void close(Throwable failure);
    }

    private final LiveFeed feed;
    private final LiveFeed.Topic topic;
    private final int capacity;
    private final long keepAliveNanos;
    private final Sink sink;
    private final Function<LiveEvent, String> format;
    private final ConcurrentLinkedQueue<LiveEvent> queue = new ConcurrentLinkedQueue<>();
    /** Kept apart from the queue because ConcurrentLinkedQueue.size() walks the whole queue. */
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong droppedSinceReport = new AtomicLong();
    private final AtomicLong droppedTotal = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicBoolean parked = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Thread thread;
    private List<LiveEvent.Log> backlog = List.of();

    LiveSubscriber(LiveFeed feed, LiveFeed.Topic topic, int capacity, long keepAliveNanos, Sink sink,
                   Function<LiveEvent, String> format) {
        this.feed = feed;
        this.topic = topic;
        this.capacity = capacity;
        this.keepAliveNanos = keepAliveNanos;
        this.sink = sink;
        this.format = format;
    }

    LiveFeed.Topic topic() { return topic; }

    /**
     * Queues an event without ever blocking. When the queue is over capacity the oldest event is
     * removed and counted. Concurrent publishers may hold the queue one over capacity each for an
     * instant; a single publisher never sees it above capacity.
     */
    void offer(LiveEvent event) {
        if (closed) return;
        queue.offer(event);
        if (size.incrementAndGet() > capacity && queue.poll() != null) {
            size.decrementAndGet();
            droppedSinceReport.incrementAndGet();
            droppedTotal.incrementAndGet();
            feed.countDropped(topic);
        }
        if (parked.compareAndSet(true, false)) LockSupport.unpark(thread);
    }

    /** Events waiting to be written. */
    int queued() { return size.get(); }

    /** Events written to the client (backlog included, drop reports not). */
    long sent() { return sent.get(); }

    /** Events dropped because the client did not keep up, since it subscribed. */
    long dropped() { return droppedTotal.get(); }

    boolean isClosed() { return closed; }

    /** Asks the subscriber to stop; its thread closes the sink and leaves the feed. */
    void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    /** Sends {@code backlog} first (log lines from before the subscription), then starts the thread. */
    void start(List<LiveEvent.Log> backlog) {
        this.backlog = List.copyOf(backlog);
        thread = Thread.ofVirtual().name("live-" + topic.name().toLowerCase(java.util.Locale.ROOT)).start(this::run);
    }

    private void run() {
        Throwable failure = null;
        try {
            sink.open();
            // A line published while the subscription began can be both in the backlog and in the queue.
            Set<Long> sentFromBacklog = new HashSet<>();
            for (LiveEvent.Log e : backlog) {
                if (closed) break;
                sink.send(e.type(), format.apply(e));
                sent.incrementAndGet();
                sentFromBacklog.add(e.seq());
            }
            backlog = List.of();
            long lastWrite = System.nanoTime();
            while (!closed) {
                LiveEvent e = poll();
                if (e != null) {
                    if (e instanceof LiveEvent.Log log && !sentFromBacklog.isEmpty() && sentFromBacklog.remove(log.seq())) {
                        continue;
                    }
                    long lost = droppedSinceReport.getAndSet(0);
                    if (lost > 0) sink.send("dropped", "{\"type\":\"dropped\",\"count\":" + lost + "}");
                    sink.send(e.type(), format.apply(e));
                    sent.incrementAndGet();
                    lastWrite = System.nanoTime();
                    continue;
                }
                long idle = System.nanoTime() - lastWrite;
                if (idle >= keepAliveNanos) {
                    sink.keepAlive();
                    lastWrite = System.nanoTime();
                    continue;
                }
                parked.set(true);
                // Checked again after announcing the park, so an offer in between is never missed.
                if (queue.isEmpty() && !closed) LockSupport.parkNanos(this, keepAliveNanos - idle);
                parked.set(false);
            }
        } catch (InterruptedException e) {
            failure = e;
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            failure = e;
            // A client going away is ordinary; the message says enough at DEBUG.
            LOG.debug("live {} subscriber ended: {}", topic, e.toString());
        } finally {
            end(failure);
        }
    }

    private LiveEvent poll() {
        LiveEvent e = queue.poll();
        if (e != null) size.decrementAndGet();
        return e;
    }

    private void end(Throwable failure) {
        if (!ended.compareAndSet(false, true)) return;
        closed = true;
        feed.unsubscribe(this);
        queue.clear();
        size.set(0);
        try {
            sink.close(failure);
        } catch (RuntimeException e) {
            LOG.debug("live {} subscriber: closing failed: {}", topic, e.toString());
        }
    }
}

package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.core.Outcome;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class LiveFeedTest {

    static final Function<LiveEvent, String> NAME = e -> switch (e) {
        case LiveEvent.Log l -> "log:" + l.msg();
        case LiveEvent.Start s -> "start:" + s.id();
        case LiveEvent.Recorded r -> "summary:" + r.record().id() + (r.record().payload() == null ? "" : "+payload");
    };

    static RequestRecord record(String id, RequestRecord.Payload payload) {
        return new RequestRecord(id, ApiFixture.T0, "POST", "/v1/messages", "anthropic", "", "claude-sonnet-4-5", 200,
                Outcome.OK, 1, 0, 300, 310, 1500, 4, Usage.NONE, 0, -1, "", "", "", payload);
    }

    /** Records what a subscriber writes; a send can be held until the test lets it go. */
    static final class Sink implements LiveSubscriber.Sink {
        final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
        final AtomicInteger sendsStarted = new AtomicInteger();
        final AtomicInteger keepAlives = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicReference<Throwable> closedWith = new AtomicReference<>();
        volatile CountDownLatch hold;
        volatile boolean failSends;

        @Override public void send(String type, String json) throws Exception {
            sendsStarted.incrementAndGet();
            CountDownLatch h = hold;
            if (h != null) h.await();
            if (failSends) throw new IOException("client went away");
            sent.add(json);
        }

        @Override public void keepAlive() { keepAlives.incrementAndGet(); }

        @Override public void close(Throwable failure) {
            closedWith.set(failure);
            closed.countDown();
        }

        String next() throws InterruptedException {
            String s = sent.poll(5, TimeUnit.SECONDS);
            assertThat(s).as("a message within 5 s").isNotNull();
            return s;
        }

        List<String> next(int n) throws InterruptedException {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) out.add(next());
            return out;
        }
    }

    @Test
    void aStalledSubscriberNeverSlowsThePublisherKeepsItsQueueWithinCapacityAndLearnsWhatItLost() throws Exception {
        LiveFeed feed = new LiveFeed(100, 64, Duration.ofSeconds(30));
        Sink sink = new Sink();
        sink.hold = new CountDownLatch(1);
        LiveSubscriber s = feed.subscribe(LiveFeed.Topic.REQUESTS, 0, sink, NAME);
        feed.onRecord(record("r-0", null));
        awaitTrue(() -> sink.sendsStarted.get() == 1);

        // The subscriber's thread is now stuck writing r-0. Publishing must not wait for it.
        int maxQueued = 0;
        for (int i = 1; i <= 10_000; i++) {
            feed.onRecord(record("r-" + i, null));
            maxQueued = Math.max(maxQueued, s.queued());
        }
        assertThat(sink.sendsStarted.get()).as("still stuck in the first write").isEqualTo(1);
        assertThat(maxQueued).isEqualTo(64);
        assertThat(s.dropped()).isEqualTo(10_000 - 64);
        // Every record is accounted for: one being written, the queue full, the rest dropped and counted.
        assertThat(1 + s.queued() + s.dropped()).isEqualTo(10_001);
        // The feed's own total (what /metrics reports) is the subscribers' drops, per topic.
        assertThat(feed.dropped("requests")).isEqualTo(s.dropped());
        assertThat(feed.dropped("logs")).isZero();

        sink.hold.countDown();
        List<String> got = sink.next(2 + 64);
        assertThat(got.get(0)).isEqualTo("summary:r-0");
        assertThat(got.get(1)).isEqualTo("{\"type\":\"dropped\",\"count\":9936}");
        assertThat(got.get(2)).isEqualTo("summary:r-9937");
        assertThat(got.getLast()).isEqualTo("summary:r-10000");
        feed.onRecord(record("r-after", null));
        assertThat(sink.next()).as("no second drop report once caught up").isEqualTo("summary:r-after");
    }

    @Test
    void publishingFromManyThreadsDeliversOrCountsEveryEventAndBoundsTheQueue() throws Exception {
        LiveFeed feed = new LiveFeed(100, 32, Duration.ofSeconds(30));
        Sink sink = new Sink();
        LiveSubscriber s = feed.subscribe(LiveFeed.Topic.LOGS, 0, sink, NAME);
        AtomicInteger maxQueued = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2500; i++) {
                    feed.publishLog(i, "INFO", "t", id + "-" + i);
                    maxQueued.accumulateAndGet(s.queued(), Math::max);
                }
            }));
        }
        for (Thread t : threads) t.join();
        awaitTrue(() -> s.queued() == 0);
        long lines = sink.sent.stream().filter(m -> m.startsWith("log:")).count();
        long reported = sink.sent.stream().filter(m -> m.startsWith("{\"type\":\"dropped\""))
                .mapToLong(m -> Long.parseLong(m.replaceAll("\\D", ""))).sum();
        assertThat(lines + s.dropped()).isEqualTo(10_000);
        assertThat(reported).isEqualTo(s.dropped());
        assertThat(feed.dropped("logs")).isEqualTo(s.dropped());
        assertThat(maxQueued.get()).as("at most one over capacity per concurrent publisher").isLessThanOrEqualTo(32 + 4);
    }

    @Test
    void aNewLogSubscriberFirstGetsTheLastLinesThenNewOnes() throws Exception {
        LiveFeed feed = new LiveFeed(100, 64, Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) feed.publishLog(i, "INFO", "x", "line " + i);
        Sink sink = new Sink();
        feed.subscribe(LiveFeed.Topic.LOGS, 3, sink, NAME);
        assertThat(sink.next(3)).containsExactly("log:line 2", "log:line 3", "log:line 4");
        feed.publishLog(5, "WARN", "x", "line 5");
        assertThat(sink.next()).isEqualTo("log:line 5");
        assertThat(sink.sent).isEmpty();
    }

    @Test
    void requestSubscribersGetStartsAndRecordsWithoutPayloadsAndNoLogLines() throws Exception {
        LiveFeed feed = new LiveFeed(100, 64, Duration.ofSeconds(30));
        Sink sink = new Sink();
        feed.subscribe(LiveFeed.Topic.REQUESTS, 5, sink, NAME);
        feed.publishLog(1, "INFO", "x", "not for request subscribers");
        feed.onStart("r-1", ApiFixture.T0, "POST", "/v1/messages");
        feed.onRecord(record("r-1", new RequestRecord.Payload(List.of(Map.entry("a", "b")), new byte[1000],
                List.of(), new byte[1000], false, false)));
        assertThat(sink.next(2)).containsExactly("start:r-1", "summary:r-1");
        assertThat(sink.sent).isEmpty();
    }

    @Test
    void historyKeepsTheNewestLinesOldestFirst() {
        LiveFeed feed = new LiveFeed(10, 64, Duration.ofSeconds(30));
        for (int i = 0; i < 25; i++) feed.publishLog(1000 + i, "INFO", "x", "m" + i);
        assertThat(feed.logHistory(100)).extracting(LiveEvent.Log::msg)
                .containsExactly("m15", "m16", "m17", "m18", "m19", "m20", "m21", "m22", "m23", "m24");
        assertThat(feed.logHistory(2)).extracting(LiveEvent.Log::msg).containsExactly("m23", "m24");
        assertThat(new LiveFeed().logHistory(5)).isEmpty();
    }

    @Test
    void aLongMessageIsCutAndNullPartsBecomeEmpty() {
        LiveFeed feed = new LiveFeed();
        feed.publishLog(1, null, null, "x".repeat(LiveFeed.MAX_MESSAGE_CHARS + 10));
        feed.publishLog(2, "INFO", "x", null);
        List<LiveEvent.Log> h = feed.logHistory(2);
        assertThat(h.get(0).msg()).startsWith("x".repeat(LiveFeed.MAX_MESSAGE_CHARS)).endsWith("… (10 more characters)");
        assertThat(h.get(0).level()).isEmpty();
        assertThat(h.get(0).logger()).isEmpty();
        assertThat(h.get(1).msg()).isEmpty();
    }

    @Test
    void anIdleSubscriberIsSentKeepAlives() throws Exception {
        LiveFeed feed = new LiveFeed(10, 8, Duration.ofMillis(40));
        Sink sink = new Sink();
        feed.subscribe(LiveFeed.Topic.LOGS, 0, sink, NAME);
        awaitTrue(() -> sink.keepAlives.get() >= 2);
        assertThat(sink.sent).isEmpty();
    }

    @Test
    void aSubscriberWhoseClientIsGoneLeavesTheFeed() throws Exception {
        LiveFeed feed = new LiveFeed(10, 8, Duration.ofSeconds(30));
        Sink sink = new Sink();
        sink.failSends = true;
        feed.subscribe(LiveFeed.Topic.LOGS, 0, sink, NAME);
        assertThat(feed.subscriberCount(LiveFeed.Topic.LOGS)).isEqualTo(1);
        feed.publishLog(1, "INFO", "x", "m");
        assertThat(sink.closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(sink.closedWith.get()).hasMessage("client went away");
        assertThat(feed.subscriberCount(LiveFeed.Topic.LOGS)).isZero();
    }

    @Test
    void closingTheFeedEndsEverySubscriptionAndRefusesNewOnes() throws Exception {
        LiveFeed feed = new LiveFeed(10, 8, Duration.ofSeconds(30));
        Sink logs = new Sink();
        Sink requests = new Sink();
        feed.subscribe(LiveFeed.Topic.LOGS, 0, logs, NAME);
        feed.subscribe(LiveFeed.Topic.REQUESTS, 0, requests, NAME);
        feed.close();
        assertThat(logs.closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(requests.closed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(logs.closedWith.get()).isNull();
        Sink late = new Sink();
        feed.subscribe(LiveFeed.Topic.LOGS, 0, late, NAME);
        assertThat(late.closed.await(5, TimeUnit.SECONDS)).isTrue();
        awaitTrue(() -> feed.subscriberCount(LiveFeed.Topic.LOGS) == 0 && feed.subscriberCount(LiveFeed.Topic.REQUESTS) == 0);
    }

    @Test
    void sizesAreValidated() {
        assertThatThrownBy(() -> new LiveFeed(0, 8, Duration.ofSeconds(1))).hasMessage("historySize: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new LiveFeed(8, 0, Duration.ofSeconds(1))).hasMessage("queueCapacity: 0 (expected: >= 1)");
        assertThatThrownBy(() -> new LiveFeed(8, 8, Duration.ZERO)).hasMessage("keepAlive: PT0S (expected: > 0)");
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}

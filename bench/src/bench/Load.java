package bench;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Java load client: sequential latency (time to first byte and total), many concurrent SSE
 * streams, incremental delivery and start-up probing. Every loop is bounded by a count and a
 * deadline; it talks to 127.0.0.1 only.
 */
final class Load {

    static final String MODEL = "claude-sonnet-4-5-20250929";

    private Load() {
    }

    /** A Messages API request body of about 1.7 KiB (a system prompt, two turns). */
    static byte[] body(boolean stream) {
        String filler = "You are a careful coding assistant working in a large repository. "
                + "Prefer small, reviewed changes; explain the reason for each edit; run the tests. ";
        StringBuilder system = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            system.append(filler);
        }
        return ("{\"model\":\"" + MODEL + "\",\"max_tokens\":1024,\"stream\":" + stream
                + ",\"system\":[{\"type\":\"text\",\"text\":\"" + system + "\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
                + "\"Read src/main/java/App.java and tell me what the main method does.\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"It starts the server.\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"And how does it stop?\"}]}],"
                + "\"metadata\":{\"user_id\":\"bench-user\"}}").getBytes(StandardCharsets.UTF_8);
    }

    static String headers(int deltas, int delayMs) {
        return "Content-Type: application/json\r\nx-api-key: sk-ant-bench-client-key\r\n"
                + "anthropic-version: 2023-06-01\r\nUser-Agent: ccflare-bench/1\r\n"
                + (deltas >= 0 ? "x-bench-deltas: " + deltas + "\r\nx-bench-delay-ms: " + delayMs + "\r\n" : "");
    }

    static byte[] messages(int port, boolean stream, int deltas, int delayMs) {
        return RawHttp.request("POST", "/v1/messages", port, headers(stream ? deltas : -1, delayMs), body(stream));
    }

    /** Counts SSE events of interest in de-chunked body bytes, remembering when each delta came. */
    static final class SseCounter implements RawHttp.BodyListener {
        private static final byte[] DELTA = "event: content_block_delta".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] STOP = "event: message_stop".getBytes(StandardCharsets.US_ASCII);
        private int deltaAt;
        private int stopAt;
        int deltas;
        boolean stopped;
        final long[] deltaTimes;

        SseCounter(int remember) {
            deltaTimes = new long[remember];
        }

        @Override
        public void onBody(byte[] b, int off, int len, long nanoTime) {
            for (int i = off; i < off + len; i++) {
                byte c = b[i];
                deltaAt = c == DELTA[deltaAt] ? deltaAt + 1 : (c == DELTA[0] ? 1 : 0);
                if (deltaAt == DELTA.length) {
                    if (deltas < deltaTimes.length) {
                        deltaTimes[deltas] = nanoTime;
                    }
                    deltas++;
                    deltaAt = 0;
                }
                stopAt = c == STOP[stopAt] ? stopAt + 1 : (c == STOP[0] ? 1 : 0);
                if (stopAt == STOP.length) {
                    stopped = true;
                    stopAt = 0;
                }
            }
        }
    }

    /** Sequential requests at concurrency 1; times in milliseconds. */
    record Latency(double[] firstByte, double[] total, int ok, int failed, String firstFailure) {
    }

    static Latency latency(int port, boolean stream, int count, long deadlineNanos) {
        byte[] request = messages(port, stream, 5, 0);
        double[] first = new double[count];
        double[] total = new double[count];
        int ok = 0;
        int failed = 0;
        String firstFailure = null;
        RawHttp conn = null;
        try {
            for (int i = 0; i < count && System.nanoTime() - deadlineNanos < 0; i++) {
                try {
                    if (conn == null) {
                        conn = new RawHttp(port, 10_000);
                    }
                    SseCounter sse = stream ? new SseCounter(0) : null;
                    RawHttp.Result r = conn.exchange(request, sse);
                    if (r.status() == 200 && (!stream || sse.stopped)) {
                        first[ok] = stream ? r.firstBodyMs() : r.ttfbMs();
                        total[ok] = r.totalMs();
                        ok++;
                    } else {
                        failed++;
                        if (firstFailure == null) {
                            firstFailure = "status " + r.status() + (stream ? " stop=" + sse.stopped : "");
                        }
                    }
                    if (!r.keepAlive()) {
                        conn.close();
                        conn = null;
                    }
                } catch (IOException e) {
                    failed++;
                    if (firstFailure == null) {
                        firstFailure = e.toString();
                    }
                    if (conn != null) {
                        conn.close();
                        conn = null;
                    }
                }
            }
        } finally {
            if (conn != null) {
                conn.close();
            }
        }
        return new Latency(Arrays.copyOf(first, ok), Arrays.copyOf(total, ok), ok, failed, firstFailure);
    }

    /** N concurrent streams started together; times in milliseconds from each stream's own send. */
    record Streams(int complete, int failed, double[] firstByte, double[] total, Map<String, Integer> failures) {
    }

    static Streams streams(int port, int n, int deltas, int delayMs, long boundMillis) throws InterruptedException {
        byte[] request = messages(port, true, deltas, delayMs);
        CountDownLatch connected = new CountDownLatch(n);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(n);
        double[] first = new double[n];
        double[] total = new double[n];
        AtomicInteger complete = new AtomicInteger();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, boundMillis);
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int slot = i;
            threads.add(Thread.ofVirtual().start(() -> {
                RawHttp conn = null;
                try {
                    try {
                        conn = new RawHttp(port, timeoutMs);
                    } finally {
                        connected.countDown();
                    }
                    start.await();
                    SseCounter sse = new SseCounter(0);
                    RawHttp.Result r = conn.exchange(request, sse);
                    if (r.status() == 200 && sse.stopped && sse.deltas == deltas) {
                        int k = complete.getAndIncrement();
                        first[k] = r.firstBodyMs();
                        total[k] = r.totalMs();
                    } else {
                        failures.merge("status " + r.status() + " deltas " + sse.deltas + " stop " + sse.stopped,
                                1, Integer::sum);
                    }
                } catch (Exception e) {
                    failures.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                } finally {
                    if (conn != null) {
                        conn.close();
                    }
                    done.countDown();
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMillis);
        connected.await(boundMillis, TimeUnit.MILLISECONDS);
        start.countDown();
        done.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        for (Thread t : threads) {
            t.interrupt();
        }
        int c = complete.get();
        int failed = n - c;
        int counted = failures.values().stream().mapToInt(Integer::intValue).sum();
        if (counted < failed) {
            failures.merge("not finished within " + boundMillis + " ms", failed - counted, Integer::sum);
        }
        return new Streams(c, failed, Arrays.copyOf(first, c), Arrays.copyOf(total, c), new TreeMap<>(failures));
    }

    /** Arrival times of each delta of one stream, as gaps in milliseconds. */
    record Incremental(double firstDeltaMs, double[] gaps, boolean complete) {
    }

    static Incremental incremental(int port, int deltas, int delayMs) throws IOException {
        try (RawHttp conn = new RawHttp(port, 30_000)) {
            SseCounter sse = new SseCounter(deltas);
            RawHttp.Result r = conn.exchange(messages(port, true, deltas, delayMs), sse);
            int seen = Math.min(sse.deltas, deltas);
            double[] gaps = new double[Math.max(0, seen - 1)];
            for (int i = 1; i < seen; i++) {
                gaps[i - 1] = (sse.deltaTimes[i] - sse.deltaTimes[i - 1]) / 1e6;
            }
            double firstDelta = seen > 0 ? (sse.deltaTimes[0] - r.firstBodyByte()) / 1e6 : Double.NaN;
            return new Incremental(firstDelta, gaps, r.status() == 200 && sse.stopped && sse.deltas == deltas);
        }
    }

    /**
     * Starts a process and polls {@code POST /v1/messages} every 2 ms until a 200: milliseconds from
     * launch to that first 200, or an exception naming what went wrong.
     */
    static double startup(ProcessBuilder launch, int port, long boundMillis, Process[] started) throws Exception {
        byte[] request = messages(port, false, -1, 0);
        long t0 = System.nanoTime();
        Process p = launch.start();
        started[0] = p;
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(boundMillis);
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                throw new IllegalStateException("exited with " + p.exitValue() + " before serving (" + last + ")");
            }
            try (RawHttp conn = new RawHttp(port, 5_000)) {
                RawHttp.Result r = conn.exchange(request, null);
                if (r.status() == 200) {
                    return (r.end() - t0) / 1e6;
                }
                last = "status " + r.status();
            } catch (ConnectException e) {
                last = "connection refused";
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("no 200 within " + boundMillis + " ms (" + last + ")");
    }

    /** One plain request, for probes: status and body text. */
    static String[] call(int port, String method, String path, String headers, byte[] body) throws IOException {
        try (RawHttp conn = new RawHttp(port, 10_000)) {
            StringBuilder text = new StringBuilder();
            RawHttp.Result r = conn.exchange(RawHttp.request(method, path, port, headers, body),
                    (b, off, len, t) -> text.append(new String(b, off, len, StandardCharsets.UTF_8)));
            return new String[] {Integer.toString(r.status()), text.toString()};
        }
    }
}

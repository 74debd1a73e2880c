package bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast fake Anthropic upstream for the benchmark: raw NIO, HTTP/1.1 keep-alive, one selector
 * per thread (threads share the port through {@code SO_REUSEPORT}), responses prebuilt.
 *
 * <p>{@code POST} to any path answers a Messages API response: JSON with {@code Content-Length},
 * or, when the body holds {@code "stream":true}, a chunked {@code text/event-stream} with the
 * Anthropic event grammar. Headers {@code x-bench-deltas} (default 5) and
 * {@code x-bench-delay-ms} (default 0) shape the stream: that many {@code content_block_delta}
 * events, each sent that long after the previous one (0 = the whole stream in one write).
 *
 * <p>{@code GET /__bench/stats} answers its counters (requests, open and peak connections,
 * active and peak streams); {@code POST /__bench/reset} sets the peaks to the current values.
 *
 * <p>Usage: {@code java bench.FakeUpstream [--port N] [--threads N]}; prints
 * {@code listening <port>} once bound. Binds 127.0.0.1 only.
 */
public final class FakeUpstream {

    static final AtomicLong requests = new AtomicLong();
    static final AtomicInteger open = new AtomicInteger();
    static final AtomicInteger peakOpen = new AtomicInteger();
    static final AtomicInteger streams = new AtomicInteger();
    static final AtomicInteger peakStreams = new AtomicInteger();

    public static void main(String[] args) throws IOException {
        int port = 0;
        int threads = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        ServerSocketChannel first = listen(port);
        int bound = ((InetSocketAddress) first.getLocalAddress()).getPort();
        Worker[] workers = new Worker[threads];
        workers[0] = new Worker(first);
        for (int i = 1; i < threads; i++) {
            workers[i] = new Worker(listen(bound));
        }
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(workers[i], "upstream-" + i);
            t.start();
        }
        PrintStream out = System.out;
        out.println("listening " + bound);
        out.flush();
    }

    private static ServerSocketChannel listen(int port) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        return server;
    }

    static void raise(AtomicInteger peak, int value) {
        int p;
        while (value > (p = peak.get()) && !peak.compareAndSet(p, value)) {
            // another thread raised it meanwhile; retry against the new value
        }
    }

    // ---- prebuilt responses ----

    static final String MODEL = "claude-sonnet-4-5-20250929";

    static final byte[] JSON_BODY = ("{\"id\":\"msg_01BenchFakeUpstream0000000\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"" + MODEL + "\",\"content\":[{\"type\":\"text\",\"text\":\"Hello! This is a fixed reply "
            + "from the benchmark's fake upstream, about as long as a short answer.\"}],\"stop_reason\":\"end_turn\","
            + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":412,\"cache_creation_input_tokens\":0,"
            + "\"cache_read_input_tokens\":1024,\"output_tokens\":24,\"service_tier\":\"standard\"}}")
            .getBytes(StandardCharsets.US_ASCII);

    static final String COMMON_HEADERS = "request-id: req_01BenchFakeUpstream\r\n"
            + "anthropic-organization-id: 00000000-0000-0000-0000-000000000000\r\n"
            + "anthropic-ratelimit-unified-status: allowed\r\n"
            + "anthropic-ratelimit-unified-5h-status: allowed\r\n"
            + "anthropic-ratelimit-unified-5h-utilization: 0.12\r\n"
            + "anthropic-ratelimit-requests-limit: 4000\r\n"
            + "anthropic-ratelimit-requests-remaining: 3999\r\n";

    static final ByteBuffer JSON_RESPONSE = readOnly(concat(
            ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" + COMMON_HEADERS
                    + "content-length: " + JSON_BODY.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
            JSON_BODY));

    static final byte[] SSE_HEAD = ("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
            + "cache-control: no-cache\r\n" + COMMON_HEADERS + "transfer-encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    static final byte[] SSE_START = chunk("event: message_start\ndata: {\"type\":\"message_start\",\"message\":"
            + "{\"id\":\"msg_01BenchFakeUpstream0000000\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\""
            + MODEL + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":412,"
            + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1024,\"output_tokens\":1,"
            + "\"service_tier\":\"standard\"}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: ping\ndata: {\"type\": \"ping\"}\n\n");

    static final byte[] SSE_DELTA = chunk("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
            + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" and here are a few more words of the answer\"}}\n\n");

    static byte[] sseEnd(int outputTokens) {
        return concat(chunk("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"),
                "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    static final byte[] NOT_FOUND = ("HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 9\r\n\r\n"
            + "not found").getBytes(StandardCharsets.US_ASCII);

    static byte[] chunk(String data) {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        return concat((Integer.toHexString(d.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), d,
                "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static ByteBuffer readOnly(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b.asReadOnlyBuffer();
    }

    // ---- the selector loop ----

    static final class Worker implements Runnable {
        private final ServerSocketChannel server;
        private final Selector selector;
        private final PriorityQueue<Tick> timers = new PriorityQueue<>();

        Worker(ServerSocketChannel server) throws IOException {
            this.server = server;
            this.selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    long timeoutMs = 0;
                    Tick next = timers.peek();
                    if (next != null) {
                        long waitNs = next.at - System.nanoTime();
                        timeoutMs = waitNs <= 0 ? -1 : Math.max(1, waitNs / 1_000_000);
                    }
                    if (timeoutMs < 0) {
                        selector.selectNow();
                    } else {
                        selector.select(timeoutMs);
                    }
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isAcceptable()) {
                            accept();
                            continue;
                        }
                        Conn c = (Conn) key.attachment();
                        try {
                            if (key.isWritable()) {
                                c.flush();
                            }
                            if (key.isValid() && key.isReadable()) {
                                c.read();
                            }
                        } catch (IOException e) {
                            c.close();
                        }
                    }
                    long now = System.nanoTime();
                    while ((next = timers.peek()) != null && next.at - now <= 0) {
                        timers.poll();
                        try {
                            next.conn.tick(next);
                        } catch (IOException e) {
                            next.conn.close();
                        }
                    }
                }
            } catch (IOException e) {
                e.printStackTrace();
                System.exit(2);
            }
        }

        private void accept() throws IOException {
            SocketChannel ch;
            while ((ch = server.accept()) != null) {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn(this, ch);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                raise(peakOpen, open.incrementAndGet());
            }
        }
    }

    /** One scheduled stream step. */
    record Tick(long at, Conn conn, int remaining, long delayNs, int deltas) implements Comparable<Tick> {
        @Override
        public int compareTo(Tick o) {
            return Long.compare(at, o.at);
        }
    }

    static final class Conn {
        final Worker worker;
        final SocketChannel ch;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        boolean streaming;
        boolean closeAfter;
        boolean closed;

        Conn(Worker worker, SocketChannel ch) {
            this.worker = worker;
            this.ch = ch;
        }

        void read() throws IOException {
            int n = ch.read(in);
            if (n < 0) {
                close();
                return;
            }
            process();
        }

        /** Parses and answers every complete request in the buffer, one at a time. */
        void process() throws IOException {
            while (!streaming && !closed) {
                int end = headEnd(in);
                if (end < 0) {
                    if (!in.hasRemaining()) {
                        grow();
                    }
                    return;
                }
                String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
                int bodyStart = end + 4;
                long length = 0;
                boolean chunked = false;
                int deltas = 5;
                long delayMs = 0;
                boolean close = head.startsWith("HTTP/1.0", head.indexOf("\r\n") - 8);
                int lineStart = head.indexOf("\r\n") + 2;
                while (lineStart > 1 && lineStart < head.length()) {
                    int lineEnd = head.indexOf("\r\n", lineStart);
                    if (lineEnd < 0) {
                        lineEnd = head.length();
                    }
                    int colon = head.indexOf(':', lineStart);
                    if (colon > 0 && colon < lineEnd) {
                        String name = head.substring(lineStart, colon).trim().toLowerCase();
                        String value = head.substring(colon + 1, lineEnd).trim();
                        switch (name) {
                            case "content-length" -> length = Long.parseLong(value);
                            case "transfer-encoding" -> chunked = value.toLowerCase().contains("chunked");
                            case "connection" -> close = value.equalsIgnoreCase("close");
                            case "x-bench-deltas" -> deltas = Integer.parseInt(value);
                            case "x-bench-delay-ms" -> delayMs = Long.parseLong(value);
                            default -> { }
                        }
                    }
                    lineStart = lineEnd + 2;
                }
                int bodyEnd;
                byte[] body;
                if (chunked) {
                    int[] decodedEnd = new int[1];
                    body = dechunk(in.array(), bodyStart, in.position(), decodedEnd);
                    if (body == null) {
                        if (!in.hasRemaining()) {
                            grow();
                        }
                        return;
                    }
                    bodyEnd = decodedEnd[0];
                } else {
                    if (in.position() - bodyStart < length) {
                        if (bodyStart + length > in.capacity()) {
                            grow((int) (bodyStart + length));
                        }
                        return;
                    }
                    bodyEnd = (int) (bodyStart + length);
                    body = null;
                }
                String requestLine = head.substring(0, Math.max(0, head.indexOf("\r\n")));
                boolean stream = chunked ? contains(body, 0, body.length)
                        : contains(in.array(), bodyStart, bodyEnd);
                // drop the request from the buffer
                int leftover = in.position() - bodyEnd;
                System.arraycopy(in.array(), bodyEnd, in.array(), 0, leftover);
                in.position(leftover);
                closeAfter = close;
                requests.incrementAndGet();
                answer(requestLine, stream, deltas, delayMs);
            }
        }

        void answer(String requestLine, boolean stream, int deltas, long delayMs) throws IOException {
            if (requestLine.startsWith("GET /__bench/stats")) {
                requests.decrementAndGet(); // a probe is not a request under test
                byte[] b = ("{\"requests\":" + requests.get() + ",\"open\":" + open.get() + ",\"peakOpen\":"
                        + peakOpen.get() + ",\"streams\":" + streams.get() + ",\"peakStreams\":"
                        + peakStreams.get() + "}").getBytes(StandardCharsets.US_ASCII);
                send(concat(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + b.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII), b));
                return;
            }
            if (requestLine.startsWith("POST /__bench/reset")) {
                peakOpen.set(open.get());
                peakStreams.set(streams.get());
                requests.set(0);
                send(("HTTP/1.1 204 No Content\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (!requestLine.startsWith("POST ")) {
                send(NOT_FOUND);
                return;
            }
            if (!stream) {
                sendShared(JSON_RESPONSE.duplicate());
                return;
            }
            raise(peakStreams, streams.incrementAndGet());
            if (delayMs <= 0) {
                byte[] all = concat(SSE_HEAD, SSE_START);
                for (int i = 0; i < deltas; i++) {
                    all = concat(all, SSE_DELTA);
                }
                send(concat(all, sseEnd(deltas + 1)));
                streams.decrementAndGet();
                return;
            }
            streaming = true;
            send(concat(SSE_HEAD, SSE_START));
            long delayNs = delayMs * 1_000_000L;
            worker.timers.add(new Tick(System.nanoTime() + delayNs, this, deltas, delayNs, deltas));
        }

        void tick(Tick t) throws IOException {
            if (closed) {
                return;
            }
            if (t.remaining() > 1) {
                send(SSE_DELTA);
                worker.timers.add(new Tick(t.at() + t.delayNs(), this, t.remaining() - 1, t.delayNs(), t.deltas()));
                return;
            }
            streams.decrementAndGet();
            streaming = false;
            send(concat(SSE_DELTA, sseEnd(t.deltas() + 1)));
            if (!closed) {
                process();
            }
        }

        void send(byte[] bytes) throws IOException {
            sendShared(ByteBuffer.wrap(bytes));
        }

        void sendShared(ByteBuffer b) throws IOException {
            if (closed) {
                return;
            }
            if (out.isEmpty()) {
                ch.write(b);
                if (!b.hasRemaining()) {
                    afterWrite();
                    return;
                }
            }
            out.add(b);
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }

        void flush() throws IOException {
            while (!out.isEmpty()) {
                ByteBuffer b = out.peek();
                ch.write(b);
                if (b.hasRemaining()) {
                    return;
                }
                out.poll();
            }
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            afterWrite();
        }

        private void afterWrite() {
            if (closeAfter && !streaming && out.isEmpty()) {
                close();
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (streaming) {
                streams.decrementAndGet();
                streaming = false;
            }
            open.decrementAndGet();
            key.cancel();
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a socket that is already gone
            }
        }

        private void grow() {
            grow(in.capacity() * 2);
        }

        private void grow(int atLeast) {
            if (atLeast > 64 * 1024 * 1024) {
                close();
                return;
            }
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, in.capacity() * 2));
            in.flip();
            bigger.put(in);
            in = bigger;
        }
    }

    static int headEnd(ByteBuffer in) {
        byte[] a = in.array();
        for (int i = 3; i < in.position(); i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                return i - 3;
            }
        }
        return -1;
    }

    private static final byte[] STREAM_TRUE = "\"stream\":true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM_TRUE_SPACED = "\"stream\": true".getBytes(StandardCharsets.US_ASCII);

    static boolean contains(byte[] a, int from, int to) {
        return indexOf(a, from, to, STREAM_TRUE) >= 0 || indexOf(a, from, to, STREAM_TRUE_SPACED) >= 0;
    }

    static int indexOf(byte[] a, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Decodes a chunked body starting at {@code from}; null when incomplete. */
    static byte[] dechunk(byte[] a, int from, int to, int[] end) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int at = from;
        while (true) {
            int lineEnd = indexOf(a, at, to, new byte[] {'\r', '\n'});
            if (lineEnd < 0) {
                return null;
            }
            String sizeText = new String(a, at, lineEnd - at, StandardCharsets.US_ASCII);
            int semi = sizeText.indexOf(';');
            int size = Integer.parseInt((semi >= 0 ? sizeText.substring(0, semi) : sizeText).trim(), 16);
            at = lineEnd + 2;
            if (size == 0) {
                // skip trailers up to the empty line
                while (true) {
                    int e = indexOf(a, at, to, new byte[] {'\r', '\n'});
                    if (e < 0) {
                        return null;
                    }
                    boolean empty = e == at;
                    at = e + 2;
                    if (empty) {
                        end[0] = at;
                        return body.toByteArray();
                    }
                }
            }
            if (at + size + 2 > to) {
                return null;
            }
            body.write(a, at, size);
            at += size + 2;
        }
    }
}

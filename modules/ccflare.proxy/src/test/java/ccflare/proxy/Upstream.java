package ccflare.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

/**
 * A scripted upstream on 127.0.0.1:0 for the proxy tests. Behaviour is chosen by the credential
 * the request carries (x-api-key, or the bearer token; "" for none); a script is a sequence, its
 * last step repeating. Every request is recorded, and so is each time the proxy went away early.
 */
final class Upstream implements AutoCloseable {

    record Received(String method, String target, List<Map.Entry<String, String>> headers, byte[] body, String key) {
        String header(String name) {
            for (Map.Entry<String, String> h : headers) if (h.getKey().equalsIgnoreCase(name)) return h.getValue();
            return null;
        }
        List<String> all(String name) {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, String> h : headers) if (h.getKey().equalsIgnoreCase(name)) out.add(h.getValue());
            return out;
        }
    }

    /** One scripted answer; may block (the fake runs on its own pool threads). */
    interface Step { void serve(Request request, Response response) throws Exception; }

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final Map<String, Deque<Step>> scripts = new ConcurrentHashMap<>();
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** System.nanoTime() of each request the proxy abandoned while it was being answered. */
    final List<Long> abortedAtNanos = new CopyOnWriteArrayList<>();
    final CountDownLatch aborted = new CountDownLatch(1);

    Upstream() throws Exception {
        connector.setPort(0);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override public boolean handle(Request request, Response response, Callback callback) throws Exception {
                byte[] body = org.eclipse.jetty.util.BufferUtil.toArray(Content.Source.asByteBuffer(request));
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                for (HttpField f : request.getHeaders()) headers.add(Map.entry(f.getName(), f.getValue()));
                String key = keyOf(request);
                String target = request.getHttpURI().getPathQuery();
                received.add(new Received(request.getMethod(), target, headers, body, key));
                try {
                    next(key).serve(request, response);
                    callback.succeeded();
                } catch (Exception e) {
                    abortedAtNanos.add(System.nanoTime());
                    aborted.countDown();
                    callback.failed(e);
                }
                return true;
            }
        });
        server.start();
    }

    String url() { return "http://127.0.0.1:" + connector.getLocalPort(); }

    int count(String key) {
        int n = 0;
        for (Received r : received) if (r.key().equals(key)) n++;
        return n;
    }

    Upstream on(String key, Step... steps) {
        scripts.put(key, new ArrayDeque<>(List.of(steps)));
        return this;
    }

    private synchronized Step next(String key) {
        Deque<Step> q = scripts.get(key);
        if (q == null || q.isEmpty()) return json(200, "{\"id\":\"msg\",\"model\":\"claude-test\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        return q.size() > 1 ? q.poll() : q.peek();
    }

    private static String keyOf(Request request) {
        String apiKey = request.getHeaders().get("x-api-key");
        if (apiKey != null) return apiKey;
        String auth = request.getHeaders().get("authorization");
        if (auth != null && auth.startsWith("Bearer ")) return auth.substring(7);
        return "";
    }

    // ---- steps ----

    static Step json(int status, String body, String... headerPairs) {
        return (request, response) -> {
            response.setStatus(status);
            response.getHeaders().put("content-type", "application/json");
            for (int i = 0; i < headerPairs.length; i += 2) response.getHeaders().add(headerPairs[i], headerPairs[i + 1]);
            write(response, true, body);
        };
    }

    /** SSE events written one by one, {@code delayMs} apart, each flushed. */
    static Step sse(long delayMs, String... events) {
        return (request, response) -> {
            response.setStatus(200);
            response.getHeaders().put("content-type", "text/event-stream");
            response.getHeaders().put("x-upstream", "sse");
            write(response, false, "");
            for (int i = 0; i < events.length; i++) {
                if (i > 0 && delayMs > 0) Thread.sleep(delayMs);
                write(response, false, events[i]);
            }
            write(response, true, "");
        };
    }

    /** SSE events, then the connection is cut without a proper end. */
    static Step sseThenReset(String... events) {
        return (request, response) -> {
            response.setStatus(200);
            response.getHeaders().put("content-type", "text/event-stream");
            for (String e : events) write(response, false, e);
            Thread.sleep(50);
            request.getConnectionMetaData().getConnection().getEndPoint().close();
            throw new IOException("reset on purpose");
        };
    }

    /** SSE events, then silence for {@code ms}. */
    static Step sseThenSilence(long ms, String... events) {
        return (request, response) -> {
            response.setStatus(200);
            response.getHeaders().put("content-type", "text/event-stream");
            for (String e : events) write(response, false, e);
            Thread.sleep(ms);
            write(response, true, "");
        };
    }

    /** Holds the response head for {@code ms}, then answers 200. */
    static Step slow(long ms) {
        return (request, response) -> {
            Thread.sleep(ms);
            json(200, "{\"late\":true}").serve(request, response);
        };
    }

    /** An SSE stream of {@code n} events {@code delayMs} apart; a write failing means the proxy left. */
    static Step longStream(int n, long delayMs) {
        return (request, response) -> {
            response.setStatus(200);
            response.getHeaders().put("content-type", "text/event-stream");
            for (int i = 0; i < n; i++) {
                write(response, false, "event: ping\ndata: {\"type\":\"ping\",\"i\":" + i + "}\n\n");
                Thread.sleep(delayMs);
            }
            write(response, true, "");
        };
    }

    static void write(Response response, boolean last, String text) throws Exception {
        FutureCallback cb = new FutureCallback();
        response.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), cb);
        cb.get(5, TimeUnit.SECONDS);
    }

    @Override public void close() throws Exception { server.stop(); }
}

package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/**
 * The TCP connector's executor: a connection resumed after a response that ended on another
 * thread (as every proxied response does) continues on that thread, not through a hand-off to
 * Jetty's pool; everything else still goes to the pool. Real Jetty and a raw keep-alive socket.
 */
class InlineResumeTest {

    @Test
    void runsAConnectionOnTheCallingThreadAndEverythingElseInThePool() {
        List<Runnable> pooled = new ArrayList<>();
        InlineResume executor = new InlineResume(pooled::add);
        Thread[] ranOn = new Thread[1];
        Runnable connection = (Runnable) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class, Runnable.class}, (proxy, method, args) -> {
                    if (method.getName().equals("run")) ranOn[0] = Thread.currentThread();
                    return null;
                });
        Runnable other = () -> {};

        executor.execute(connection);
        executor.execute(other);

        assertThat(ranOn[0]).isSameAs(Thread.currentThread());
        assertThat(pooled).containsExactly(other);
    }

    @Test
    void keepAliveRequestsAnsweredFromAnotherThreadAreAllServedWithoutHandingTheConnectionToThePool() throws Exception {
        assertThat(connectionsHandedToThePool(true)).isZero();
    }

    /** The premise: without it, Jetty hands the connection to its pool after such responses. */
    @Test
    void withoutItJettyHandsTheConnectionToItsPoolAfterEachResponseFromAnotherThread() throws Exception {
        // Not every time: a response that ends before the parsing thread has left the handler is resumed by that thread.
        assertThat(connectionsHandedToThePool(false)).isPositive();
    }

    /** Serves 200 keep-alive requests on one socket; returns how often a connection reached the pool. */
    private static int connectionsHandedToThePool(boolean inline) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 4);
        Server server = new Server(threads);
        List<String> handedToPool = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.Executor pool = task -> {
            if (task instanceof Connection) handedToPool.add(task.toString());
            threads.execute(task);
        };
        java.util.concurrent.Executor executor = inline ? new InlineResume(pool) : pool;
        ServerConnector tcp = new ServerConnector(server, executor, null, null, -1, -1, new HttpConnectionFactory());
        tcp.setHost("127.0.0.1");
        tcp.setPort(0);
        server.addConnector(tcp);
        // Like the proxy: the handler returns at once and the response is written later by another thread.
        ExecutorService elsewhere = Executors.newSingleThreadExecutor();
        AtomicInteger served = new AtomicInteger();
        server.setHandler(new Handler.Abstract(Handler.Abstract.InvocationType.NON_BLOCKING) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                elsewhere.execute(() -> Content.Sink.write(response, true, "ok " + served.incrementAndGet(), callback));
                return true;
            }
        });
        server.start();
        try (Socket socket = new Socket("127.0.0.1", tcp.getLocalPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 1; i <= 200; i++) {
                out.write(("GET /n HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ok " + i);
            }
        } finally {
            server.stop();
            elsewhere.shutdownNow();
        }
        assertThat(served).hasValue(200);
        return handedToPool.size();
    }

    /** One response with a Content-Length body, read exactly. */
    private static String readResponse(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IllegalStateException("connection closed after " + head);
            head.write(b);
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int at = h.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        int length = Integer.parseInt(h.substring(at + 15, h.indexOf("\r\n", at)).trim());
        return h + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}

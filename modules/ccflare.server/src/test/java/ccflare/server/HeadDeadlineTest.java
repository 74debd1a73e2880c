package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plan C4/H2 (issue 16 item 4): a connection that sends its head slowly, or nothing, is closed at
 * the head deadline, on the TCP and the Unix-socket connector; the connectors' idle timeout (an hour
 * here, minutes in the daemon) would have kept it. Real Jetty, raw sockets.
 */
class HeadDeadlineTest {
    private static final Duration DEADLINE = Duration.ofMillis(400);

    @TempDir Path dir;
    private Server server;
    private ServerConnector tcp;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        tcp = new ServerConnector(server);
        tcp.setHost("127.0.0.1");
        tcp.setPort(0);
        tcp.setIdleTimeout(3_600_000);
        server.addConnector(tcp);
        socket = dir.resolve("s.sock");
        UnixDomainServerConnector unix = new UnixDomainServerConnector(server);
        unix.setUnixDomainPath(socket);
        unix.setIdleTimeout(3_600_000);
        server.addConnector(unix);
        Handler app = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                // A slow answer: longer than the deadline, which must not cut a request it has received.
                if (request.getHttpURI().getPath().equals("/slow")) Thread.sleep(DEADLINE.toMillis() * 3);
                Content.Sink.write(response, true, "ok", callback);
                return true;
            }
        };
        HeadDeadline deadline = new HeadDeadline(app, server.getScheduler(), DEADLINE);
        server.setHandler(deadline);
        tcp.addEventListener(deadline.connectionListener());
        unix.addEventListener(deadline.connectionListener());
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void aHeadSentOneByteAtATimeIsCutAtTheDeadline() throws Exception {
        try (Socket s = new Socket("127.0.0.1", tcp.getLocalPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            // A header byte every 100 ms: the idle timeout never fires; the server must close.
            boolean closed = false;
            for (int i = 0; i < 100 && !closed; i++) {
                try {
                    out.write('x');
                    out.flush();
                } catch (java.io.IOException e) {
                    closed = true;
                    break;
                }
                Thread.sleep(100);
                if (s.getInputStream().available() > 0 || peerClosed(s)) closed = true;
            }
            assertThat(closed).as("closed by the server within 10 s of trickling").isTrue();
        }
    }

    @Test
    void aSilentTcpConnectionIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", tcp.getLocalPort())) {
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aSilentAdminSocketConnectionIsClosed() throws Exception {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            assertThat(readWithin(ch, Duration.ofSeconds(10))).as("end of stream: closed by the server").isEqualTo(-1);
        }
    }

    @Test
    void aKeptAliveConnectionAndASlowAnswerAreLeftAlone() throws Exception {
        try (Socket s = new Socket("127.0.0.1", tcp.getLocalPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(request("/slow"));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ok");
            Thread.sleep(DEADLINE.toMillis() * 2);
            out.write(request("/"));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ok");
        }
    }

    private static byte[] request(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads one response with a 2-byte body ("ok"), as text. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\nok")) {
            int b = in.read();
            if (b < 0) break;
            sb.append((char) b);
        }
        return sb.toString();
    }

    private static boolean peerClosed(Socket s) throws Exception {
        s.setSoTimeout(1);
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        } finally {
            s.setSoTimeout(10_000);
        }
    }

    private static int readWithin(SocketChannel ch, Duration within) throws Exception {
        var in = Channels.newInputStream(ch);
        var result = new java.util.concurrent.CompletableFuture<Integer>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(in.read());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
}

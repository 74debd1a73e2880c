package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live WebSocket ({@code /ws/requests}, as the dashboard holds it) outlives the head deadline:
 * the upgrade opens a second connection on the same endpoint, which the deadline once closed
 * after {@link HeadDeadline#DEFAULT} (the dashboard then showed "disconnected" after 10 s).
 * Real daemon, the JDK's WebSocket client; it waits out the deadline, so it takes that long.
 */
class LiveSocketAfterHeadDeadlineTest {

    private static final String TOKEN = "live-socket-deadline-admin-token-0123";

    @TempDir Path home;
    private Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) daemon.stop();
    }

    @Test
    void aLiveSocketStaysOpenPastTheHeadDeadline() throws Exception {
        daemon = TestDaemons.start(home, TOKEN, Map.of("CCFLARE_SOCKET_PATH", home.resolve("s.sock").toString()));
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + TOKEN)
                .buildAsync(URI.create("ws://127.0.0.1:" + daemon.port() + "/ws/requests"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.complete(-1);
                    }
                }).get(10, TimeUnit.SECONDS);
        Thread.sleep(HeadDeadline.DEFAULT.plus(Duration.ofSeconds(2)).toMillis());
        assertThat(closed).as("the socket was closed by the daemon").isNotDone();
        assertThat(ws.isInputClosed()).isFalse();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
    }
}

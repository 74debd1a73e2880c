package ccflare.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopbackCallbackTest {

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final CopyOnWriteArrayList<Map<String, String>> received = new CopyOnWriteArrayList<>();
    final AtomicBoolean needed = new AtomicBoolean(true);
    LoopbackCallback listener;

    @AfterEach void close() {
        if (listener != null) listener.close();
    }

    private LoopbackCallback open(LoopbackCallback.Handler handler) throws IOException {
        listener = LoopbackCallback.open(0, handler, needed::get);
        return listener;
    }

    private HttpResponse<String> send(String method, String pathAndQuery) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Whether something accepts connections on 127.0.0.1:{@code port} (also used by OAuthFlowsTest). */
    static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits up to 3 s for the listener on {@code port} to close. */
    static void awaitClosed(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (listening(port)) {
            if (System.nanoTime() > deadline) throw new AssertionError("callback listener on " + port + " still open");
            Thread.sleep(20);
        }
    }

    @Test void theRedirectReachesTheHandlerAndItsPageIsAnsweredEscaped() throws Exception {
        open(q -> {
            received.add(q);
            return new LoopbackCallback.Page(200, "Signed in", "The account '<b>' is ready.");
        });

        HttpResponse<String> page = send("GET", "/auth/callback?code=a%2Bb&state=s1&state=s2&scope=openid");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(page.headers().firstValue("connection")).hasValue("close");
        assertThat(page.body()).contains("<h1>Signed in</h1>").contains("The account &#39;&lt;b&gt;&#39; is ready.");
        assertThat(received).containsExactly(Map.of("code", "a+b", "state", "s1", "scope", "openid"));
        assertThat(listener.running()).isTrue();
    }

    @Test void otherPathsAre404AndOtherMethods405WithoutBotheringTheHandler() throws Exception {
        open(q -> {
            received.add(q);
            return new LoopbackCallback.Page(200, "Signed in", "ok");
        });

        assertThat(send("GET", "/elsewhere?code=x&state=y").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/auth/callback/more").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/auth/callback?code=x&state=y");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
        assertThat(received).isEmpty();
        assertThat(listening(listener.port())).isTrue();
    }

    @Test void aHandlerThatFailsGivesTheBrowserAnErrorPageAndTheListenerKeepsWaiting() throws Exception {
        open(q -> { throw new IllegalStateException("boom"); });

        HttpResponse<String> page = send("GET", "/auth/callback?code=x&state=y");

        assertThat(page.statusCode()).isEqualTo(500);
        assertThat(page.body()).contains("Start the sign-in again").doesNotContain("boom");
        assertThat(listening(listener.port())).isTrue();
    }

    @Test void closesByItselfOnceNoSignInNeedsIt() throws Exception {
        open(q -> new LoopbackCallback.Page(200, "Signed in", "ok"));
        int port = listener.port();
        assertThat(listening(port)).isTrue();

        needed.set(false);

        awaitClosed(port);
        assertThat(listener.running()).isFalse();
    }

    @Test void theSignInThatEndsTheLastFlowStillGetsItsPage() throws Exception {
        // The handler completes the last flow, so the next "still needed?" says no while the page is written.
        open(q -> {
            needed.set(false);
            try {
                Thread.sleep(1_200); // past a poll of the watch loop and past the close grace
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new LoopbackCallback.Page(200, "Signed in", "The account is ready.");
        });
        int port = listener.port();

        HttpResponse<String> page = send("GET", "/auth/callback?code=x&state=y");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("The account is ready.");
        awaitClosed(port);
    }

    @Test void aPortInUseIsAnIOException() throws Exception {
        open(q -> new LoopbackCallback.Page(200, "Signed in", "ok"));

        assertThatThrownBy(() -> LoopbackCallback.open(listener.port(), q -> null, () -> true)).isInstanceOf(IOException.class);
    }

    @Test void queryKeepsTheFirstValueAndSkipsMalformedEscapes() {
        assertThat(LoopbackCallback.query("code=a%20b&bad=%zz&code=other&flag#frag=1"))
                .containsExactly(Map.entry("code", "a b"), Map.entry("flag", ""));
    }
}

package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeferredHttpClientTest {

    @Test
    void buildsTheRealClientOnlyOnFirstUseAndThenOnlyOnce() throws Exception {
        AtomicInteger built = new AtomicInteger();
        DeferredHttpClient client = new DeferredHttpClient(() -> {
            built.incrementAndGet();
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).followRedirects(HttpClient.Redirect.NEVER).build();
        });
        assertThat(built).hasValue(0);
        assertThat(client.built()).isFalse();

        ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) { /* the head */ }
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return; // closed by the test
                }
            }
        });
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/token");
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).isEqualTo("ok");
            }
            assertThat(client.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
            assertThat(client.connectTimeout()).contains(Duration.ofSeconds(3));
        } finally {
            server.close();
            client.close();
        }
        assertThat(built).hasValue(1);
        assertThat(client.isTerminated()).isTrue();
    }

    @Test
    void closingOneThatWasNeverUsedBuildsNothingAndLaterSendsFailLikeAClosedClient() {
        AtomicInteger built = new AtomicInteger();
        DeferredHttpClient client = new DeferredHttpClient(() -> {
            built.incrementAndGet();
            return HttpClient.newHttpClient();
        });
        assertThat(client.isTerminated()).isFalse();
        client.close();
        assertThat(built).hasValue(0);
        assertThat(client.isTerminated()).isTrue();

        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9/")).build(),
                HttpResponse.BodyHandlers.discarding()))
                .isInstanceOf(IOException.class);
    }
}

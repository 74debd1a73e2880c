package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** After a burst of concurrent HTTP/1.1 requests only the capped number of idle connections stays open. */
class IdleCappedPoolTest {

    static final String JSON = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    FakeUpstream fake;
    HttpClient client;

    @AfterEach void stop() throws Exception {
        if (client != null) client.stop();
        if (fake != null) fake.close();
    }

    @Test void theDecisionKeepsHttp11ConnectionsUpToTheCapAndMultiplexedOnesAlways() {
        assertThat(IdleCappedPool.keepsIdle(false, 0, 2)).isTrue();
        assertThat(IdleCappedPool.keepsIdle(false, 1, 2)).isTrue();
        assertThat(IdleCappedPool.keepsIdle(false, 2, 2)).isFalse();
        assertThat(IdleCappedPool.keepsIdle(false, 0, 0)).isFalse();
        assertThat(IdleCappedPool.keepsIdle(true, 500, 2)).isTrue();
    }

    @Test void aNegativeCapIsRefusedByName() {
        assertThatThrownBy(() -> new IdleCappedPool(null, 10, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxIdle");
    }

    @Test void aBurstOfSixLeavesTwoIdleConnectionsThatTheNextRequestsReuse() throws Exception {
        fake = FakeUpstream.start();
        // Long enough that the six requests hold six connections at once.
        fake.behaveByDefault(Behaviour.slowFirstByte(Duration.ofMillis(1500)));
        UpstreamTransport transport = UpstreamTransport.create(List.of());
        transport.setConnectionPoolFactory(IdleCappedPool.factory(2));
        client = new HttpClient(transport);
        client.start();

        List<CompletableFuture<ContentResponse>> burst = new ArrayList<>();
        for (int i = 0; i < 6; i++) burst.add(post());
        for (CompletableFuture<ContentResponse> r : burst) assertThat(r.get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(fake.connectionsSeen()).as("connections the burst opened").isEqualTo(6);

        IdleCappedPool pool = (IdleCappedPool) ((HttpDestination) client.getDestinations().getFirst()).getConnectionPool();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.getConnectionCount() > 2 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(pool.getConnectionCount()).as("connections left open").isEqualTo(2);
        assertThat(pool.getIdleConnectionCount()).isEqualTo(2);

        fake.behaveByDefault(Behaviour.ok());
        assertThat(post().get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(post().get(30, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(fake.connectionsSeen()).as("the idle connections were reused").isEqualTo(6);
    }

    private CompletableFuture<ContentResponse> post() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return client.newRequest(fake.uri("/v1/messages")).method("POST").headers(h -> h.add("x-api-key", "k"))
                        .body(new StringRequestContent("application/json", JSON)).send();
            } catch (Exception e) {
                throw new IllegalStateException("request failed: " + e, e);
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
    }
}

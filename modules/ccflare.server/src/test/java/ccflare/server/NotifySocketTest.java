package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.testing.NotifyReceiver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** sd_notify through FFM, against a real datagram socket bound the way systemd binds its own. */
class NotifySocketTest {

    @Test
    void sendsADatagramToASocketAtAPath() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "ntf");
        try (NotifyReceiver systemd = NotifyReceiver.bind(dir.resolve("notify").toString());
             NotifySocket socket = NotifySocket.open(Map.of("NOTIFY_SOCKET", systemd.address())).orElseThrow()) {
            socket.send("READY=1\nSTATUS=Listening");

            NotifyReceiver.Message m = systemd.await(x -> x.has("READY=1"), Duration.ofSeconds(5));
            assertThat(m.value("STATUS")).isEqualTo("Listening");
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void sendsADatagramToAnAbstractSocket() throws Exception {
        String name = "@ccflare-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifyReceiver systemd = NotifyReceiver.bind(name);
             NotifySocket socket = NotifySocket.open(Map.of("NOTIFY_SOCKET", name)).orElseThrow()) {
            socket.send("WATCHDOG=1");

            assertThat(systemd.await(x -> x.has("WATCHDOG=1"), Duration.ofSeconds(5)).text()).isEqualTo("WATCHDOG=1");
        }
    }

    @Test
    void noNotifySocketMeansNothingIsOpened() {
        assertThat(NotifySocket.open(Map.of())).isEmpty();
        assertThat(NotifySocket.open(Map.of("NOTIFY_SOCKET", ""))).isEmpty();
    }

    @Test
    void aPathIsNulTerminatedAndAnAbstractNameStartsWithNulAndHasNoTerminator() {
        byte[] path = NotifySocket.sockaddr("/run/systemd/notify");
        assertThat(path).hasSize(2 + 19 + 1);
        assertThat(ByteBuffer.wrap(path).order(ByteOrder.nativeOrder()).getShort()).isEqualTo((short) 1);
        assertThat(new String(path, 2, 19)).isEqualTo("/run/systemd/notify");
        assertThat(path[21]).isZero();

        byte[] abstractName = NotifySocket.sockaddr("@sd-notify");
        assertThat(Arrays.copyOfRange(abstractName, 2, abstractName.length)).isEqualTo("\0sd-notify".getBytes());
    }

    @Test
    void refusesAddressesItCannotReachWithTheReason() {
        assertThatThrownBy(() -> NotifySocket.sockaddr("vsock:2:1234")).hasMessageContaining("absolute path or an abstract @name");
        assertThatThrownBy(() -> NotifySocket.sockaddr("/" + "x".repeat(107))).hasMessageContaining("1 to 107 bytes");
        assertThat(NotifySocket.sockaddr("/" + "x".repeat(106))).hasSize(110);
    }
}

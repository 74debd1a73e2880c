package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.RequestRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

/** The captured bodies: whole within the cap, cut at it, and the response pieces joined in order. */
class PayloadCaptureTest {

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

    @Test void theResponseIsItsPiecesInOrderAndTheSourceBuffersAreNotConsumed() {
        PayloadCapture capture = new PayloadCapture(1024);
        capture.request(HttpFields.EMPTY, bytes("{\"stream\":true}"));
        ByteBuffer first = ByteBuffer.wrap(bytes("xxevent: a\n\n")).position(2);
        capture.response(first);
        capture.response(bytes("event: b\n\n"));
        capture.response(ByteBuffer.allocate(0));
        capture.response(bytes("event: c\n\n"));

        RequestRecord.Payload p = capture.toPayload(true);

        assertThat(text(p.responseBody())).isEqualTo("event: a\n\nevent: b\n\nevent: c\n\n");
        assertThat(first.position()).isEqualTo(2);
        assertThat(first.remaining()).isEqualTo(10);
        assertThat(text(p.requestBody())).isEqualTo("{\"stream\":true}");
        assertThat(p.truncated()).isFalse();
        assertThat(p.streamed()).isTrue();
    }

    @Test void aResponseOverTheCapIsCutInsideThePieceThatCrossesItAndTheRestIsDropped() {
        PayloadCapture capture = new PayloadCapture(12);
        capture.response(bytes("0123456"));
        capture.response(bytes("789abcdef"));
        capture.response(bytes("ghij"));

        RequestRecord.Payload p = capture.toPayload(false);

        assertThat(text(p.responseBody())).isEqualTo("0123456789ab");
        assertThat(p.truncated()).isTrue();
    }

    @Test void aRequestBodyOverTheCapIsCutAndOneWithinItIsKeptWhole() {
        PayloadCapture small = new PayloadCapture(4);
        small.request(HttpFields.EMPTY, bytes("abcdefgh"));
        RequestRecord.Payload cut = small.toPayload(false);
        assertThat(text(cut.requestBody())).isEqualTo("abcd");
        assertThat(cut.truncated()).isTrue();

        PayloadCapture exact = new PayloadCapture(8);
        exact.request(HttpFields.EMPTY, bytes("abcdefgh"));
        RequestRecord.Payload whole = exact.toPayload(false);
        assertThat(text(whole.requestBody())).isEqualTo("abcdefgh");
        assertThat(whole.truncated()).isFalse();
        assertThat(whole.responseBody()).isEmpty();
    }

    @Test void aZeroCapKeepsNoBytesAndSaysSoOnlyWhenThereWereSome() {
        PayloadCapture none = new PayloadCapture(0);
        none.request(HttpFields.EMPTY, new byte[0]);
        none.response(ByteBuffer.allocate(0));
        assertThat(none.toPayload(false).truncated()).isFalse();
        none.response(bytes("x"));
        RequestRecord.Payload p = none.toPayload(false);
        assertThat(p.responseBody()).isEmpty();
        assertThat(p.truncated()).isTrue();
    }
}

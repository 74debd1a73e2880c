package ccflare.testing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseTest {
    @Test
    void parsesNamedAndUnnamedEventsAcrossLineEndings() {
        String stream = "event: a\r\ndata: 1\r\n\r\n: comment\ndata: x\ndata:y\n\nid: 7\nevent: b\rdata: {\"k\":2}\r\r";

        assertThat(Sse.parse(stream)).containsExactly(
                new Sse.Event("a", "1"), new Sse.Event("message", "x\ny"), new Sse.Event("b", "{\"k\":2}"));
    }

    @Test
    void dropsATrailingEventWithoutItsBlankLineAndEventsWithoutData() {
        assertThat(Sse.parse("event: ping\n\nevent: a\ndata: 1\n\nevent: b\ndata: 2\n")).containsExactly(new Sse.Event("a", "1"));
        assertThat(Sse.eventNames("data: [DONE]\n\n")).containsExactly("message");
    }
}

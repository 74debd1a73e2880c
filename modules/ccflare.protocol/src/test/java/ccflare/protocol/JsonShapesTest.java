package ccflare.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonShapesTest {

    static RequestSummary summary() {
        return new RequestSummary("r1", "2026-01-01T00:00:00Z", "POST", "/v1/messages", null, null, 200, true, null,
                120L, 0, "claude-x", 10L, 5L, 15L, 10L, null, null, 5L, null, 0.5, null, "anthropic", "ok", 1,
                20L, 15L, 2L, "ua", null);
    }

    @Test
    void requestDetailPutsTheSummaryFieldsAtTheTopLevelAndReadsThemBack() {
        var detail = new RequestDetail(summary(), new PayloadView(
                new PayloadView.Part(Map.of("a", "b"), "hi", null), new PayloadView.Part(Map.of(), "AAE=", "base64"), true, false));
        String json = Json.writeString(detail);
        assertThat(json).startsWith("{\"id\":\"r1\"").contains("\"accountUsed\":null").contains("\"payload\":{")
                .doesNotContain("summary");
        RequestDetail back = Json.read(json.getBytes(), RequestDetail.class);
        assertThat(back).isEqualTo(detail);
    }
}

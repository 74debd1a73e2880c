package ccflare.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The strict exposition reader accepts the grammar and refuses each way of breaking it. */
class ExpositionTest {

    private static final String GOOD = """
            # HELP http_requests_total Requests, with a \\\\ and a \\n in the help
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027
            http_requests_total{method="post",path="a \\"quoted\\" \\\\ value\\n"} 3 1395066363000
            # TYPE latency_seconds histogram
            latency_seconds_bucket{le="0.1"} 1
            latency_seconds_bucket{le="1.0"} 2
            latency_seconds_bucket{le="+Inf"} 3
            latency_seconds_sum 4.5
            latency_seconds_count 3
            # TYPE temperature gauge
            temperature -1.5e3
            """;

    @Test
    void readsSamplesLabelsEscapesAndTypes() {
        Exposition.Parsed p = Exposition.prometheusText(GOOD);
        assertThat(p.types()).containsEntry("http_requests_total", "counter").containsEntry("latency_seconds", "histogram");
        assertThat(p.find("http_requests_total", "code", "200").getFirst().value()).isEqualTo(1027);
        assertThat(p.find("http_requests_total", "path", "a \"quoted\" \\ value\n")).hasSize(1);
        assertThat(p.sum("latency_seconds_count")).isEqualTo(3);
        assertThat(p.sum("temperature")).isEqualTo(-1500);
    }

    private static void refused(String text, String why) {
        assertThatThrownBy(() -> Exposition.prometheusText(text)).isInstanceOf(Exposition.GrammarException.class)
                .hasMessageContaining(why);
    }

    @Test
    void refusesEachBrokenRule() {
        refused("a 1", "no \\n");
        refused("# TYPE a counter\na{b=\"x\\t\"} 1\n", "bad escape");
        refused("# TYPE a counter\na{b=x} 1\n", "not quoted");
        refused("# TYPE a counter\na{1b=\"x\"} 1\n", "bad label name");
        refused("# TYPE a counter\na one\n", "bad value");
        refused("# TYPE a counter\na 1\na 2\n", "the same series twice");
        refused("# TYPE a counter\na -1\n", "negative counter");
        refused("# TYPE a counter\n# TYPE a gauge\n", "a second TYPE");
        refused("# TYPE a counter\na{x=\"1\"} 1\n# TYPE b gauge\nb 1\na{x=\"2\"} 1\n", "not contiguous");
        refused("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n", "not cumulative");
        refused("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_count 2\n", "+Inf");
        refused("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 3\n", "_count");
        refused("# TYPE h histogram\nh_total 2\n", "not allowed");
        refused("# TYPE a counter\na  1\n", "bad value");
    }

    @Test
    void openMetricsNeedsTheEofLineAndTotalSuffixedCounterSamples() {
        Exposition.Parsed p = Exposition.openMetrics("# TYPE c counter\n# HELP c Things\nc_total 2\nc_created 1.7e9\n# EOF\n");
        assertThat(p.sum("c_total")).isEqualTo(2);
        assertThatThrownBy(() -> Exposition.openMetrics("# TYPE c counter\nc_total 2\n"))
                .hasMessageContaining("no # EOF");
        assertThatThrownBy(() -> Exposition.openMetrics("# TYPE c counter\nc 2\n# EOF\n"))
                .hasMessageContaining("not allowed");
        assertThatThrownBy(() -> Exposition.openMetrics("# EOF\nx 1\n")).hasMessageContaining("after # EOF");
    }
}

package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start-up line's arithmetic, on given instants; no clock is read. */
class StartTimelineTest {

    private static final long MS = 1_000_000;

    @Test
    void eachStepIsTheTimeSinceThePreviousMarkAndTheLineAddsThemUp() {
        StartTimeline t = StartTimeline.startingAt(1_000 * MS, Duration.ofMillis(140));
        t.mark("configuration", 1_035 * MS);
        t.mark("database", 1_120 * MS);
        t.mark("listen", 1_200 * MS);
        assertThat(t.steps()).containsExactly(
                new StartTimeline.Step("jvm", Duration.ofMillis(140)),
                new StartTimeline.Step("configuration", Duration.ofMillis(35)),
                new StartTimeline.Step("database", Duration.ofMillis(85)),
                new StartTimeline.Step("listen", Duration.ofMillis(80)));
        assertThat(t.line()).isEqualTo("jvm 140 ms, configuration 35 ms, database 85 ms, listen 80 ms = 340 ms");
    }

    @Test
    void aMarkBeforeThePreviousOneIsRefusedNamingBoth() {
        StartTimeline t = StartTimeline.startingAt(1_000 * MS, Duration.ZERO);
        t.mark("configuration", 1_010 * MS);
        assertThatThrownBy(() -> t.mark("database", 1_005 * MS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mark database: 1005000000 ns (expected: >= 1010000000, the previous mark)");
    }

    @Test
    void theProcessStartIsReadFromTheSystemAndMarksFollowIt() {
        StartTimeline t = StartTimeline.sinceProcessStart();
        t.mark("configuration");
        assertThat(t.steps()).extracting(StartTimeline.Step::name).endsWith("configuration");
        assertThat(t.steps()).allSatisfy(s -> assertThat(s.took().isNegative()).isFalse());
        assertThat(t.line()).contains("configuration ").endsWith(" ms");
    }
}

package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The process's age from the kernel's counters: the text parsed, then this process's own. */
class ProcessAgeTest {

    /** A real line's shape: field 22 (start time, ticks since boot) is 1234567. */
    private static final String STAT = "4242 (java) S 1 4242 4242 0 -1 4194560 9000 0 0 0 120 30 0 0 20 0 31 0 1234567 6000000000 30000 "
            + "18446744073709551615 1 1 0 0 0 0 0 4096 17663 0 0 0 17 1 0 0 0 0 0";

    @Test
    void theAgeIsTheUptimeLessTheStartInTicks() {
        assertThat(ProcessAge.of(STAT, "12346.17 24000.00\n")).contains(Duration.ofMillis(12_346_170 - 12_345_670));
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = STAT.replace("(java)", "(a (b) c)");
        assertThat(ProcessAge.of(stat, "12346.17 24000.00")).contains(Duration.ofMillis(500));
    }

    @Test
    void textNotInTheKernelsFormatGivesNoAge() {
        assertThat(ProcessAge.of("4242 java S 1", "12346.17 1")).isEmpty();
        assertThat(ProcessAge.of("4242 (java) S 1 2", "12346.17 1")).isEmpty();
        assertThat(ProcessAge.of(STAT, "soon")).isEmpty();
        assertThat(ProcessAge.of(STAT.replace(" 1234567 ", " x "), "12346.17 1")).isEmpty();
        assertThat(ProcessAge.of(STAT, "100.00 1")).as("a start after the uptime").isEmpty();
    }

    /**
     * This process's age is at most the one from {@link ProcessHandle}'s start instant, which the
     * kernel's whole-second boot time makes early by up to a second (two ticks of rounding allowed).
     */
    @Test
    void thisProcessHasAnAgeNoLongerThanTheOneFromTheWholeSecondBootTime() {
        Instant viaHandle = ProcessHandle.current().info().startInstant().orElseThrow();
        Duration age = ProcessAge.ofThisProcess().orElseThrow();
        Duration handleAge = Duration.between(viaHandle, Instant.now());
        assertThat(age).isPositive().isLessThanOrEqualTo(handleAge.plusMillis(20));
        assertThat(handleAge.minus(age)).isLessThan(Duration.ofMillis(1_020));
    }
}

package ccflare.providers;

import static ccflare.providers.HeaderValues.ABSENT;
import static ccflare.providers.HeaderValues.count;
import static ccflare.providers.HeaderValues.resetAtMs;
import static ccflare.providers.HeaderValues.retryAfterAtMs;
import static ccflare.providers.HeaderValues.text;
import static ccflare.providers.HeaderValues.utilisation;

import ccflare.core.RateLimitState;
import java.util.function.Function;

/**
 * The ChatGPT/Codex backend's usage windows: {@code x-codex-primary-*} and {@code x-codex-secondary-*}
 * ({@code used-percent} 0..100, {@code reset-at} epoch seconds or {@code reset-after-seconds},
 * {@code window-minutes}), plus the {@code x-codex-5h-reset-at} / {@code x-codex-7d-reset-at} names of
 * ccflare v2. A window at 100 % means limited; the earliest reset among exhausted windows ends the
 * cool-down. Windows of a day or less are the "5 h" window, longer ones the "7 d" window; without
 * {@code window-minutes}, primary is 5 h and secondary 7 d.
 */
final class CodexLimits {
    private static final long ONE_DAY_MINUTES = 24 * 60;

    private CodexLimits() {}

    private record Window(double used, long resetAtMs, boolean weekly) {
        boolean exhausted() { return used >= 1.0; }
    }

    static RateLimitReading read(int status, Function<String, String> header, long nowMs, RateLimitState previous) {
        Window primary = window(header, "primary", false, nowMs);
        Window secondary = window(header, "secondary", true, nowMs);
        Window fiveHour = primary != null && !primary.weekly() ? primary
                : secondary != null && !secondary.weekly() ? secondary : null;
        Window sevenDay = secondary != null && secondary.weekly() ? secondary
                : primary != null && primary.weekly() ? primary : null;
        long fiveHourNamedReset = resetAtMs(text(header, "x-codex-5h-reset-at"), nowMs);
        long sevenDayNamedReset = resetAtMs(text(header, "x-codex-7d-reset-at"), nowMs);
        long fiveHourReset = fiveHour != null && fiveHour.resetAtMs() != ABSENT ? fiveHour.resetAtMs() : fiveHourNamedReset;
        long sevenDayReset = sevenDay != null && sevenDay.resetAtMs() != ABSENT ? sevenDay.resetAtMs() : sevenDayNamedReset;

        boolean primaryOut = primary != null && primary.exhausted();
        boolean secondaryOut = secondary != null && secondary.exhausted();
        boolean limited = status == 429 || primaryOut || secondaryOut;
        long retryAfter = retryAfterAtMs(text(header, "retry-after"), null, nowMs);
        long providerReset = ABSENT;
        long coolUntil;
        if (limited) {
            providerReset = CoolDown.earliestAfter(nowMs,
                    primaryOut ? reset(primary, fiveHourNamedReset, sevenDayNamedReset) : ABSENT,
                    secondaryOut ? reset(secondary, fiveHourNamedReset, sevenDayNamedReset) : ABSENT);
            coolUntil = CoolDown.until(nowMs, providerReset, retryAfter);
        } else {
            coolUntil = CoolDown.isTransient(status) ? CoolDown.transientUntil(nowMs, retryAfter) : 0;
        }

        RateLimitState state = new RateLimitState(
                previous.status(),
                providerReset != ABSENT ? providerReset : previous.resetAtMs(),
                previous.remaining(),
                limited ? coolUntil : previous.limitedUntilMs(),
                fiveHour != null ? fiveHour.used() : previous.fiveHourUtilisation(),
                fiveHourReset != ABSENT ? fiveHourReset : previous.fiveHourResetAtMs(),
                sevenDay != null ? sevenDay.used() : previous.sevenDayUtilisation(),
                sevenDayReset != ABSENT ? sevenDayReset : previous.sevenDayResetAtMs());
        return new RateLimitReading(state, limited, coolUntil);
    }

    /** A window's own reset, else the v2-named reset of its kind. */
    private static long reset(Window w, long fiveHourNamedReset, long sevenDayNamedReset) {
        if (w.resetAtMs() != ABSENT) return w.resetAtMs();
        return w.weekly() ? sevenDayNamedReset : fiveHourNamedReset;
    }

    /** One window, or null when its used-percent is absent or garbage. */
    private static Window window(Function<String, String> header, String name, boolean weeklyByDefault, long nowMs) {
        String prefix = "x-codex-" + name + "-";
        double used = utilisation(text(header, prefix + "used-percent"), true);
        if (Double.isNaN(used)) return null;
        long resetAt = resetAtMs(text(header, prefix + "reset-at"), nowMs);
        if (resetAt == ABSENT) {
            long after = count(text(header, prefix + "reset-after-seconds"));
            if (after != ABSENT) resetAt = nowMs + Math.min(after, CoolDown.MAX_PROVIDER_RESET_MS / 1000) * 1000;
        }
        long minutes = count(text(header, prefix + "window-minutes"));
        boolean weekly = minutes == ABSENT ? weeklyByDefault : minutes > ONE_DAY_MINUTES;
        return new Window(used, resetAt, weekly);
    }
}

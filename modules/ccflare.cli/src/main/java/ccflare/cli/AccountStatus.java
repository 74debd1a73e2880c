package ccflare.cli;

import ccflare.protocol.AccountView;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * An account's state in one word or two, as the TUI shows it: active, paused, cooling with the
 * time left until the provider's reset, needs re-auth, no credentials.
 */
record AccountStatus(String text, Table.Tone tone) {

    static AccountStatus of(AccountView a, Instant now) {
        if (a.needsReauth()) return new AccountStatus("needs re-auth", Table.Tone.BAD);
        if (a.paused()) return new AccountStatus("paused", Table.Tone.WARN);
        if (!a.hasCredentials()) return new AccountStatus("no credentials", Table.Tone.BAD);
        String rl = a.rateLimitStatus() == null || a.rateLimitStatus().isBlank() ? "OK" : a.rateLimitStatus();
        String lower = rl.toLowerCase(Locale.ROOT);
        boolean limited = !(lower.equals("ok") || lower.startsWith("allowed") || lower.startsWith("queueing_soft"));
        Optional<Instant> reset = instant(a.rateLimitReset());
        if (limited && reset.isPresent() && reset.get().isAfter(now)) {
            return new AccountStatus("cooling " + Display.span(Duration.between(now, reset.get())), Table.Tone.BAD);
        }
        if (lower.contains("warning")) return new AccountStatus("active (warning)", Table.Tone.WARN);
        return new AccountStatus("active", Table.Tone.GOOD);
    }

    static Optional<Instant> instant(String iso) {
        if (iso == null || iso.isBlank()) return Optional.empty();
        try {
            return Optional.of(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}

package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ccflare.core.Account;
import ccflare.core.ProviderKind;
import ccflare.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionStrategyTest {

    static final Duration FIVE_HOURS = Duration.ofHours(5);
    final ManualClock clock = new ManualClock(1_800_000_000_000L);

    Account account(String id, int priority, long createdAtMs) {
        return Account.create(id, id, ProviderKind.CLAUDE_CODE, priority, "", createdAtMs);
    }

    List<String> ids(List<Account> accounts) { return accounts.stream().map(Account::id).toList(); }

    @Test void ordersByPriorityThenCreationWhenNoSessionIsLive() {
        Account late = account("late", 0, 300);
        Account early = account("early", 0, 100);
        Account low = account("low", 5, 0);
        assertThat(ids(SessionStrategy.candidates(List.of(low, late, early), clock.millis(), FIVE_HOURS)))
                .containsExactly("early", "late", "low");
    }

    @Test void staysOnTheAccountWithTheLiveSessionEvenAboveABetterPriority() {
        Account first = account("first", 0, 0);
        Account sticky = account("sticky", 3, 0).usedAt(clock.millis(), FIVE_HOURS.toMillis());
        clock.advance(Duration.ofHours(4));
        assertThat(ids(SessionStrategy.candidates(List.of(first, sticky), clock.millis(), FIVE_HOURS)))
                .containsExactly("sticky", "first");
    }

    @Test void prefersTheMostRecentlyStartedLiveSession() {
        Account older = account("older", 0, 0).usedAt(clock.millis(), FIVE_HOURS.toMillis());
        clock.advance(Duration.ofMinutes(10));
        Account newer = account("newer", 1, 0).usedAt(clock.millis(), FIVE_HOURS.toMillis());
        assertThat(ids(SessionStrategy.candidates(List.of(older, newer), clock.millis(), FIVE_HOURS)))
                .containsExactly("newer", "older");
    }

    @Test void aSessionExpiresAfterItsDurationFromItsStart() {
        Account first = account("first", 0, 0);
        Account sticky = account("sticky", 3, 0).usedAt(clock.millis(), FIVE_HOURS.toMillis());
        clock.advance(FIVE_HOURS);
        assertThat(ids(SessionStrategy.candidates(List.of(first, sticky), clock.millis(), FIVE_HOURS)))
                .containsExactly("first", "sticky");
    }

    @Test void leavesOutPausedCoolingAndReauthAccountsAndMovesOffThem() {
        long now = clock.millis();
        Account sticky = account("sticky", 0, 0).usedAt(now, FIVE_HOURS.toMillis());
        Account cooling = sticky.withRateLimit(sticky.rateLimit().withLimitedUntil(now + 1));
        Account paused = account("paused", 0, 1).withPaused(true);
        Account reauth = account("reauth", 0, 2).withNeedsReauth(true);
        Account spare = account("spare", 9, 3);
        assertThat(ids(SessionStrategy.candidates(List.of(cooling, paused, reauth, spare), now, FIVE_HOURS)))
                .containsExactly("spare");
        assertThat(ids(SessionStrategy.candidates(List.of(cooling, spare), now + 1, FIVE_HOURS)))
                .containsExactly("sticky", "spare");
    }

    @Test void emptyWhenNothingIsAvailable() {
        assertThat(SessionStrategy.candidates(List.of(account("p", 0, 0).withPaused(true)), clock.millis(), FIVE_HOURS)).isEmpty();
        assertThat(SessionStrategy.candidates(List.of(), clock.millis(), FIVE_HOURS)).isEmpty();
    }

    @Test void rejectsANonPositiveSessionDuration() {
        assertThatThrownBy(() -> SessionStrategy.candidates(List.of(), 0, Duration.ZERO))
                .hasMessage("sessionDuration: PT0S (expected: > 0)");
    }
}

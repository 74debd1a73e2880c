package ccflare.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.AccountRegistry;
import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.testing.ManualClock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** One response's limits applied to its account as one atomic update of the current state. */
class RateLimitUpdateTest {

    static final long T0 = 1_800_000_000_000L;
    final ManualClock clock = new ManualClock(T0);
    final AccountRegistry accounts = new AccountRegistry(new InMemoryAccountStore(), clock);
    final FakeAdapter adapter = new FakeAdapter(ProviderKind.ANTHROPIC);

    /**
     * Two answers on one account at once: a 200 whose headers are read slowly, and a 429 that
     * arrives meanwhile. Read outside the update (as Exchange.onHead did), the 200 wrote back the
     * state it had read before the 429 and wiped the 429's cool-down; read inside, whichever
     * order the two updates take, the cool-down stays.
     */
    @Test void aParallel200CannotWipeTheCoolDownOfA429OnTheSameAccount() throws Exception {
        String id = accounts.add("a", "a", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("key-a")).id();
        CountDownLatch reading200 = new CountDownLatch(1);
        CompletableFuture<Void> done429 = new CompletableFuture<>();
        Function<String, String> slow200 = name -> {
            reading200.countDown();
            try {
                // Waits for the 429 to be applied; with the update inside changeState the 429 waits
                // for this one instead, so the wait ends by its bound and the 429 comes second.
                done429.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // the 429 is queued behind this update
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return null;
        };
        CompletableFuture<RateLimitUpdate.Applied> ok = CompletableFuture.supplyAsync(() -> RateLimitUpdate.apply(accounts,
                accounts.byId(id).orElseThrow(), adapter, 200, slow200, clock.millis()));
        assertThat(reading200.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<RateLimitUpdate.Applied> limited = CompletableFuture.supplyAsync(() -> RateLimitUpdate.apply(accounts,
                accounts.byId(id).orElseThrow(), adapter, 429, Map.of("retry-after", "30")::get, clock.millis()));
        limited.whenComplete((r, e) -> done429.complete(null));

        ok.get(10, TimeUnit.SECONDS);
        assertThat(limited.get(10, TimeUnit.SECONDS).newlyLimited()).isTrue();
        assertThat(accounts.byId(id).orElseThrow().rateLimit().limitedUntilMs()).isEqualTo(T0 + 30_000);
    }

    @Test void aLimitWithoutAResetRestsTheDefaultAndCountsAsNewOnlyOnce() {
        String id = accounts.add("a", "a", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("key-a")).id();
        RateLimitUpdate.Applied first = RateLimitUpdate.apply(accounts, accounts.byId(id).orElseThrow(), adapter, 429,
                Map.<String, String>of()::get, T0);
        assertThat(first.state().limitedUntilMs()).isEqualTo(T0 + FailoverPolicy.DEFAULT_LIMIT_COOL_MS);
        assertThat(first.newlyLimited()).isTrue();
        RateLimitUpdate.Applied again = RateLimitUpdate.apply(accounts, accounts.byId(id).orElseThrow(), adapter, 429,
                Map.<String, String>of()::get, T0 + 1_000);
        assertThat(again.newlyLimited()).isFalse();
    }
}

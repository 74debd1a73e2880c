package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Account;
import ccflare.core.ProviderKind;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Every change to an account through the API is one log line in words (issue 18 item 2). */
class AccountChangesTest {

    @TempDir Path dir;

    @Test
    void aChangeIsDescribedFromBeforeAndAfter() {
        Account a = Account.create("id", "work", ProviderKind.ANTHROPIC, 0, "", 1);
        assertThat(AccountChanges.describe(a, a)).isEmpty();
        assertThat(AccountChanges.describe(a, a.withPaused(true))).isEqualTo("account 'work' paused");
        assertThat(AccountChanges.describe(a.withPaused(true), a)).isEqualTo("account 'work' resumed");
        assertThat(AccountChanges.describe(a, a.withName("job").withPriority(3)))
                .isEqualTo("account 'work' renamed to 'job', priority 0 → 3");
        assertThat(AccountChanges.describe(a, a.withBaseUrl("https://gw.example"))).isEqualTo("account 'work' base URL set to https://gw.example");
        assertThat(AccountChanges.describe(a.withBaseUrl("https://gw.example"), a))
                .isEqualTo("account 'work' base URL back to the provider's default");
        assertThat(AccountChanges.added(a)).isEqualTo("account 'work' added (anthropic, priority 0)");
        assertThat(AccountChanges.removed(a)).isEqualTo("account 'work' removed (anthropic; its request history stays)");
    }

    @Test
    void theApiLogsAddPauseResumeRenamePriorityAndRemove() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        try (ApiFixture f = new ApiFixture(dir)) {
            assertThat(f.post("/api/accounts", "{\"name\":\"work\",\"provider\":\"anthropic\",\"apiKey\":\"sk-log-canary\"}").status())
                    .isEqualTo(201);
            f.post("/api/accounts/work/pause", null);
            f.post("/api/accounts/work/pause", null); // already paused: no change, no line
            f.post("/api/accounts/work/resume", null);
            f.post("/api/accounts/work/rename", "{\"name\":\"job\"}");
            f.post("/api/accounts/job/priority", "{\"priority\":4}");
            f.patch("/api/accounts/job", "{\"paused\":true,\"priority\":1}");
            f.delete("/api/accounts/job");
        } finally {
            root.detachAppender(logs);
        }
        List<String> lines;
        synchronized (logs) { lines = new ArrayList<>(logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList()); }
        assertThat(lines.stream().filter(l -> l.startsWith("account '")).toList()).containsExactly(
                "account 'work' added (anthropic, priority 0)",
                "account 'work' paused",
                "account 'work' resumed",
                "account 'work' renamed to 'job'",
                "account 'job' priority 0 → 4",
                "account 'job' paused, priority 4 → 1",
                "account 'job' removed (anthropic; its request history stays)");
        assertThat(lines).noneMatch(l -> l.contains("sk-log-canary"));
    }
}

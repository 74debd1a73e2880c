package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.function.BooleanSupplier;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole TUI (shell, reducer, screens) driven through a JLine terminal of fixed size built on
 * streams: key bytes go in through a pipe, JLine's Display writes to a buffer, and the daemon is a
 * live API on a real Unix socket ({@link TuiLiveDaemon}). Assertions poll the drawn screen with a
 * deadline; no sleep is an assertion.
 */
class TuiShellTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    TuiLiveDaemon daemon;
    PipedOutputStream keys;
    ByteArrayOutputStream written;
    Terminal terminal;
    TuiShell shell;
    Thread loop;
    volatile Throwable failure;

    @BeforeEach
    void start() throws Exception {
        daemon = new TuiLiveDaemon();
    }

    void open(String type, boolean colour) throws Exception {
        open(type, colour, new StartPlan.Unavailable("not in this test"));
    }

    void open(String type, boolean colour, StartPlan plan) throws Exception {
        keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 4096);
        written = new ByteArrayOutputStream();
        terminal = TerminalBuilder.builder().system(false).streams(in, written).type(type).size(new Size(120, 30))
                .encoding(StandardCharsets.UTF_8).build();
        shell = new TuiShell(terminal, daemon.socket, colour, ZoneOffset.UTC, InstantSource.system(), plan);
        loop = Thread.ofPlatform().name("tui-test").start(() -> {
            try {
                shell.run();
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null && loop.isAlive()) {
            press("q");
            loop.join(WAIT.toMillis());
        }
        if (terminal != null) terminal.close();
        daemon.close();
    }

    void press(String bytes) throws Exception {
        keys.write(bytes.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + "; the screen:\n" + shell.screen()
                        + "\nopen=" + shell.model().requests().openId() + " notice=" + shell.model().notice() + " overlay=" + shell.model().overlay() + " failure=" + failure + "\nthe daemon received: " + daemon.received, failure);
            }
            Thread.sleep(20);
        }
    }

    void awaitScreen(String text) throws InterruptedException {
        await("'" + text + "' on the screen", () -> shell.screen().contains(text));
    }

    String output() { return written.toString(StandardCharsets.UTF_8); }

    @Test
    void screensShowTheDaemonsAccountsRequestsAndLogs() throws Exception {
        open("xterm-256color", true);
        awaitScreen("● connected");
        awaitScreen("ccflare 0.1.0");
        press("2");
        awaitScreen("p pause/resume");
        awaitScreen("claude-code"); // the provider column: the accounts table, once read
        assertThat(shell.screen()).contains("personal-max").contains("work").contains("team");
        press("3");
        awaitScreen("Enter details");
        awaitScreen("claude-opus-4-1");
        press("4");
        awaitScreen("live line");
        assertThat(shell.screen()).contains("second");
        press("?");
        awaitScreen("Keys (any key closes this help)");
        assertThat(failure).isNull();
    }

    @Test
    void aRequestServedDuringTheTestAppearsInRequests() throws Exception {
        open("xterm-256color", true);
        press("3");
        awaitScreen("claude-opus-4-1");
        await("the live stream to be followed", () -> daemon.received.contains("GET /api/requests/stream"));
        // The stream is followed once its first event arrived; serve until the row shows.
        String id = daemon.serveRequest("claude-haiku-live-test");
        awaitScreen("claude-haiku-live-test");
        // Enter on the newest row opens its detail, read from /api/requests/{id}.
        press("\r");
        awaitScreen("Request " + id);
        awaitScreen("Hello from upstream");
        press("\033");
        awaitScreen("Enter details");
    }

    @Test
    void pausingFromTheAccountsScreenPausesTheAccountInTheDaemon() throws Exception {
        open("xterm-256color", true);
        press("2");
        awaitScreen("work");
        assertThat(daemon.paused("work")).isFalse();
        press("p");
        await("work paused in the daemon", () -> daemon.paused("work"));
        assertThat(daemon.received).contains("POST /api/accounts/a1/pause");
        awaitScreen("paused work");
    }

    @Test
    void qRestoresTheTerminal() throws Exception {
        open("xterm-256color", true);
        // (The attributes before the TUI cannot be read here: open() has started it, so it may be in raw mode already.
        // A fresh line-discipline terminal is canonical with echo on; that is what q must give back.)
        awaitScreen("● connected");
        assertThat(terminal.getAttributes().getLocalFlag(Attributes.LocalFlag.ICANON)).isFalse();
        press("q");
        loop.join(WAIT.toMillis());
        assertThat(loop.isAlive()).isFalse();
        assertThat(failure).isNull();
        assertThat(terminal.getAttributes().getLocalFlag(Attributes.LocalFlag.ICANON)).isTrue();
        assertThat(terminal.getAttributes().getLocalFlag(Attributes.LocalFlag.ECHO)).isTrue();
        String rmcup = "\u001b[?1049l"; // xterm's exit_ca_mode
        String smcup = "\u001b[?1049h";
        assertThat(rmcup).isNotEmpty();
        await("the alternate screen left", () -> output().lastIndexOf(rmcup) > output().lastIndexOf(smcup)
                && output().contains(smcup));
    }

    @Test
    void ctrlCQuitsAndRestores() throws Exception {
        open("xterm-256color", true);
        awaitScreen("● connected");
        press("\003");
        loop.join(WAIT.toMillis());
        assertThat(loop.isAlive()).isFalse();
        assertThat(terminal.getAttributes().getLocalFlag(Attributes.LocalFlag.ECHO)).isTrue();
    }

    @Test
    void daemonGoneShowsDisconnectedThenReconnectsByItself() throws Exception {
        open("xterm-256color", true);
        awaitScreen("● connected");
        await("the live stream to be followed", () -> streamsOpened() == 1);
        daemon.stop();
        awaitScreen("disconnected");
        daemon.start();
        awaitScreen("● connected");
        // The accounts are read again from the restarted daemon,
        int before = (int) daemon.received.stream().filter("GET /api/accounts"::equals).count();
        await("the accounts read again", () -> daemon.received.stream().filter("GET /api/accounts"::equals).count() > before);
        press("2");
        awaitScreen("p pause/resume");
        awaitScreen("claude-code");
        assertThat(shell.screen()).contains("personal-max");
        // and the live stream is followed again: a request the restarted daemon serves appears.
        // (Counting the stream's GETs: the first daemon's is in the log too. The fake daemon logs
        // the GET a moment before it registers the follower, so serve until the row shows.)
        await("the live stream followed again", () -> streamsOpened() == 2);
        press("3");
        awaitScreen("Enter details");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!shell.screen().contains("claude-after-restart")) {
            if (System.nanoTime() > deadline) throw new AssertionError("no live row after the restart; the screen:\n" + shell.screen());
            daemon.serveRequest("claude-after-restart");
            Thread.sleep(300);
        }
        assertThat(streamsOpened()).as("one follower, not two").isEqualTo(2);
    }

    private long streamsOpened() {
        return daemon.received.stream().filter("GET /api/requests/stream"::equals).count();
    }

    @Test
    void daemonKilledThenQuitRestoresTheTerminal() throws Exception {
        open("xterm-256color", true);
        awaitScreen("● connected");
        daemon.stop();
        awaitScreen("disconnected");
        press("q");
        loop.join(WAIT.toMillis());
        assertThat(loop.isAlive()).isFalse();
        assertThat(failure).isNull();
        assertThat(terminal.getAttributes().getLocalFlag(Attributes.LocalFlag.ICANON)).isTrue();
        // The terminal may be a pseudo-terminal whose output a JLine thread copies: wait for it.
        await("the alternate screen left", () -> output().contains("\u001b[?1049l"));
    }

    @Test
    void resizeRedrawsAtTheNewSize() throws Exception {
        open("xterm-256color", true);
        press("2");
        awaitScreen("personal-max");
        terminal.setSize(new Size(60, 12));
        terminal.raise(Terminal.Signal.WINCH);
        await("a 12-line frame", () -> shell.screen().lines().count() == 12);
        assertThat(shell.screen().lines()).allSatisfy(l -> assertThat(Layout.cells(l)).isLessThanOrEqualTo(60));
        assertThat(shell.screen()).contains("personal-max");
    }

    @Test
    void dumbTerminalGetsPlainTextWithoutEscapes() throws Exception {
        open("dumb", true);
        await("plain frames", () -> output().contains("personal-max") || output().contains("● connected"));
        awaitScreen("● connected");
        press("2");
        await("the accounts as plain text", () -> output().contains("personal-max"));
        assertThat(output()).doesNotContain("\u001b[");
    }

    @Test
    void aSubscriptionIsAddedBySigningInWithThePastedCode() throws Exception {
        open("xterm-256color", true);
        press("2");
        awaitScreen("claude-code");
        press("o");
        awaitScreen("Name of the new subscription account:");
        press("maxi\r");
        awaitScreen("1 Claude (claude-code) or 2 ChatGPT (codex)");
        press("1\r");
        awaitScreen("https://auth.example/oauth/authorize?code=true&client_id=abc&state=state-of-flow-new");
        awaitScreen("Open the URL, sign in, and paste the code shown afterwards.");
        assertThat(daemon.signInBodies.getFirst()).isEqualTo("{\"name\":\"maxi\"}");
        // Tab prints the address alone on the normal screen, on one line to copy; any key comes back.
        int before = output().length();
        press("\t");
        String url = "https://auth.example/oauth/authorize?code=true&client_id=abc&state=state-of-flow-new&code_challenge=" + "c".repeat(43);
        // (xterm's exit_ca_mode also restores the title: match its first part, then the address on a line of its own)
        await("the address printed alone", () -> output().substring(before).contains("\u001b[?1049l")
                && output().substring(output().lastIndexOf("\u001b[?1049l")).contains("\n" + url + "\r"));
        press("x");
        await("the full screen back", () -> output().lastIndexOf("\u001b[?1049h") > output().lastIndexOf(url));
        awaitScreen("Waiting for the sign-in");
        assertThat(shell.model().overlay()).isInstanceOfSatisfying(TuiModel.Overlay.SignIn.class,
                s -> assertThat(s.input()).as("the key that came back is not typed into the code").isEmpty());
        press("wrong#code\r");
        awaitScreen("state does not match this sign-in; start again — paste again");
        press(TuiLiveDaemon.GOOD_CODE);
        awaitScreen("Code (CODE#STATE or the address the browser was sent to): " + "*".repeat(TuiLiveDaemon.GOOD_CODE.length()));
        assertThat(shell.screen()).doesNotContain(TuiLiveDaemon.GOOD_CODE);
        press("\r");
        awaitScreen("maxi added");
        assertThat(daemon.signInBodies.getLast()).contains("\"flowId\":\"flow-new\"", TuiLiveDaemon.GOOD_CODE);
        assertThat(daemon.received).contains("POST /api/auth/claude-code/init", "POST /api/auth/claude-code/complete");
    }

    @Test
    void theSelectedSubscriptionIsSignedInAgainAndEscCancels() throws Exception {
        open("xterm-256color", true);
        press("2");
        awaitScreen("personal-max");
        press("S"); // the first row, work, uses an API key
        awaitScreen("work uses an API key: there is no sign-in to renew");
        press("\033[B"); // down to personal-max (claude-code)
        await("personal-max selected", () -> shell.model().accounts().selected().map(a -> a.name().equals("personal-max")).orElse(false));
        press("S");
        awaitScreen("Signing personal-max (claude-code) in again");
        awaitScreen("state=state-of-flow-again");
        assertThat(daemon.signInBodies).contains("/api/accounts/a2/reauthenticate");
        press("\033");
        awaitScreen("sign-in cancelled");
    }

    @Test
    void pressingDownAtTheLastRequestLoadsTheOlderPage() throws Exception {
        open("xterm-256color", true);
        press("3");
        awaitScreen("claude-opus-4-1");
        press("G");
        press("j");
        awaitScreen("claude-older-page-1");
        assertThat(shell.screen()).contains("claude-older-page-3");
        assertThat(daemon.received.stream().anyMatch(r -> r.startsWith("GET /api/requests?limit=200&before="))).isTrue();
        press("G");
        press("j");
        awaitScreen("no older requests");
    }

    @Test
    void withNoDaemonItOffersToStartOneAndStopsItOnQuit() throws Exception {
        daemon.stop();
        java.nio.file.Path pidFile = daemon.dir.resolve("child.pid");
        java.nio.file.Path launcher = daemon.dir.resolve("ccflare");
        java.nio.file.Files.writeString(launcher, "#!/bin/sh\necho $$ > " + pidFile + "\n"
                + "echo '12:00:00.000 WARN  ccflare.server - the child daemon says hello'\nexec sleep 300\n");
        launcher.toFile().setExecutable(true);
        open("xterm-256color", true, new StartPlan.Offer(launcher));
        awaitScreen("No ccflare daemon answers.");
        awaitScreen("Start a daemon now? y yes");
        press("y");
        await("the launcher to run", () -> java.nio.file.Files.exists(pidFile) && !readQuietly(pidFile).isBlank());
        long pid = Long.parseLong(readQuietly(pidFile).strip());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        press("4");
        awaitScreen("the child daemon says hello");
        daemon.start(); // the child's daemon is up: the screen connects to it
        awaitScreen("● connected");
        press("q");
        loop.join(WAIT.toMillis());
        assertThat(loop.isAlive()).isFalse();
        await("the child stopped with the TUI", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void declinedOrWithAServiceInstalledNothingIsStarted() throws Exception {
        daemon.stop();
        open("xterm-256color", true, new StartPlan.Service("the ccflare service is installed (/etc/systemd/system/ccflare.service):"
                + " start it with systemctl start ccflare"));
        awaitScreen("disconnected");
        await("the hint", () -> shell.model().daemon().note().contains("systemctl start ccflare"));
        assertThat(shell.screen()).doesNotContain("Start a daemon now?");
    }

    private static String readQuietly(java.nio.file.Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}

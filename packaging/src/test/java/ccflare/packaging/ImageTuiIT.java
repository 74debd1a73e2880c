package ccflare.packaging;

import static ccflare.packaging.Launches.awaitHealth;
import static ccflare.packaging.Launches.freePort;
import static ccflare.packaging.Launches.output;
import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.FakeUpstream;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ccflarectl tui} from the image, in a real pseudo-terminal (tmux, installed by
 * {@code scripts/test.sh}), against the image's real daemon with a real SQLite file and the fake
 * upstream: the screens show the daemon's accounts and a request sent meanwhile, {@code p} pauses
 * an account for real, and {@code q} quits with status 0 and the shell's screen back.
 */
class ImageTuiIT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final String TOKEN = "tui-image-test-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path home;
    private Path runtime;
    private Process daemon;
    private FakeUpstream upstream;
    private HttpClient http;
    private URI base;
    private final String tmuxServer = "ccflare-it-" + ProcessHandle.current().pid();

    @AfterEach
    void stop() throws Exception {
        tmux("kill-server");
        if (daemon != null) {
            daemon.destroy();
            if (!daemon.waitFor(15, TimeUnit.SECONDS)) daemon.destroyForcibly();
        }
        if (upstream != null) upstream.close();
        if (http != null) http.close();
        if (runtime != null) {
            try (Stream<Path> files = Files.walk(runtime)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void theTuiShowsTheRealDaemonAndActsOnIt() throws Exception {
        runtime = Files.createTempDirectory(Path.of("/tmp"), "cc");
        upstream = FakeUpstream.start();
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port);
        Path log = home.resolve("daemon.log");
        ProcessBuilder pb = new ProcessBuilder(IMAGE.resolve("bin/ccflare").toString());
        environment(pb.environment());
        pb.environment().putAll(Map.of("PORT", Integer.toString(port), "CCFLARE_ADMIN_TOKEN", TOKEN));
        daemon = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        awaitHealth(http, base, daemon, log);
        for (String name : List.of("tui-work", "tui-spare")) {
            HttpResponse<String> r = api("POST", "/api/accounts", JSON.writeValueAsString(Map.of("name", name, "provider", "anthropic",
                    "apiKey", "sk-ant-" + name + "-0123456789", "baseUrl", upstream.baseUri().toString())));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }

        Path exit = home.resolve("tui.exit");
        StringBuilder command = new StringBuilder("env -i");
        Map<String, String> env = new java.util.TreeMap<>();
        environment(env);
        env.put("TERM", "xterm-256color");
        env.put("PATH", "/usr/bin:/bin");
        env.forEach((k, v) -> command.append(' ').append(k).append('=').append(quote(v)));
        command.append(' ').append(quote(IMAGE.resolve("bin/ccflarectl").toString())).append(" tui; echo \"exit=$?\" > ")
                .append(quote(exit.toString())).append("; sleep 30");
        assertThat(tmux("new-session", "-d", "-s", "tui", "-x", "120", "-y", "32", command.toString())).isZero();

        String accounts = awaitScreen(s -> s.contains("tui-work") && s.contains("tui-spare"), "the accounts on the overview");
        assertThat(accounts).contains("Overview");

        tmux("send-keys", "-t", "tui", "2");
        String table = awaitScreen(s -> s.contains("[2 Accounts]") && s.contains("tui-work"), "the accounts screen");
        assertThat(table).contains("anthropic", "active");
        // p pauses the selected row (the first); whichever it is, the daemon must say so too.
        tmux("send-keys", "-t", "tui", "p");
        String paused = awaitScreen(s -> s.lines().anyMatch(l -> l.contains("tui-") && l.contains("paused")), "an account shown paused");
        String line = paused.lines().filter(l -> l.contains("tui-") && l.contains("paused")).findFirst().orElseThrow();
        String selected = line.contains("tui-spare") ? "tui-spare" : "tui-work";
        assertThat(JSON.readTree(api("GET", "/api/accounts/" + selected, null).body()).path("paused").asBoolean()).isTrue();

        HttpResponse<String> served = http.send(HttpRequest.newBuilder(base.resolve("/v1/messages")).timeout(Duration.ofSeconds(15))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01").header("x-api-key", "sk-client")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"from the tui test\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        tmux("send-keys", "-t", "tui", "3");
        String requests = awaitScreen(s -> s.contains("[3 Requests]") && s.contains("claude-sonnet-4-5"), "the request on the requests screen");
        String other = selected.equals("tui-work") ? "tui-spare" : "tui-work";
        assertThat(requests).contains(other).contains("200");

        tmux("send-keys", "-t", "tui", "q");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(exit) && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(exit).as("ccflarectl tui ended after q; screen:%n%s", screen()).exists();
        assertThat(Files.readString(exit).strip()).isEqualTo("exit=0");
        // The alternate screen was left: what remains is the shell's screen, not the TUI's frame.
        assertThat(screen()).doesNotContain("[3 Requests]");
        assertThat(output(log)).doesNotContain("ERROR", "Exception");
    }

    /**
     * No daemon yet: the image's TUI offers to start the image's own daemon, {@code y} starts it
     * as a child, the screen connects to it, and {@code q} stops it again. The time from starting
     * the TUI to its first frame is written to {@code target/tui-figures.txt} (polled every 50 ms,
     * so an upper bound).
     */
    @Test
    void withNoDaemonTheTuiStartsTheImagesDaemonAndStopsItOnQuit() throws Exception {
        runtime = Files.createTempDirectory(Path.of("/tmp"), "cc");
        int port = freePort();
        base = URI.create("http://127.0.0.1:" + port);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Path exit = home.resolve("tui.exit");
        StringBuilder command = new StringBuilder("env -i");
        Map<String, String> env = new java.util.TreeMap<>();
        environment(env);
        env.put("TERM", "xterm-256color");
        env.put("PATH", "/usr/bin:/bin");
        env.put("PORT", Integer.toString(port));
        env.put("CCFLARE_ADMIN_TOKEN", TOKEN);
        env.forEach((k, v) -> command.append(' ').append(k).append('=').append(quote(v)));
        command.append(' ').append(quote(IMAGE.resolve("bin/ccflarectl").toString())).append(" tui; echo \"exit=$?\" > ")
                .append(quote(exit.toString())).append("; sleep 30");
        long started = System.nanoTime();
        assertThat(tmux("new-session", "-d", "-s", "tui", "-x", "120", "-y", "32", command.toString())).isZero();
        awaitScreen(s -> s.contains("1 Overview") && s.contains("ccflare"), "the first frame", 50);
        double firstFrameMs = (System.nanoTime() - started) / 1e6;
        String offer = awaitScreen(s -> s.contains("Start a daemon now?"), "the offer to start a daemon", 100);
        assertThat(offer).contains("No ccflare daemon answers.", IMAGE.resolve("bin/ccflare").toAbsolutePath().getFileName().toString());

        tmux("send-keys", "-t", "tui", "y");
        // (tmux under env -i has no UTF-8 locale and shows the dot as '?': match the words)
        String connected = awaitScreen(s -> s.contains(" connected") && s.contains("port " + port),
                "the screen connected to the daemon it started", 100);
        assertThat(connected).contains("it stops when you quit");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        // The daemon this test's TUI started: this image's, with this test's port (other daemons of
        // this image, or of other builds, may run on the machine).
        String image = IMAGE.toRealPath().toString();
        long childPid = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("ccflare.server") && c.contains(image)).orElse(false))
                .filter(p -> environ(p.pid()).contains("PORT=" + port))
                .map(ProcessHandle::pid).findFirst().orElse(-1L);
        assertThat(childPid).as("the daemon the TUI started, running from %s", image).isPositive();

        tmux("send-keys", "-t", "tui", "q");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(exit) && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(exit).as("ccflarectl tui ended after q; screen:%n%s", screen()).exists();
        assertThat(Files.readString(exit).strip()).isEqualTo("exit=0");
        boolean refused = false;
        try {
            http.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            refused = true;
        }
        assertThat(refused).as("the daemon the TUI started stopped with it").isTrue();
        // Its port closes before its JVM has finished exiting: wait for the process itself.
        long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (running(childPid) && System.nanoTime() < gone) Thread.sleep(50);
        assertThat(running(childPid)).as("the daemon's process (pid %d) ended: %s", childPid, procStat(childPid)).isFalse();

        String figure = "ccflarectl tui from the image: first frame within %.0f ms of starting it (tmux, polled every 50 ms)%n"
                .formatted(firstFrameMs);
        Files.writeString(Path.of("target/tui-figures.txt"), figure);
        System.out.print(figure);
    }

    private String awaitScreen(Predicate<String> ready, String what) throws Exception {
        return awaitScreen(ready, what, 100);
    }

    private String awaitScreen(Predicate<String> ready, String what, long pollMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = screen();
            if (ready.test(last)) return last;
            Thread.sleep(pollMs);
        }
        throw new AssertionError("never saw " + what + "; last screen:\n" + last);
    }

    private String screen() throws Exception {
        Process p = new ProcessBuilder("tmux", "-L", tmuxServer, "capture-pane", "-p", "-t", "tui").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(5, TimeUnit.SECONDS);
        return text;
    }

    private int tmux(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", tmuxServer, "-f", "/dev/null"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    private void environment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("ccflare_") || k.startsWith("XDG_")
                || k.equals("PORT") || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY") || k.equals("NO_COLOR"));
        env.putAll(Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", runtime.toString(),
                "CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString()));
    }

    private static String quote(String s) { return "'" + s.replace("'", "'\\''") + "'"; }

    private HttpResponse<String> api(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(15))
                .header("authorization", "Bearer " + TOKEN);
        if (json != null) b.header("content-type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Alive and not a zombie: an ended child whose parent is gone may wait for a reaper, still listed. */
    private static boolean running(long pid) {
        String stat = procStat(pid);
        if (stat.isEmpty()) return false;
        // pid (comm) STATE ...: the state follows the last ')'
        char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
        return state != 'Z' && state != 'X';
    }

    private static List<String> environ(long pid) {
        try {
            return List.of(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), java.nio.charset.StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String procStat(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/stat")).strip();
        } catch (IOException e) {
            return "";
        }
    }
}

package ccflare.cli;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * A daemon the TUI started: the image's {@code bin/ccflare} as a child process, its output read
 * line by line (always, so it never blocks on a full pipe), stopped with SIGTERM when the TUI
 * ends — and killed if it has not drained within {@link #STOP_WAIT_SECONDS}.
 */
final class ChildDaemon implements AutoCloseable {

    static final int STOP_WAIT_SECONDS = 15;

    private final Process process;

    private ChildDaemon(Process process) { this.process = process; }

    /**
     * @param lines  each line the daemon prints (stdout and stderr together)
     * @param exited called with the exit code if it ends by itself
     */
    static ChildDaemon start(Path launcher, Consumer<String> lines, IntConsumer exited) {
        requireNonNull(launcher, "launcher");
        Process p;
        try {
            p = new ProcessBuilder(launcher.toString()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + launcher + ": " + e.getMessage(), e);
        }
        ChildDaemon child = new ChildDaemon(p);
        // A platform thread: a read that blocks on a pipe for hours must not hold one of the few
        // carriers the TUI's virtual threads share (on two cores it starved the poller).
        Thread.ofPlatform().daemon().name("tui-daemon-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.accept(line);
            } catch (IOException e) {
                // the pipe closed with the process
            }
            try {
                exited.accept(p.waitFor());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return child;
    }

    long pid() { return process.pid(); }

    boolean alive() { return process.isAlive(); }

    /** SIGTERM, a wait for the drain, then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package ccflare.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs ccflarectl in-process against a socket and captures what it printed. */
final class Cli {

    /** The clock the fake API's timestamps are written against. */
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    record Result(int code, String out, String err, long millis) {}

    private final Path socket;
    private String stdin = "";
    private boolean interactive;
    private Map<String, String> env = Map.of();

    Cli(Path socket) { this.socket = socket; }

    Cli stdin(String text) {
        this.stdin = text;
        return this;
    }

    Cli interactive() {
        this.interactive = true;
        return this;
    }

    Cli env(Map<String, String> env) {
        this.env = env;
        return this;
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString()));
        all.addAll(List.of(args));
        return runRaw(all.toArray(String[]::new));
    }

    /** Without the --socket option: the default resolution applies. */
    Result runRaw(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        Io io = new Io(in, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, Path.of("/nonexistent-home"), InstantSource.fixed(NOW), interactive, false);
        long start = System.nanoTime();
        int code = Main.run(args, io);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), millis);
    }
}

package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The streams scenarios alone, against one target (the image's daemon, or nginx), with the
 * JVM's own diagnostics at the peak: for finding where memory and the first-byte tail go under
 * many concurrent streams without running the whole bench. Each size runs once, in the order
 * given (so "2000,500" shows what a burst leaves behind for the next one). See bench/README.md,
 * "Memory and tail under streams".
 *
 * <p>Usage: {@code java -cp CLASSES bench.StreamsProbe --out DIR (--image DIR | --nginx PATH)
 * [--sizes 500,2000] [--deltas 20] [--delay-ms 100] [--diagnose] [--wrk-first SECONDS]}
 * (wrk at c=64 for that long before the sizes, from the repository's root: the full bench's order). With {@code --diagnose}, at
 * half a stream's length into each size, {@code jcmd} writes the daemon's native memory summary
 * (when started with {@code -XX:NativeMemoryTracking=summary} in {@code JAVA_OPTS}), its heap histogram before the size starts (a full collection), its memory
 * mappings ({@code /proc/PID/smaps}) and its heap histogram into the out folder (the histogram
 * forces a full collection, so it comes last), and a JFR recording (profile settings) of
 * each size from its start to its end: {@code streams-N.jfr}. Binds and connects to 127.0.0.1 only; every wait is bounded.
 */
public final class StreamsProbe {

    private StreamsProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        Path image = null;
        String nginx = null;
        String sizes = "500,2000";
        int deltas = 20;
        int delayMs = 100;
        boolean diagnose = false;
        int wrkFirst = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--image" -> image = Path.of(args[++i]);
                case "--nginx" -> nginx = args[++i];
                case "--sizes" -> sizes = args[++i];
                case "--deltas" -> deltas = Integer.parseInt(args[++i]);
                case "--delay-ms" -> delayMs = Integer.parseInt(args[++i]);
                case "--diagnose" -> diagnose = true;
                case "--wrk-first" -> wrkFirst = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (out == null || (image == null) == (nginx == null)) {
            throw new IllegalArgumentException("usage: --out DIR (--image DIR | --nginx PATH) [--sizes 500,2000] "
                    + "[--deltas N] [--delay-ms N] [--diagnose]");
        }
        Files.createDirectories(out);
        String java = ProcessHandle.current().info().command().orElse("java");
        Path classes = Path.of(StreamsProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Process> started = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> started.forEach(Process::destroy)));
        try {
            Process up = new ProcessBuilder(java, "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-cp", classes.toString(),
                    "bench.FakeUpstream", "--port", "0").redirectError(out.resolve("upstream.err").toFile()).start();
            started.add(up);
            Matcher m = Pattern.compile("listening (\\d+)").matcher(String.valueOf(new BufferedReader(
                    new InputStreamReader(up.getInputStream(), StandardCharsets.US_ASCII)).readLine()));
            if (!m.find()) {
                throw new IllegalStateException("the fake upstream did not start");
            }
            int upPort = Integer.parseInt(m.group(1));
            int port = freePort();
            Process target = image != null ? startCcflare(image, out, port, upPort, started) : startNginx(nginx, out, port, upPort, started);
            long pid = target.descendants().filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
                    .map(ProcessHandle::pid).findFirst().orElse(target.pid());
            say("target pid " + pid + " on 127.0.0.1:" + port + ", upstream on " + upPort + ", load "
                    + Files.readString(Path.of("/proc/loadavg")).trim());
            // Warm-up as the full bench does it: short streams, then a pause.
            Load.streams(port, 200, 2, 10, 30_000);
            Thread.sleep(1000);
            say("after warm-up: rss " + Results.fmt(Proc.rssMiB(pid)) + " MiB");
            if (wrkFirst > 0) {
                // As in the full bench, where the stream scenarios follow wrk at c=16 and c=64.
                Path body = out.resolve("body.json");
                Files.write(body, Load.body(false));
                Wrk.Result w = new Wrk("wrk", Path.of("bench/wrk/post.lua"), body).run(port, 64, wrkFirst);
                Thread.sleep(1000);
                say("after wrk c=64 for " + wrkFirst + " s: " + w.requests() + " requests, " + Math.round(w.rps())
                        + " req/s, rss " + Results.fmt(Proc.rssMiB(pid)) + " MiB");
            }
            for (String s : sizes.split(",")) {
                int n = Integer.parseInt(s.trim());
                run(n, deltas, delayMs, port, upPort, pid, diagnose ? out : null);
                Thread.sleep(300);
            }
            say("end: rss " + Results.fmt(Proc.rssMiB(pid)) + " MiB, hwm " + Results.fmt(Proc.hwmMiB(pid)) + " MiB");
        } finally {
            for (Process p : started) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static void run(int n, int deltas, int delayMs, int port, int upPort, long pid, Path diagnose)
            throws Exception {
        if (diagnose != null) {
            jcmd(pid, diagnose.resolve("histo-before-" + n + ".txt"), "GC.class_histogram");
        }
        if (diagnose != null) {
            jcmd(pid, diagnose.resolve("jfr-start-" + n + ".txt"), "JFR.start", "name=streams" + n, "settings=profile",
                    "filename=" + diagnose.toAbsolutePath().resolve("streams-" + n + ".jfr"));
        }
        Load.call(upPort, "POST", "/__bench/reset", "", new byte[0]);
        long cpu0 = Proc.cpuMicros(pid);
        Thread diag = null;
        if (diagnose != null) {
            long bound = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos((long) deltas * delayMs + 30_000);
            diag = Thread.ofPlatform().daemon().start(() -> {
                try {
                    // The peak: nine tenths of the streams open at the upstream at once.
                    while (System.nanoTime() - bound < 0
                            && Bench.jsonLong(Load.call(upPort, "GET", "/__bench/stats", "", null)[1], "streams") < n * 9L / 10) {
                        Thread.sleep(20);
                    }
                    Files.copy(Path.of("/proc/" + pid + "/smaps"), diagnose.resolve("smaps-" + n + ".txt"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    jcmd(pid, diagnose.resolve("nmt-" + n + ".txt"), "VM.native_memory", "summary");
                    jcmd(pid, diagnose.resolve("histo-" + n + ".txt"), "GC.class_histogram");
                } catch (Exception e) {
                    say("diagnostics failed: " + e);
                }
            });
        }
        Load.Streams r;
        double peak;
        try (Proc.RssSampler rss = new Proc.RssSampler(pid)) {
            r = Load.streams(port, n, deltas, delayMs, (long) deltas * delayMs + 30_000);
            peak = rss.peak();
        }
        long cpu = Proc.cpuMicros(pid) - cpu0;
        if (diag != null) {
            diag.join(30_000);
        }
        if (diagnose != null) {
            jcmd(pid, diagnose.resolve("jfr-stop-" + n + ".txt"), "JFR.stop", "name=streams" + n);
        }
        String stats = Load.call(upPort, "GET", "/__bench/stats", "", null)[1];
        say("streams_" + n + ": complete " + r.complete() + " failed " + r.failed()
                + " first_byte p50 " + Results.fmt(Results.percentile(r.firstByte(), 50))
                + " p99 " + Results.fmt(Results.percentile(r.firstByte(), 99))
                + " max " + Results.fmt(Results.percentile(r.firstByte(), 100))
                + " ms, total p99 " + Results.fmt(Results.percentile(r.total(), 99))
                + " ms, rss peak " + Results.fmt(peak) + " MiB, cpu " + cpu / 1000 + " ms, upstream " + stats.trim()
                + ", load " + Files.readString(Path.of("/proc/loadavg")).trim()
                + (r.failures().isEmpty() ? "" : ", failures " + r.failures()));
    }

    private static void jcmd(long pid, Path into, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(into.toFile()).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static Process startCcflare(Path image, Path out, int port, int upPort, List<Process> started)
            throws Exception {
        Path dir = out.resolve("ccflare").toAbsolutePath();
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder(image.resolve("bin/ccflare").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        env.put("CCFLARE_DB_PATH", dir.resolve("ccflare.db").toString());
        env.put("CCFLARE_ADMIN_TOKEN", Bench.ADMIN_TOKEN);
        env.put("CCFLARE_SOCKET_PATH", dir.resolve("ccflare.sock").toString());
        env.put("XDG_RUNTIME_DIR", dir.toString());
        env.put("XDG_DATA_HOME", dir.toString());
        env.put("XDG_CONFIG_HOME", dir.toString());
        env.put("HOME", dir.toString());
        Process p = pb.start();
        started.add(p);
        awaitStatus(port, p, "/health");
        for (String name : new String[] {"a1", "a2"}) {
            String json = "{\"name\":\"" + name + "\",\"provider\":\"anthropic\",\"apiKey\":\"sk-ant-bench-" + name
                    + "\",\"baseUrl\":\"http://127.0.0.1:" + upPort + "\"}";
            String[] r = Load.call(port, "POST", "/api/accounts",
                    "Authorization: Bearer " + Bench.ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n",
                    json.getBytes(StandardCharsets.UTF_8));
            if (!r[0].startsWith("2")) {
                throw new IllegalStateException("adding account " + name + " answered " + r[0] + " " + r[1]);
            }
        }
        return p;
    }

    private static Process startNginx(String nginx, Path out, int port, int upPort, List<Process> started)
            throws Exception {
        Path dir = out.resolve("nginx").toAbsolutePath();
        Files.createDirectories(dir.resolve("temp"));
        String conf = """
                worker_processes auto;
                worker_rlimit_nofile 20000;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 10000; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/temp;
                    proxy_temp_path %1$s/temp;
                    keepalive_requests 1000000;
                    upstream fake { server 127.0.0.1:%2$d; keepalive 256; }
                    server {
                        listen 127.0.0.1:%3$d;
                        location / {
                            proxy_pass http://fake;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_buffering off;
                        }
                    }
                }
                """.formatted(dir, upPort, port);
        Files.writeString(dir.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder(nginx, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        started.add(p);
        awaitStatus(port, p, null);
        return p;
    }

    private static void awaitStatus(int port, Process p, String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the target exited with " + p.exitValue());
            }
            try {
                String status = Load.call(port, "GET", path == null ? "/" : path, "", null)[0];
                if (path == null || status.equals("200")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the target did not answer within 60 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static void say(String line) {
        System.out.println("probe: " + line);
        System.out.flush();
    }
}

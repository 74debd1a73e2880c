package bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark driver: starts the fake upstream, nginx and the ccflare daemon, runs every
 * scenario against each target (direct, nginx, ccflare) in an order rotated over the repeats,
 * and prints medians as a table and as {@code bench.<scenario>.<target>.<metric>=<value>} lines.
 * Budgets are printed, never asserted. See bench/README.md.
 */
public final class Bench {

    static final String ADMIN_TOKEN = "bench-admin-token-7f3c9a1e5b2d4c6e8a0f";

    /** How much of each scenario to run. */
    record Plan(boolean smoke, int repeats, int latencyJson, int latencySse, int wrkSeconds, int warmWrkSeconds,
                int[] streamSizes, int streamDeltas, int streamDelayMs, int incDeltas, int incDelayMs,
                int warmLatency, int warmStreams, int settleMs, int[] concurrencies, int coldRequests, int ctlRuns) {
        static Plan full(int repeats) {
            return new Plan(false, repeats, 2000, 1000, 5, 3, new int[] {500, 2000}, 20, 100, 10, 100, 2000, 200, 1000,
                    new int[] {16, 64}, 500, 11);
        }

        static Plan quick() {
            return new Plan(true, 1, 50, 25, 1, 0, new int[] {20, 100}, 3, 100, 4, 100, 0, 0, 200,
                    new int[] {64}, 50, 3);
        }
    }

    /** A system under test: a port to send to and a process to watch. */
    static final class Target {
        final String name;
        int port;
        Process process;
        long pid;
        /** Starts a fresh instance on the given port, for the start-up scenario. */
        IntFunction<ProcessBuilder> launcher;
        /** Its own fake upstream, so that connection counts and CPU are this target's alone. */
        Target upstream;
        final List<Process> extra = new ArrayList<>();

        Target(String name) {
            this.name = name;
        }
    }

    private final Plan plan;
    private final Path out;
    private final Path classes;
    private final String java;
    private final String nginx;
    private final String wrkPath;
    private final Path lua;
    private final Path image;
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    private final List<Process> started = new ArrayList<>();
    private final Results results;
    private final List<String> order = List.of("direct", "nginx", "ccflare");
    private Wrk wrk;
    // records check (ccflare only)
    private long served;
    private long uncertain;
    private long recordedAtStart;
    private Path ccflareSeed;
    /** The release tarball installed by ccflare-install, and extracted by hand (Installed). */
    private Map<String, Path> otherImages = Map.of();

    Bench(Plan plan, Path out, Path classes, String nginx, String wrkPath, Path lua, Path image,
          Map<String, String> unavailable) {
        this.plan = plan;
        this.out = out;
        this.classes = classes;
        this.java = ProcessHandle.current().info().command().orElse("java");
        this.nginx = nginx;
        this.wrkPath = wrkPath;
        this.lua = lua;
        this.image = image;
        this.unavailable.putAll(unavailable);
        this.results = new Results(order);
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        Path classes = null;
        Path lua = null;
        Path image = null;
        String nginx = null;
        String wrk = null;
        boolean smoke = false;
        int repeats = 3;
        Map<String, String> unavailable = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--classes" -> classes = Path.of(args[++i]);
                case "--lua" -> lua = Path.of(args[++i]);
                case "--image" -> image = Path.of(args[++i]);
                case "--nginx" -> nginx = args[++i];
                case "--wrk" -> wrk = args[++i];
                case "--smoke" -> smoke = true;
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--not-run" -> {
                    String[] kv = args[++i].split("=", 2);
                    unavailable.put(kv[0], kv[1]);
                }
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        Plan plan = smoke ? Plan.quick() : Plan.full(repeats);
        Bench bench = new Bench(plan, out, classes, nginx, wrk, lua, image, unavailable);
        Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll));
        try {
            bench.run();
        } finally {
            bench.stopAll();
        }
    }

    // ---------------------------------------------------------------------------------------

    void run() throws Exception {
        Files.createDirectories(out);
        long began = System.nanoTime();
        Path body = out.resolve("body.json");
        Files.write(body, Load.body(false));
        wrk = new Wrk(wrkPath, lua, body);
        say("" + (plan.smoke() ? "smoke" : "full") + ", repeats " + plan.repeats()
                + ", load average " + Files.readString(Path.of("/proc/loadavg")).trim()
                + ", cpus " + Runtime.getRuntime().availableProcessors());

        List<Target> targets = new ArrayList<>();
        Target direct = new Target("direct");
        direct.upstream = startUpstream("direct");
        direct.port = direct.upstream.port;
        direct.pid = direct.upstream.pid;
        direct.launcher = port -> upstreamCommand(port);
        targets.add(direct);
        addTarget(targets, "nginx", this::startNginx);
        addTarget(targets, "ccflare", this::startCcflare);
        results.notRun.putAll(unavailable);

        for (Target t : targets) {
            sleep(plan.settleMs());
            results.add("memory", t.name, "idle_rss_mib", Proc.rssMiB(t.pid));
        }
        if (plan.warmLatency() > 0) {
            say("warming up " + names(targets));
        }
        for (Target t : targets) {
            warmUp(t);
        }
        for (int r = 0; r < plan.repeats(); r++) {
            List<Target> rotated = new ArrayList<>(targets);
            Collections.rotate(rotated, -r);
            say("repeat " + (r + 1) + "/" + plan.repeats() + ", order " + names(rotated));
            for (Target t : rotated) {
                guard("latency_json", t, () -> latency(t, false));
            }
            for (Target t : rotated) {
                guard("latency_sse", t, () -> latency(t, true));
            }
            for (int c : plan.concurrencies()) {
                for (Target t : rotated) {
                    guard("throughput_c" + c, t, () -> throughput(t, c));
                }
            }
            for (int n : plan.streamSizes()) {
                for (Target t : rotated) {
                    guard("streams_" + n, t, () -> streams(t, n));
                    sleep(plan.settleMs() / 3);
                }
            }
            for (Target t : rotated) {
                guard("incremental", t, () -> incremental(t));
            }
            for (Target t : rotated) {
                guard("startup", t, () -> startup(t));
            }
            for (Target t : targets) {
                if (t.name.equals("ccflare")) {
                    guard("ctl", t, () -> ctl(t));
                }
            }
        }
        sleep(2L * plan.settleMs());
        for (Target t : targets) {
            results.add("memory", t.name, "after_rss_mib", Proc.rssMiB(t.pid));
            results.add("memory", t.name, "hwm_mib", Proc.hwmMiB(t.pid));
        }
        for (Target t : targets) {
            if (t.name.equals("ccflare")) {
                checkRecords(t);
            }
        }
        noteThreadProfiles();
        derive();
        report((System.nanoTime() - began) / 1e9);
    }

    interface Step {
        void run() throws Exception;
    }

    private void guard(String scenario, Target t, Step step) {
        say(scenario + " on " + t.name);
        try {
            step.run();
        } catch (Exception e) {
            results.note(scenario + " on " + t.name + " failed: " + e);
        }
    }

    private interface Starter {
        Target start() throws Exception;
    }

    private void addTarget(List<Target> targets, String name, Starter starter) {
        if (unavailable.containsKey(name)) {
            return;
        }
        try {
            targets.add(starter.start());
        } catch (Exception e) {
            unavailable.put(name, e.getMessage() == null ? e.toString() : e.getMessage());
            say("" + name + " not run: " + unavailable.get(name));
        }
    }

    // ---- targets ---------------------------------------------------------------------------

    private ProcessBuilder upstreamCommand(int port) {
        return new ProcessBuilder(java, "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-cp", classes.toString(),
                "bench.FakeUpstream", "--port", Integer.toString(port));
    }

    private Target startUpstream(String forTarget) throws Exception {
        ProcessBuilder pb = upstreamCommand(0).redirectError(out.resolve("upstream-" + forTarget + ".err").toFile());
        Process p = pb.start();
        started.add(p);
        String line = String.valueOf(new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine());
        Matcher m = Pattern.compile("listening (\\d+)").matcher(line);
        if (!m.find()) {
            throw new IllegalStateException("fake upstream did not start: " + line);
        }
        Target t = new Target("upstream");
        t.port = Integer.parseInt(m.group(1));
        t.process = p;
        t.pid = p.pid();
        say("fake upstream for " + forTarget + " on 127.0.0.1:" + t.port + " (pid " + t.pid + ")");
        return t;
    }

    private ProcessBuilder nginxCommand(int upstreamPort, int port, String tag) {
        try {
            Path dir = out.resolve("nginx").resolve(tag);
            for (String d : new String[] {"body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
                Files.createDirectories(dir.resolve("temp").resolve(d));
            }
            String conf = """
                    # generated by bench/src/bench/Bench.java: the minimal-proxy reference
                    worker_processes auto;
                    worker_rlimit_nofile 20000;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 10000; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/temp/body;
                        proxy_temp_path %1$s/temp/proxy;
                        fastcgi_temp_path %1$s/temp/fastcgi;
                        uwsgi_temp_path %1$s/temp/uwsgi;
                        scgi_temp_path %1$s/temp/scgi;
                        keepalive_requests 1000000;
                        client_max_body_size 32m;
                        client_body_buffer_size 1m;
                        upstream fake {
                            server 127.0.0.1:%2$d;
                            keepalive 256;
                            keepalive_requests 1000000;
                        }
                        server {
                            listen 127.0.0.1:%3$d;
                            location / {
                                proxy_pass http://fake;
                                proxy_http_version 1.1;
                                proxy_set_header Connection "";
                                proxy_buffering off;
                                proxy_read_timeout 120s;
                            }
                        }
                    }
                    """.formatted(dir.toAbsolutePath(), upstreamPort, port);
            Path file = dir.resolve("nginx.conf");
            Files.writeString(file, conf);
            return new ProcessBuilder(nginx, "-p", dir.toAbsolutePath().toString(), "-c", file.toAbsolutePath().toString(),
                    "-e", dir.resolve("error.log").toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the nginx config: " + e, e);
        }
    }

    private Target startNginx() throws Exception {
        if (nginx == null) {
            throw new IllegalStateException("no nginx binary given");
        }
        Target t = new Target("nginx");
        t.upstream = startUpstream("nginx");
        t.port = freePort();
        Process p = nginxCommand(t.upstream.port, t.port, "main").start();
        started.add(p);
        t.process = p;
        t.pid = p.pid();
        awaitMessages(t.port, p, 15_000, "nginx");
        t.launcher = port -> nginxCommand(t.upstream.port, port, "startup-" + port);
        say("nginx on 127.0.0.1:" + t.port + " (pid " + t.pid + ")");
        return t;
    }

    private ProcessBuilder ccflareCommand(Path dir, int port) {
        return ccflareCommand(image, dir, port);
    }

    private ProcessBuilder ccflareCommand(Path img, Path dir, int port) {
        ProcessBuilder pb = new ProcessBuilder(img.resolve("bin/ccflare").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("PORT", Integer.toString(port));
        env.put("HOST", "127.0.0.1");
        env.put("CCFLARE_DB_PATH", dir.resolve("ccflare.db").toAbsolutePath().toString());
        env.put("CCFLARE_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("CCFLARE_SOCKET_PATH", dir.resolve("ccflare.sock").toAbsolutePath().toString());
        env.put("XDG_RUNTIME_DIR", dir.toAbsolutePath().toString());
        env.put("XDG_DATA_HOME", dir.toAbsolutePath().toString());
        env.put("XDG_CONFIG_HOME", dir.toAbsolutePath().toString());
        String level = System.getenv("BENCH_CCFLARE_LOG_LEVEL");
        if (level != null && !level.isEmpty()) {
            env.put("LOG_LEVEL", level);
        }
        return pb;
    }

    private Path ccflareDir(String tag) throws IOException {
        Path dir = out.resolve("ccflare").resolve(tag);
        Files.createDirectories(dir);
        if (ccflareSeed != null) {
            try (var files = Files.list(ccflareSeed)) {
                for (Path f : files.toList()) {
                    // the database and everything the daemon keeps beside it (the credential key)
                    if (Files.isRegularFile(f) && !f.getFileName().toString().endsWith(".log")) {
                        Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return dir;
    }

    private Target startCcflare() throws Exception {
        if (image == null || !Files.isExecutable(image.resolve("bin/ccflare"))) {
            throw new IllegalStateException("no runtime image at " + image);
        }
        Target up = startUpstream("ccflare");
        // 1. a seed database with two accounts pointing at the fake upstream
        Path seed = ccflareDir("seed");
        int seedPort = freePort();
        Process p = ccflareCommand(seed, seedPort).start();
        started.add(p);
        try {
            awaitStatus(seedPort, p, "GET", "/health", 60_000, "ccflare (first start)", seed.resolve("daemon.log"));
            for (String name : new String[] {"a1", "a2"}) {
                String json = "{\"name\":\"" + name + "\",\"provider\":\"anthropic\",\"apiKey\":\"sk-ant-bench-" + name
                        + "\",\"baseUrl\":\"http://127.0.0.1:" + up.port + "\"}";
                String[] r = Load.call(seedPort, "POST", "/api/accounts",
                        "Authorization: Bearer " + ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n",
                        json.getBytes(StandardCharsets.UTF_8));
                if (!r[0].startsWith("2")) {
                    throw new IllegalStateException("adding account " + name + " answered " + r[0] + " " + r[1]);
                }
            }
            long before = upstreamRequests(up);
            awaitMessages(seedPort, p, 10_000, "ccflare (seed)");
            if (upstreamRequests(up) <= before) {
                throw new IllegalStateException("a request through ccflare did not reach the fake upstream");
            }
        } finally {
            stop(p);
        }
        ccflareSeed = seed;
        // 2. the instance under test, on a copy of the seed
        Path dir = ccflareDir("main");
        Target t = new Target("ccflare");
        t.upstream = up;
        t.port = freePort();
        p = ccflareCommand(dir, t.port).start();
        started.add(p);
        t.process = p;
        awaitMessages(t.port, p, 30_000, "ccflare");
        t.pid = javaPid(p);
        recordedAtStart = settledRecords(t.port, 1, 5_000);
        served = 0;
        t.launcher = port -> {
            try {
                return ccflareCommand(ccflareDir("startup-" + port), port);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        say("ccflare on 127.0.0.1:" + t.port + " (pid " + t.pid + ", image " + image + ")");
        try {
            long began = System.nanoTime();
            otherImages = Installed.prepare(image, out);
            say("installed with ccflare-install and extracted by hand in " + (System.nanoTime() - began) / 1_000_000
                    + " ms: " + otherImages);
        } catch (Exception e) {
            results.note("start-up of the installed image not measured: " + e.getMessage());
        }
        return t;
    }

    /** The JVM under a launcher script: the script's pid when it exec-ed, else its java child. */
    private static long javaPid(Process p) {
        return p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
                .map(ProcessHandle::pid).findFirst().orElse(p.pid());
    }

    private void awaitMessages(int port, Process p, long boundMs, String what) throws Exception {
        byte[] req = Load.messages(port, false, -1, 0);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMs);
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                throw new IllegalStateException(what + " exited with " + p.exitValue() + " (" + last + ")");
            }
            try (RawHttp c = new RawHttp(port, 5000)) {
                RawHttp.Result r = c.exchange(req, null);
                if (r.status() == 200) {
                    return;
                }
                last = "POST /v1/messages answered " + r.status();
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(what + " did not answer 200 within " + boundMs + " ms (" + last + ")");
    }

    private void awaitStatus(int port, Process p, String method, String path, long boundMs, String what, Path log)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMs);
        String last = "no answer";
        while (System.nanoTime() - deadline < 0) {
            if (!p.isAlive()) {
                throw new IllegalStateException(what + " exited with " + p.exitValue() + ": " + tail(log));
            }
            try {
                String[] r = Load.call(port, method, path, "", null);
                if (r[0].equals("200")) {
                    return;
                }
                last = path + " answered " + r[0];
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(what + " did not answer " + path + " within " + boundMs + " ms (" + last + ")");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private long upstreamRequests(Target up) throws IOException {
        return jsonLong(Load.call(up.port, "GET", "/__bench/stats", "", null)[1], "requests");
    }

    private long recorded(int port) throws IOException {
        String[] r = Load.call(port, "GET", "/api/stats", "Authorization: Bearer " + ADMIN_TOKEN + "\r\n", null);
        if (!r[0].equals("200")) {
            throw new IOException("/api/stats answered " + r[0] + " " + r[1]);
        }
        return jsonLong(r[1], "totalRequests");
    }

    /** The recorded count once it is at least {@code atLeast} and has not moved for half a second. */
    private long settledRecords(int port, long atLeast, long boundMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMs);
        long last = -1;
        long since = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            long now = recorded(port);
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (now >= atLeast && System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(500)) {
                return now;
            }
            Thread.sleep(100);
        }
        return last;
    }

    static long jsonLong(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    // ---- scenarios -------------------------------------------------------------------------

    private void warmUp(Target t) throws Exception {
        if (plan.warmLatency() == 0) {
            return; // the smoke checks the harness, not the numbers
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        count(t, Load.latency(t.port, false, plan.warmLatency(), deadline));
        count(t, Load.latency(t.port, true, plan.warmLatency() / 2, deadline));
        if (plan.warmWrkSeconds() > 0) {
            Wrk.Result r = wrk.run(t.port, 16, plan.warmWrkSeconds());
            countWrk(t, r, 16);
        }
        Load.Streams s = Load.streams(t.port, plan.warmStreams(), 2, 10, 30_000);
        countStreams(t, s);
    }

    private void count(Target t, Load.Latency l) {
        if (t.name.equals("ccflare")) {
            served += l.ok() + l.failed();
            if (l.firstFailure() != null && !l.firstFailure().startsWith("status")) {
                uncertain += l.failed();
            }
        }
    }

    private void countWrk(Target t, Wrk.Result r, int connections) {
        if (t.name.equals("ccflare")) {
            served += r.requests();
            // requests in flight when wrk stops are cut off: they may or may not leave a row
            uncertain += connections + r.errors();
        }
    }

    private void countStreams(Target t, Load.Streams s) {
        if (t.name.equals("ccflare")) {
            served += s.complete();
            uncertain += s.failed();
        }
    }

    private void latency(Target t, boolean stream) {
        String sc = stream ? "latency_sse" : "latency_json";
        int n = stream ? plan.latencySse() : plan.latencyJson();
        Load.Latency l = Load.latency(t.port, stream, n, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
        count(t, l);
        String first = stream ? "first_byte" : "ttfb";
        results.add(sc, t.name, first + "_p50_ms", Results.percentile(l.firstByte(), 50));
        results.add(sc, t.name, first + "_p99_ms", Results.percentile(l.firstByte(), 99));
        results.add(sc, t.name, "total_p50_ms", Results.percentile(l.total(), 50));
        results.add(sc, t.name, "total_p99_ms", Results.percentile(l.total(), 99));
        results.add(sc, t.name, "errors", l.failed() + (n - l.ok() - l.failed()));
        if (l.failed() > 0) {
            results.note(sc + " on " + t.name + ": " + l.failed() + " failed, first: " + l.firstFailure());
        }
    }

    private void throughput(Target t, int c) throws Exception {
        String sc = "throughput_c" + c;
        long cpu0 = Proc.cpuMicros(t.pid);
        long up0 = Proc.cpuMicros(t.upstream.pid);
        Map<String, Long> threads0 = Proc.threadCpuMicros(t.pid);
        Wrk.Result r;
        double peak;
        try (Proc.RssSampler rss = new Proc.RssSampler(t.pid)) {
            r = wrk.run(t.port, c, plan.wrkSeconds());
            peak = rss.peak();
        }
        long cpu = Proc.cpuMicros(t.pid) - cpu0;
        long up = Proc.cpuMicros(t.upstream.pid) - up0;
        countWrk(t, r, c);
        if (t.name.equals("ccflare") && r.requests() > 0) {
            threadProfile(sc, Proc.threadCpuMicros(t.pid), threads0, r.requests());
        }
        results.add(sc, t.name, "rps", r.rps());
        results.add(sc, t.name, "p50_ms", r.p50Ms());
        results.add(sc, t.name, "p99_ms", r.p99Ms());
        results.add(sc, t.name, "cpu_us_per_req", r.requests() == 0 ? Double.NaN : (double) cpu / r.requests());
        results.add(sc, t.name, "upstream_cpu_us_per_req", r.requests() == 0 ? Double.NaN : (double) up / r.requests());
        results.add(sc, t.name, "rss_peak_mib", peak);
        results.add(sc, t.name, "errors", r.errors() + r.non2xx());
        if (r.errors() + r.non2xx() > 0) {
            results.note(sc + " on " + t.name + ": " + r.errors() + " socket errors, " + r.non2xx() + " non-2xx");
        }
    }

    /** Where the daemon's CPU went, by thread group: µs per request, summed over the repeats. */
    private final Map<String, Map<String, double[]>> threadProfiles = new LinkedHashMap<>();

    private void threadProfile(String sc, Map<String, Long> after, Map<String, Long> before, long requests) {
        Map<String, double[]> profile = threadProfiles.computeIfAbsent(sc, k -> new java.util.TreeMap<>());
        after.forEach((name, micros) -> {
            double[] sumAndCount = profile.computeIfAbsent(name, k -> new double[2]);
            sumAndCount[0] += (double) (micros - before.getOrDefault(name, 0L)) / requests;
            sumAndCount[1]++;
        });
    }

    private void noteThreadProfiles() {
        threadProfiles.forEach((sc, profile) -> {
            StringBuilder sb = new StringBuilder(sc + " on ccflare, CPU us per request by thread group (mean over repeats):");
            profile.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue()[0] / e.getValue()[1]))
                    .filter(e -> e.getValue() >= 1)
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .limit(8)
                    .forEach(e -> sb.append(' ').append(e.getKey()).append('=').append(Results.fmt(e.getValue())));
            results.note(sb.toString());
        });
    }

    private void streams(Target t, int n) throws Exception {
        String sc = "streams_" + n;
        Load.call(t.upstream.port, "POST", "/__bench/reset", "", new byte[0]);
        long cpu0 = Proc.cpuMicros(t.pid);
        Load.Streams s;
        double peak;
        try (Proc.RssSampler rss = new Proc.RssSampler(t.pid)) {
            s = Load.streams(t.port, n, plan.streamDeltas(), plan.streamDelayMs(),
                    (long) plan.streamDeltas() * plan.streamDelayMs() + 30_000);
            peak = rss.peak();
        }
        long cpu = Proc.cpuMicros(t.pid) - cpu0;
        String stats = Load.call(t.upstream.port, "GET", "/__bench/stats", "", null)[1];
        countStreams(t, s);
        results.add(sc, t.name, "complete", s.complete());
        results.add(sc, t.name, "failed", s.failed());
        results.add(sc, t.name, "first_byte_p50_ms", Results.percentile(s.firstByte(), 50));
        results.add(sc, t.name, "first_byte_p99_ms", Results.percentile(s.firstByte(), 99));
        results.add(sc, t.name, "total_p99_ms", Results.percentile(s.total(), 99));
        results.add(sc, t.name, "upstream_peak_conns", jsonLong(stats, "peakOpen"));
        results.add(sc, t.name, "upstream_peak_streams", jsonLong(stats, "peakStreams"));
        results.add(sc, t.name, "rss_peak_mib", peak);
        results.add(sc, t.name, "cpu_ms", cpu / 1000.0);
        if (s.failed() > 0) {
            results.note(sc + " on " + t.name + ": " + s.failed() + " of " + n + " incomplete: " + s.failures());
        }
    }

    private void incremental(Target t) throws Exception {
        Load.Incremental inc = Load.incremental(t.port, plan.incDeltas(), plan.incDelayMs());
        if (t.name.equals("ccflare")) {
            served++;
        }
        results.add("incremental", t.name, "first_delta_ms", inc.firstDeltaMs());
        results.add("incremental", t.name, "gap_min_ms", Arrays.stream(inc.gaps()).min().orElse(Double.NaN));
        results.add("incremental", t.name, "gap_p50_ms", Results.percentile(inc.gaps(), 50));
        results.add("incremental", t.name, "gap_max_ms", Arrays.stream(inc.gaps()).max().orElse(Double.NaN));
        results.add("incremental", t.name, "complete", inc.complete() ? 1 : 0);
    }

    private void startup(Target t) throws Exception {
        startOnce(t, "", t.launcher, true);
        if (t.name.equals("ccflare")) {
            for (Map.Entry<String, Path> other : otherImages.entrySet()) {
                startOnce(t, other.getKey() + "_", port -> {
                    try {
                        return ccflareCommand(other.getValue(), ccflareDir(other.getKey() + "-" + port), port);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, false);
            }
        }
    }

    /**
     * One fresh start: launch to the first 200, the CPU spent until then and, for the build tree,
     * the cold phase (the next requests on the fresh instance, Cold) before it is stopped.
     */
    private void startOnce(Target t, String prefix, IntFunction<ProcessBuilder> launcher, boolean cold)
            throws Exception {
        int port = freePort();
        ProcessBuilder pb = launcher.apply(port);
        if (pb.redirectOutput() == ProcessBuilder.Redirect.PIPE) {
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process[] p = new Process[1];
        try {
            double ms = Load.startup(pb, port, 30_000, p);
            long pid = p[0].pid();
            results.add("startup", t.name, prefix + "first_200_ms", ms);
            results.add("startup", t.name, prefix + "cpu_ms_to_first_200", Proc.cpuMicros(pid) / 1000.0);
            if (cold) {
                Cold.Phase c = Cold.measure(port, pid, plan.coldRequests() - 1,
                        System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
                // (a fresh instance with its own database: not counted in the records check of the main one)
                results.add("cold", t.name, "first_" + plan.coldRequests() + "_p50_ms", c.p50Ms());
                results.add("cold", t.name, "first_" + plan.coldRequests() + "_p99_ms", c.p99Ms());
                results.add("cold", t.name, "cpu_us_per_req", c.cpuUsPerRequest());
                results.add("cold", t.name, "errors", c.failed());
                if (c.failed() > 0) {
                    results.note("cold phase on " + t.name + ": " + c.failed() + " failed, first: " + c.firstFailure());
                }
            }
        } finally {
            if (p[0] != null) {
                stop(p[0]);
            }
        }
    }

    /** ccflarectl against the instance under test, beside java -version of the image's runtime. */
    private void ctl(Target t) throws Exception {
        Path dir = out.resolve("ccflare").resolve("main").toAbsolutePath();
        Map<String, String> env = Map.of("CCFLARE_SOCKET_PATH", dir.resolve("ccflare.sock").toString(),
                "XDG_RUNTIME_DIR", dir.toString(), "XDG_DATA_HOME", dir.toString(), "XDG_CONFIG_HOME", dir.toString(),
                "HOME", dir.toString(), "NO_COLOR", "1");
        Path scratch = Files.createDirectories(out.resolve("ctl"));
        String ctl = image.resolve("bin/ccflarectl").toAbsolutePath().toString();
        record Command(String metric, List<String> argv) {
        }
        for (Command c : List.of(new Command("java_version", List.of(image.resolve("runtime/bin/java").toAbsolutePath()
                        .toString(), "-version")),
                new Command("version", List.of(ctl, "--version")),
                new Command("list", List.of(ctl, "list")))) {
            Ctl.Runs r = Ctl.run(c.argv(), env, plan.ctlRuns(), scratch);
            results.add("ctl", t.name, c.metric() + "_ms", Results.percentile(r.wallMs(), 50));
            results.add("ctl", t.name, c.metric() + "_cpu_ms", Results.percentile(r.cpuMs(), 50));
            if (r.failed() > 0) {
                results.note("ctl " + c.metric() + ": " + r.failed() + " of " + plan.ctlRuns() + " failed, first: "
                        + r.firstFailure());
            }
        }
    }

    private void checkRecords(Target t) throws Exception {
        long recorded = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long stableSince = System.nanoTime();
        long last = -1;
        while (System.nanoTime() - deadline < 0) {
            recorded = recorded(t.port) - recordedAtStart;
            if (recorded != last) {
                last = recorded;
                stableSince = System.nanoTime();
            } else if (recorded >= served
                    && System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(Math.max(500, plan.settleMs() * 3L / 2))) {
                break;
            }
            Thread.sleep(200);
        }
        results.add("records", t.name, "served", served);
        results.add("records", t.name, "recorded", recorded);
        results.add("records", t.name, "cut_off_allowance", uncertain);
        results.add("records", t.name, "missing", Math.max(0, served - recorded));
        results.add("records", t.name, "extra", Math.max(0, recorded - served));
    }

    // ---- report ----------------------------------------------------------------------------

    /** Added latency over direct, paired within each repeat. */
    private void derive() {
        for (String t : List.of("nginx", "ccflare")) {
            pair("latency_json", t, "ttfb_p50_ms", "added_ttfb_p50_ms");
            pair("latency_json", t, "total_p50_ms", "added_total_p50_ms");
            pair("latency_sse", t, "first_byte_p50_ms", "added_first_byte_p50_ms");
            pair("latency_sse", t, "total_p50_ms", "added_total_p50_ms");
        }
    }

    private void pair(String sc, String t, String metric, String derived) {
        double target = results.median(sc, t, metric);
        double direct = results.median(sc, "direct", metric);
        if (!Double.isNaN(target) && !Double.isNaN(direct)) {
            results.add(sc, t, derived, target - direct);
        }
    }

    private void report(double seconds) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("\n== ccflare benchmark: ").append(plan.smoke() ? "smoke" : "full").append(", ")
                .append(plan.repeats()).append(" repeat(s), medians [range/median over repeats], ")
                .append(Instant.now()).append(", ").append(String.format(Locale.ROOT, "%.0f s", seconds)).append('\n');
        for (Map.Entry<String, String> e : results.notRun.entrySet()) {
            sb.append("target ").append(e.getKey()).append(": not run: ").append(e.getValue()).append('\n');
        }
        sb.append('\n').append(results.table());
        sb.append('\n').append(new Budgets(results, plan).text());
        double[] spreads = results.allSpreads();
        if (spreads.length > 0) {
            double[] sorted = spreads.clone();
            Arrays.sort(sorted);
            sb.append(String.format(Locale.ROOT,
                    "%nnoise: range/median over repeats, across %d measured series: median %.1f%%, p90 %.1f%%, max %.1f%%%n",
                    sorted.length, Results.percentile(sorted, 50), Results.percentile(sorted, 90),
                    sorted[sorted.length - 1]));
        }
        if (!results.notes.isEmpty()) {
            sb.append("\nnotes:\n");
            for (String n : results.notes) {
                sb.append("  ").append(n).append('\n');
            }
        }
        String machine = results.machineLines();
        if (spreads.length > 0) {
            machine += String.format(Locale.ROOT, "bench.noise.all.all.spread_pct_median=%.1f%n",
                    Results.percentile(spreads, 50));
        }
        sb.append('\n').append(machine);
        System.out.print(sb);
        Files.writeString(out.resolve("results.txt"), sb);
        Files.writeString(out.resolve("results.properties"), machine);
    }

    // ---- processes -------------------------------------------------------------------------

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    static void stop(Process p) {
        List<ProcessHandle> kids = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle k : kids) {
            if (k.isAlive()) {
                k.destroy();
                try {
                    k.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    k.destroyForcibly();
                }
            }
        }
    }

    synchronized void stopAll() {
        for (int i = started.size() - 1; i >= 0; i--) {
            Process p = started.get(i);
            if (p.isAlive()) {
                stop(p);
            }
        }
        started.clear();
    }

    private static final long T0 = System.nanoTime();

    /** A progress line on stdout, stamped with the seconds since the driver started. */
    static void say(String text) {
        System.out.printf(Locale.ROOT, "bench [%5.1fs] %s%n", (System.nanoTime() - T0) / 1e9, text);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String names(List<Target> ts) {
        return String.join(",", ts.stream().map(t -> t.name).toList());
    }
}

package ccflare.packaging;

import static ccflare.packaging.Launches.awaitHealth;
import static ccflare.packaging.Launches.freePort;
import static ccflare.packaging.Launches.output;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ccflare-install} end to end, into a temporary prefix (no systemctl is called: the
 * script says what it would run). The installed daemon and ccflarectl run with
 * {@code -XX:AOTMode=on}, under which the JVM refuses to start when the cache it is given cannot
 * be used, and log {@code -Xlog:aot} lines naming the cache they mapped: evidence that the cache
 * recorded at install time is the one in use. Start-up times are the bench's job
 * ({@code bench/startup.sh}), not this test's.
 */
class InstallIT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final String VERSION = System.getProperty("ccflare.version", "dev");
    private static final String TOKEN = "install-it-admin-token-0123456789";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir Path work;
    private Path runtime;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void removeRuntimeDir() throws IOException {
        http.close();
        if (runtime != null) deleteTree(runtime);
    }

    @Test
    void installsStartsWithItsCacheUpgradesKeepingTheDataAndUninstallsLeavingIt() throws Exception {
        Path prefix = work.resolve("root");
        Path tarball = IMAGE.resolveSibling("ccflare-" + VERSION + ".tar.gz");
        assertThat(tarball).exists();

        // 1. install the tarball, system layout under the prefix
        Result install = run(List.of(IMAGE.resolve("bin/ccflare-install").toString(), "--system", "--prefix", prefix.toString(),
                tarball.toString()));
        assertThat(install.status()).as(install.output()).isZero();
        Path opt = prefix.resolve("opt/ccflare");
        Path installed = opt.resolve(VERSION);
        assertThat(Files.readSymbolicLink(opt.resolve("current"))).isEqualTo(installed);
        for (String command : List.of("ccflare", "ccflarectl", "ccflare-install")) {
            assertThat(Files.readSymbolicLink(prefix.resolve("usr/local/bin/" + command))).isEqualTo(opt.resolve("current/bin/" + command));
        }
        assertThat(prefix.resolve("usr/local/share/man/man1/ccflarectl.1")).hasSameTextualContentAs(IMAGE.resolve("share/man/man1/ccflarectl.1"));
        assertThat(prefix.resolve("usr/local/share/bash-completion/completions/ccflarectl"))
                .hasSameTextualContentAs(IMAGE.resolve("share/bash-completion/completions/ccflarectl"));
        String unit = Files.readString(prefix.resolve("etc/systemd/system/ccflare.service"));
        assertThat(unit).contains("\nExecStart=" + opt.resolve("current/bin/ccflare") + "\n", "\nType=notify\n", "\nDynamicUser=yes\n");
        assertThat(Files.readString(installed.resolve("lib/ccflare.aot.home")).strip()).isEqualTo(installed.toString());
        assertThat(Files.readString(installed.resolve("lib/ccflarectl.aot.home")).strip()).isEqualTo(installed.toString());
        assertThat(install.output()).contains("not running: systemctl daemon-reload", "not running: systemctl enable ccflare.service");

        Path data = prefix.resolve("var/lib/ccflare");
        runtime = Files.createTempDirectory(Path.of("/tmp"), "cc");
        Path socket = runtime.resolve("ccflare/ccflare.sock");
        List<String> requestIds = new ArrayList<>();
        try (FakeUpstream upstream = FakeUpstream.start()) {
            // 2. the installed daemon, through /usr/local/bin, with its cache (AOTMode=on: no cache, no start)
            Path log1 = work.resolve("first.log");
            Process daemon = daemon(prefix, data, upstream, "-XX:AOTMode=on -Xlog:aot=info", log1);
            try {
                URI base = awaitDaemon(daemon, log1);
                assertThat(output(log1)).contains("Opened AOT cache " + installed.resolve("lib/ccflare.aot"));
                for (String name : List.of("work", "home")) {
                    HttpResponse<String> r = api(base, "POST", "/api/accounts", JSON.writeValueAsString(Map.of("name", name,
                            "provider", "anthropic", "apiKey", "sk-ant-" + name + "-key", "baseUrl", upstream.baseUri().toString())));
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                }
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/messages")).timeout(WAIT)
                            .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                }
                requestIds.addAll(awaitRequests(base, 3));

                // ccflarectl from /usr/local/bin with its own cache
                Result ctl = run(List.of(prefix.resolve("usr/local/bin/ccflarectl").toString(), "--socket", socket.toString(), "list"),
                        Map.of("JAVA_OPTS", "-XX:AOTMode=on -Xlog:aot=info"));
                assertThat(ctl.status()).as(ctl.output()).isZero();
                assertThat(ctl.output()).contains("Opened AOT cache " + installed.resolve("lib/ccflarectl.aot"), "work", "home");
            } finally {
                stop(daemon, log1);
            }

            // 3. upgrade to a second build: a copy of the image with another version label
            String next = VERSION + ".1";
            Path second = work.resolve("src/ccflare-" + next);
            copyTree(IMAGE, second);
            Files.writeString(second.resolve("VERSION"), next + "\n");
            Result upgrade = run(List.of(prefix.resolve("usr/local/bin/ccflare-install").toString(), "--system", "--prefix", prefix.toString(),
                    "--no-aot", second.toString()));
            assertThat(upgrade.status()).as(upgrade.output()).isZero();
            assertThat(upgrade.output()).contains("switched from " + VERSION + " to " + next, "not running: systemctl start ccflare.service");
            assertThat(Files.readSymbolicLink(opt.resolve("current"))).isEqualTo(opt.resolve(next));
            assertThat(installed.resolve("bin/ccflare")).as("the previous version stays until removed").exists();
            assertThat(opt.resolve(next + "/lib/ccflare.aot")).as("--no-aot, and the build tree's cache is not copied").doesNotExist();

            Path log2 = work.resolve("second.log");
            Process upgraded = daemon(prefix, data, upstream, "", log2);
            try {
                URI base = awaitDaemon(upgraded, log2);
                JsonNode accounts = JSON.readTree(api(base, "GET", "/api/accounts", null).body());
                assertThat(accounts.findValuesAsText("name")).containsExactlyInAnyOrder("work", "home");
                assertThat(awaitRequests(base, 3)).containsExactlyInAnyOrderElementsOf(requestIds);
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/messages")).timeout(WAIT)
                        .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("the stored keys still open: %s", r.body()).isEqualTo(200);
            } finally {
                stop(upgraded, log2);
            }
            try (Stream<Path> files = Files.list(data)) {
                assertThat(files.map(p -> p.getFileName().toString())).as("same schema: no backup").noneMatch(n -> n.endsWith(".bak"));
            }

            // a downgrade: the database as a newer version would leave it is refused in one sentence, exit 2
            Path db = data.resolve("ccflare.db");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                st.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                        + " installed_by, execution_time, success) VALUES (99, '99', 'future', 'SQL', 'V99__future.sql', 0, 'x', 0, 1)");
            }
            Path log3 = work.resolve("downgrade.log");
            Process refusing = daemon(prefix, data, upstream, "", log3);
            assertThat(refusing.waitFor(60, TimeUnit.SECONDS)).as(output(log3)).isTrue();
            assertThat(refusing.exitValue()).as(output(log3)).isEqualTo(2);
            List<String> lines = output(log3).lines().filter(l -> l.contains("schema")).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.getFirst()).startsWith("ccflare: " + db + ": the database schema is at version 99, newer than this ccflare knows");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                st.execute("DELETE FROM flyway_schema_history WHERE version = '99'");
            }
        }

        // 4. removing the old version alone, then uninstall: the program goes, the data stays
        Result old = run(List.of(prefix.resolve("usr/local/bin/ccflare-install").toString(), "uninstall", "--prefix", prefix.toString(),
                "--system", "--version", VERSION));
        assertThat(old.status()).as(old.output()).isZero();
        assertThat(installed).doesNotExist();
        Result refused = run(List.of(prefix.resolve("usr/local/bin/ccflare-install").toString(), "uninstall", "--prefix", prefix.toString(),
                "--system", "--version", VERSION + ".1"));
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.output()).contains("is the current version");

        Result uninstall = run(List.of(prefix.resolve("usr/local/bin/ccflare-install").toString(), "uninstall", "--prefix", prefix.toString(),
                "--system"));
        assertThat(uninstall.status()).as(uninstall.output()).isZero();
        assertThat(uninstall.output()).contains("kept the data in " + data, "not running: systemctl disable --now ccflare.service");
        assertThat(opt).doesNotExist();
        assertThat(prefix.resolve("usr/local/bin/ccflare")).doesNotExist();
        assertThat(prefix.resolve("usr/local/bin/ccflarectl")).doesNotExist();
        assertThat(prefix.resolve("etc/systemd/system/ccflare.service")).doesNotExist();
        assertThat(prefix.resolve("usr/local/share/man/man1/ccflarectl.1")).doesNotExist();
        assertThat(prefix.resolve("usr/local/share/bash-completion/completions/ccflarectl")).doesNotExist();
        assertThat(data.resolve("ccflare.db")).exists();
        assertThat(data.resolve("ccflare.key")).exists();

        Result purge = run(List.of(IMAGE.resolve("bin/ccflare-install").toString(), "uninstall", "--prefix", prefix.toString(),
                "--system", "--purge"));
        assertThat(purge.status()).as(purge.output()).isZero();
        assertThat(purge.output()).contains("removed the data in " + data);
        assertThat(data).doesNotExist();
    }

    @Test
    void installsForTheUserWithAUserUnitAndTheLingerHint() throws Exception {
        Path home = work.resolve("home");
        Result install = run(List.of(IMAGE.resolve("bin/ccflare-install").toString(), "--user", "--prefix", home.toString(), "--no-aot",
                IMAGE.toString()));
        assertThat(install.status()).as(install.output()).isZero();
        Path opt = home.resolve(".local/opt/ccflare");
        assertThat(Files.readSymbolicLink(opt.resolve("current"))).isEqualTo(opt.resolve(VERSION));
        assertThat(Files.readSymbolicLink(home.resolve(".local/bin/ccflarectl"))).isEqualTo(opt.resolve("current/bin/ccflarectl"));
        assertThat(home.resolve(".local/share/man/man1/ccflarectl.1")).exists();
        assertThat(home.resolve(".local/share/bash-completion/completions/ccflarectl")).exists();
        String unit = Files.readString(home.resolve(".config/systemd/user/ccflare.service"));
        assertThat(unit).contains("\nExecStart=" + opt.resolve("current/bin/ccflare") + "\n", "\nWantedBy=default.target\n",
                "\nProtectSystem=strict\n", "\nReadWritePaths=-" + home.resolve(".local/share/ccflare") + " -" + home.resolve(".config/ccflare") + "\n");
        assertThat(unit).doesNotContain("\nDynamicUser=", "%h");
        assertThat(home.resolve(".local/share/ccflare")).as("the unit's writable data directory").isDirectory();
        assertThat(install.output()).contains("not running: systemctl --user daemon-reload", "loginctl enable-linger");

        Result uninstall = run(List.of(IMAGE.resolve("bin/ccflare-install").toString(), "uninstall", "--user", "--prefix", home.toString()));
        assertThat(uninstall.status()).as(uninstall.output()).isZero();
        assertThat(opt).doesNotExist();
        assertThat(home.resolve(".config/systemd/user/ccflare.service")).doesNotExist();
        assertThat(home.resolve(".local/share/ccflare")).isDirectory();
    }

    @Test
    void refusesWhatIsNotAnImageInOneLine() throws Exception {
        Path notAnImage = Files.createDirectories(work.resolve("empty"));
        Result r = run(List.of(IMAGE.resolve("bin/ccflare-install").toString(), "--prefix", work.resolve("root").toString(),
                notAnImage.toString()));
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.output().strip()).isEqualTo("ccflare-install: " + notAnImage
                + " is not a ccflare image (VERSION, bin/ccflare and runtime/ expected)");
        Result option = run(List.of(IMAGE.resolve("bin/ccflare-install").toString(), "--frobnicate"));
        assertThat(option.status()).isEqualTo(2);
        assertThat(option.output().strip()).isEqualTo("ccflare-install: unknown option --frobnicate (see ccflare-install --help)");
    }

    // ------------------------------------------------------------------------------------------

    private record Result(int status, String output) {}

    private Result run(List<String> command) throws Exception {
        return run(command, Map.of());
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        clean(pb.environment());
        pb.environment().put("HOME", work.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(out).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static void clean(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("ccflare_") || k.startsWith("XDG_")
                || k.equals("PORT") || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY"));
    }

    private Process daemon(Path prefix, Path data, FakeUpstream upstream, String javaOpts, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(prefix.resolve("usr/local/bin/ccflare").toString());
        clean(pb.environment());
        Map<String, String> env = new HashMap<>();
        env.put("HOME", work.toString());
        env.put("PORT", Integer.toString(freePort()));
        env.put("XDG_RUNTIME_DIR", runtime.toString());
        env.put("CCFLARE_DB_PATH", data.resolve("ccflare.db").toString());
        env.put("CCFLARE_ADMIN_TOKEN", TOKEN);
        env.put("CCFLARE_ANTHROPIC_BASE_URL", upstream.baseUri().toString());
        env.put("JAVA_OPTS", javaOpts);
        pb.environment().putAll(env);
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private URI awaitDaemon(Process daemon, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String url = null;
        while (url == null && System.nanoTime() < deadline && daemon.isAlive()) {
            var m = java.util.regex.Pattern.compile("listening on (http://\\S+)").matcher(output(log));
            if (m.find()) url = m.group(1);
            else Thread.sleep(50);
        }
        assertThat(url).as("the daemon's address; its output:%n%s", output(log)).isNotNull();
        URI base = URI.create(url);
        awaitHealth(http, base, daemon, log);
        return base;
    }

    private static void stop(Process daemon, Path log) throws InterruptedException {
        daemon.destroy();
        boolean stopped = daemon.waitFor(30, TimeUnit.SECONDS);
        if (!stopped) daemon.destroyForcibly();
        assertThat(stopped).as(output(log)).isTrue();
        assertThat(daemon.exitValue()).as(output(log)).isZero();
    }

    private HttpResponse<String> api(URI base, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(WAIT).header("authorization", "Bearer " + TOKEN);
        if (json != null) b.header("content-type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The ids of the recorded requests once there are {@code n} with a status. */
    private List<String> awaitRequests(URI base, int n) throws Exception {
        List<String> ids = List.of();
        for (int i = 0; i < 200 && ids.size() < n; i++) {
            JsonNode rows = JSON.readTree(api(base, "GET", "/api/requests?limit=100", null).body());
            List<String> found = new ArrayList<>();
            for (JsonNode row : rows) if (row.path("statusCode").asInt() > 0) found.add(row.path("id").asText());
            ids = found;
            if (ids.size() < n) Thread.sleep(50);
        }
        assertThat(ids).hasSize(n);
        return ids;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}

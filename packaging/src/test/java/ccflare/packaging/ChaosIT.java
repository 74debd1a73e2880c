package ccflare.packaging;

import static ccflare.packaging.Launches.freePort;
import static ccflare.packaging.Launches.output;
import static org.assertj.core.api.Assertions.assertThat;

import ccflare.testing.Behaviour;
import ccflare.testing.FakeUpstream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite against the built image (reliability plan §7): each test names its plan id.
 * Tagged {@code chaos}; the long variants are also tagged {@code soak} and run only with
 * {@code scripts/chaos.sh} ({@code -Pchaos}). The table of every check, with where it is tested
 * and what was measured, is {@code docs/reliability.md}.
 *
 * <p>The daemon is the real {@code bin/ccflare} in a temporary home; the provider is
 * {@link FakeUpstream} in this JVM; the database is read with sqlite-jdbc after or beside the
 * daemon. Every wait is a bounded poll.
 */
@Tag("chaos")
class ChaosIT {

    private static final Path IMAGE = Path.of(System.getProperty("ccflare.image", "target/ccflare-dev"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "chaos-admin-token-" + UUID.randomUUID();
    private static final String ACCOUNT_KEY = "sk-ant-api03-CANARY-" + UUID.randomUUID();
    private static final String CLIENT_KEY = "CANARY-client-" + UUID.randomUUID();
    private static final String STREAM_BODY = "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":16,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"" + "hello ".repeat(200) + "\"}]}";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir Path home;
    private FakeUpstream upstream;
    private Process daemon;
    private URI base;
    private Path log;
    private int starts;

    @BeforeEach
    void provider() {
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (daemon != null) {
            daemon.destroyForcibly();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
        upstream.close();
    }

    // ------------------------------------------------------------------ A. streaming faults

    @Test
    @DisplayName("A1: a client that aborts mid-stream has the upstream cancelled within 1 s; one row, 499 client_cancelled")
    void a1ClientAbortCancelsUpstream() throws Exception {
        upstream.behaveByDefault(Behaviour.bulkStream(200, 16, Duration.ofMillis(100)));
        start(Map.of());
        addAccount();
        try (Socket s = new Socket("127.0.0.1", base.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(rawPost("/v1/messages", STREAM_BODY, ""));
            readUntil(s.getInputStream(), "content_block_delta", 3);
            s.setSoLinger(true, 0); // RST
        }
        long closedAt = System.nanoTime();
        assertThat(upstream.awaitAborts(1, Duration.ofSeconds(1))).as("the upstream saw its request aborted within 1 s").isTrue();
        long latencyMs = (upstream.abortedAtNanos().getFirst() - closedAt) / 1_000_000;
        System.out.println("A1 cancel latency: " + latencyMs + " ms");
        JsonNode row = awaitRow(r -> "client_cancelled".equals(r.path("outcome").asText()));
        assertThat(row.path("statusCode").asInt()).isEqualTo(499);
        assertThat(row.path("attempts").asInt()).isEqualTo(1);
        assertThat(upstream.requests("/v1/messages")).hasSize(1);
    }

    @Test
    @DisplayName("A3: an upstream reset mid-stream ends the client's stream with an SSE error, no retry, and is recorded")
    void a3UpstreamResetMidStream() throws Exception {
        upstream.behaveByDefault(Behaviour.resetMidStream(2));
        start(Map.of());
        addAccount();
        HttpResponse<String> r = proxy(STREAM_BODY);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("event: error");
        assertThat(upstream.requests("/v1/messages")).as("no second attempt after the first byte").hasSize(1);
        JsonNode row = awaitRow(x -> "mid_stream_reset".equals(x.path("outcome").asText()));
        assertThat(row.path("attempts").asInt()).isEqualTo(1);
        assertThat(row.path("errorMessage").asText()).doesNotContain("\n").hasSizeLessThan(300);
    }

    // ------------------------------------------------------------------ C. overload and slow clients

    @Test
    @DisplayName("C1: past the in-flight bound a request gets 503 with retry-after at once, and service recovers")
    void c1InFlightBound() throws Exception {
        upstream.behaveByDefault(Behaviour.hang());
        start(Map.of("CCFLARE_MAX_IN_FLIGHT", "3"));
        addAccount();
        List<Socket> holders = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket("127.0.0.1", base.getPort());
                s.getOutputStream().write(rawPost("/v1/messages", STREAM_BODY, ""));
                holders.add(s);
            }
            poll("three requests held upstream", Duration.ofSeconds(10), () -> upstream.inFlight() == 3);
            HttpResponse<String> refused = proxy(BODY);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("retry-after")).isPresent();
        } finally {
            for (Socket s : holders) s.close();
        }
        upstream.behaveByDefault(Behaviour.ok());
        poll("a request served again after the held ones ended", Duration.ofSeconds(10), () -> proxy(BODY).statusCode() == 200);
    }

    @Test
    @DisplayName("C4/H2: a slow-header TCP connection and a silent admin-socket connection are closed by the head deadline")
    void c4h2SlowAndSilentConnectionsAreClosed() throws Exception {
        start(Map.of());
        Path sock = home.resolve("data/run/ccflare.sock");
        AtomicBoolean tcpClosed = new AtomicBoolean();
        Thread trickler = Thread.ofVirtual().start(() -> {
            try (Socket s = new Socket("127.0.0.1", base.getPort())) {
                OutputStream out = s.getOutputStream();
                out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 200; i++) { // a header byte every 100 ms, for up to 20 s
                    out.write('x');
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException e) {
                tcpClosed.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int socketRead;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            InputStream in = Channels.newInputStream(ch);
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.read();
                } catch (IOException e) {
                    return -2;
                }
            });
            socketRead = read.get(20, TimeUnit.SECONDS);
        }
        trickler.join(Duration.ofSeconds(25));
        assertThat(socketRead).as("the silent socket connection was closed by the daemon").isEqualTo(-1);
        assertThat(tcpClosed.get()).as("the trickling TCP connection was closed by the daemon").isTrue();
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ D. lifecycle

    @Test
    @DisplayName("D1: SIGTERM during streams lets every in-flight stream finish, loses 0 records, exits 0 with an empty WAL")
    void d1SigtermDrains() throws Exception {
        upstream.behaveByDefault(Behaviour.bulkStream(10, 16, Duration.ofMillis(200)));
        start(Map.of());
        addAccount();
        List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
        for (int i = 0; i < 5; i++) streams.add(HTTP.sendAsync(proxyRequest(STREAM_BODY), HttpResponse.BodyHandlers.ofString()));
        poll("five streams in flight", Duration.ofSeconds(10), () -> upstream.inFlight() == 5);
        daemon.destroy(); // SIGTERM
        for (var f : streams) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("message_stop").doesNotContain("event: error");
        }
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).as(output(log)).isZero();
        daemon = null;
        Path db = home.resolve("data/ccflare.db");
        assertThat(query(db, "SELECT count(*) FROM requests WHERE path = '/v1/messages'")).isEqualTo("5");
        assertThat(query(db, "PRAGMA integrity_check")).isEqualTo("ok");
        Path wal = home.resolve("data/ccflare.db-wal");
        assertThat(!Files.exists(wal) || Files.size(wal) == 0).as("WAL empty or gone after exit").isTrue();
    }

    @Test
    @DisplayName("E1 (fast, 3 cycles): SIGKILL under load: integrity_check ok, at most the last batch lost, WAL bounded")
    void e1KillNineFast() throws Exception {
        killNineCycles(Integer.getInteger("chaos.kills.fast", 3));
    }

    @Test
    @Tag("soak")
    @DisplayName("E1 (soak, 30 cycles): SIGKILL under load: integrity_check ok, at most the last batch lost, WAL bounded")
    void e1KillNineSoak() throws Exception {
        killNineCycles(Integer.getInteger("chaos.kills", 30));
    }

    private void killNineCycles(int cycles) throws Exception {
        upstream.behaveByDefault(Behaviour.ok());
        Random random = new Random(16);
        Path db = home.resolve("data/ccflare.db");
        Path wal = home.resolve("data/ccflare.db-wal");
        long ackedBeforeCutoff = 0;
        long maxLost = 0;
        for (int cycle = 1; cycle <= cycles; cycle++) {
            start(Map.of());
            if (cycle == 1) addAccount();
            ConcurrentLinkedQueue<Long> completedAt = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try {
                            if (proxy(BODY).statusCode() == 200) completedAt.add(System.nanoTime());
                        } catch (Exception e) {
                            return; // the daemon is gone
                        }
                    }
                }));
            }
            Thread.sleep(500 + random.nextInt(1000));
            long killedAt = System.nanoTime();
            kill9();
            stop.set(true);
            for (Thread t : clients) t.join(Duration.ofSeconds(10));
            // Acknowledged to the client more than 250 ms before the kill: the writer commits a batch
            // every 20 ms under load, so only the batch being gathered may be lost.
            long cutoff = killedAt - TimeUnit.MILLISECONDS.toNanos(250);
            ackedBeforeCutoff += completedAt.stream().filter(t -> t < cutoff).count();
            long walBytes = Files.exists(wal) ? Files.size(wal) : 0;
            assertThat(query(db, "PRAGMA integrity_check")).as("integrity after kill %d", cycle).isEqualTo("ok");
            long rows = Long.parseLong(query(db, "SELECT count(*) FROM requests WHERE path = '/v1/messages'"));
            long lost = Math.max(0, ackedBeforeCutoff - rows);
            maxLost = Math.max(maxLost, lost);
            System.out.printf("E1 cycle %d: acked-before-cutoff=%d rows=%d lost=%d wal=%d bytes%n", cycle, ackedBeforeCutoff, rows,
                    lost, walBytes);
            assertThat(lost).as("requests acknowledged over 250 ms before the kill with no row").isZero();
            assertThat(walBytes).as("WAL after kill %d", cycle).isLessThanOrEqualTo(5L * 1024 * 1024);
        }
        System.out.println("E1 " + cycles + " cycles: max lost " + maxLost);
    }

    @Test
    @DisplayName("E6: a database with a corrupt middle page is refused at start in one line, exit 1, file untouched")
    void e6CorruptMiddlePage() throws Exception {
        upstream.behaveByDefault(Behaviour.ok());
        start(Map.of());
        addAccount();
        String bigger = BODY.replace("hello ", "hello hello hello hello ");
        for (int i = 0; i < 40; i++) assertThat(proxy(bigger).statusCode()).isEqualTo(200);
        stopGracefully();
        Path db = home.resolve("data/ccflare.db");
        long pages = Files.size(db) / 4096;
        assertThat(pages).isGreaterThan(20);
        try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
            f.seek((pages / 2) * 4096);
            byte[] ff = new byte[4096];
            Arrays.fill(ff, (byte) 0xFF);
            f.write(ff);
        }
        String before = sha256(db);
        Process p = launch(Map.of());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("refused within 30 s").isTrue();
        String out = output(log);
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        List<String> lines = out.lines().filter(l -> l.contains("corrupt")).toList();
        assertThat(lines).as(out).hasSize(1);
        assertThat(lines.getFirst()).contains("ccflare.db").contains("quick_check");
        assertThat(sha256(db)).isEqualTo(before);
    }

    @Test
    @DisplayName("E5: disk full (a 24 MiB tmpfs): proxying goes on, /health names the database problem, integrity ok, recording resumes when space returns")
    void e5DiskFull() throws Exception {
        Path mnt = home.resolve("small");
        Files.createDirectories(mnt);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mnt.toString()).redirectErrorStream(true).start();
        boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "E5 needs a tmpfs mount (root or CAP_SYS_ADMIN); not runnable here");
        try {
            upstream.behaveByDefault(Behaviour.ok());
            Path db = mnt.resolve("ccflare.db");
            start(Map.of("CCFLARE_DB_PATH", db.toString()));
            addAccount();
            String big = "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\""
                    + "x".repeat(512 * 1024) + "\"}]}";
            boolean full = false;
            for (int i = 0; i < 200 && !full; i++) {
                assertThat(proxy(big).statusCode()).as("proxying goes on while the disk fills (request %d)", i).isEqualTo(200);
                if (i % 5 == 4) {
                    JsonNode health = JSON.readTree(get("/health").body());
                    full = !"ok".equals(health.path("database").asText());
                }
            }
            poll("health names the database problem", Duration.ofSeconds(20),
                    () -> !"ok".equals(JSON.readTree(get("/health").body()).path("database").asText()));
            String reason = JSON.readTree(get("/health").body()).path("database").asText();
            System.out.println("E5 health while full: " + reason);
            assertThat(proxy(BODY).statusCode()).as("still proxying with the disk full").isEqualTo(200);
            Process grow = new ProcessBuilder("mount", "-o", "remount,size=256m", mnt.toString()).inheritIO().start();
            assertThat(grow.waitFor(10, TimeUnit.SECONDS) && grow.exitValue() == 0).isTrue();
            long rowsBefore = Long.parseLong(query(db, "SELECT count(*) FROM requests"));
            poll("recording resumes within 10 s of space returning", Duration.ofSeconds(10), () -> {
                proxy(BODY);
                return Long.parseLong(query(db, "SELECT count(*) FROM requests")) > rowsBefore
                        && "ok".equals(JSON.readTree(get("/health").body()).path("database").asText());
            });
            stopGracefully();
            assertThat(query(db, "PRAGMA integrity_check")).isEqualTo("ok");
        } finally {
            if (daemon != null) {
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
                daemon = null;
            }
            new ProcessBuilder("umount", mnt.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ F. secrets

    @Test
    @DisplayName("F1: the account key and the client's own keys appear in no log, API answer, payload, database or WAL byte")
    void f1CanariesNowhere() throws Exception {
        upstream.behaveByDefault(Behaviour.ok());
        start(Map.of("LOG_LEVEL", "DEBUG"));
        String accountId = addAccount();
        for (int i = 0; i < 5; i++) assertThat(proxy(BODY).statusCode()).isEqualTo(200);
        upstream.behaveByDefault(Behaviour.serverError(500));
        proxy(BODY);
        upstream.behaveByDefault(Behaviour.resetMidStream(1));
        proxy(STREAM_BODY);
        assertThat(upstream.requestsWithCredential(ACCOUNT_KEY)).as("the key did reach the provider").isNotEmpty();
        JsonNode rows = awaitRows(7);
        StringBuilder api = new StringBuilder();
        api.append(get("/api/accounts").body()).append(get("/api/requests?limit=50").body()).append(get("/api/stats").body())
                .append(get("/api/accounts/" + accountId).body()).append(get("/api/config").body());
        for (JsonNode r : rows) api.append(get("/api/requests/" + r.path("id").asText()).body());
        Path dataDir = home.resolve("data");
        byte[] dbLive = readAll(dataDir, "ccflare.db", "ccflare.db-wal");
        stopGracefully();
        byte[] dbAfter = readAll(dataDir, "ccflare.db", "ccflare.db-wal");
        for (String canary : List.of(ACCOUNT_KEY, CLIENT_KEY, "CANARY")) {
            assertThat(output(log)).as("log").doesNotContain(canary);
            assertThat(api.toString()).as("API answers").doesNotContain(canary);
            assertThat(new String(dbLive, StandardCharsets.ISO_8859_1)).as("db and wal bytes while running").doesNotContain(canary);
            assertThat(new String(dbAfter, StandardCharsets.ISO_8859_1)).as("db and wal bytes after stop").doesNotContain(canary);
        }
    }

    // ------------------------------------------------------------------ G. HTTP surface

    @Test
    @DisplayName("G4/G5: oversized head, body and URL are refused; CL+TE and double Content-Length smuggling attempts get 400; none reaches upstream")
    void g4SizesAndSmuggling() throws Exception {
        upstream.behaveByDefault(Behaviour.ok());
        start(Map.of());
        addAccount();
        String host = "Host: 127.0.0.1:" + base.getPort() + "\r\n";
        assertThat(status(("POST /v1/messages HTTP/1.1\r\n" + host + "x-big: " + "a".repeat(70 * 1024) + "\r\nContent-Length: 2\r\n\r\n{}")
                .getBytes(StandardCharsets.US_ASCII))).isEqualTo(431);
        assertThat(status(("GET /v1/models?" + "q".repeat(70 * 1024) + " HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.US_ASCII)))
                .isIn(414, 431);
        assertThat(status(("POST /v1/messages HTTP/1.1\r\n" + host + "content-type: application/json\r\nContent-Length: 104857600\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII))).isEqualTo(413);
        assertThat(status(("POST /v1/messages HTTP/1.1\r\n" + host + "content-type: application/json\r\nContent-Length: 2\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII))).isEqualTo(400);
        assertThat(status(("POST /v1/messages HTTP/1.1\r\n" + host + "content-type: application/json\r\nContent-Length: 2\r\n"
                + "Content-Length: 40\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII))).isEqualTo(400);
        assertThat(upstream.requests("/v1/messages")).as("no refused request reached the provider").isEmpty();
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ J. bad input

    @Test
    @DisplayName("J1: malformed bodies, odd methods and dot-segment paths get deterministic answers, no stack trace, the account stays healthy")
    void j1BadInput() throws Exception {
        upstream.behaveByDefault(Behaviour.ok());
        start(Map.of());
        addAccount();
        for (String body : List.of("{", "[]", "\"x\"", "{\"model\":1}", "", "[".repeat(10_000) + "]".repeat(10_000))) {
            assertThat(proxy(body).statusCode()).as("body %s", body.length() > 20 ? body.substring(0, 20) + "…" : body).isLessThan(500);
        }
        assertThat(status(("TRACE / HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)))
                .isIn(400, 404, 405);
        HttpResponse<String> dotted = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/x/../accounts")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(dotted.statusCode()).as("no token: never served").isIn(400, 401, 404);
        HttpResponse<String> unknown = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/unknown")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isLessThan(500);
        assertThat(output(log)).doesNotContain("StackOverflowError").doesNotContain("\tat ");
        JsonNode account = JSON.readTree(get("/api/accounts").body()).get(0);
        assertThat(account.path("paused").asBoolean()).isFalse();
        assertThat(proxy(BODY).statusCode()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ J4. the soak

    @Test
    @Tag("soak")
    @DisplayName("J4 (soak, 60 s seeded): random upstream faults and client aborts; exactly one row per request, nothing left in flight")
    void j4ChaosSoak() throws Exception {
        upstream.behaveByDefault(Behaviour.random(4, Behaviour.ok(), Behaviour.rateLimited429(1, 0), Behaviour.overloaded529(),
                Behaviour.serverError(500), Behaviour.dropConnection(true), Behaviour.resetMidStream(2),
                Behaviour.slowFirstByte(Duration.ofMillis(300)), Behaviour.closeMidStream(1)));
        start(Map.of());
        addAccount();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.getInteger("chaos.soak.seconds", 60));
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int seed = c;
            clients.add(Thread.ofVirtual().start(() -> {
                Random r = new Random(seed);
                while (System.nanoTime() < until) {
                    try {
                        statuses.add(proxy(r.nextBoolean() ? STREAM_BODY : BODY).statusCode());
                    } catch (Exception e) {
                        statuses.add(-1);
                    }
                }
            }));
        }
        for (Thread t : clients) t.join();
        int sent = statuses.size();
        poll("nothing left in flight upstream", Duration.ofSeconds(30), () -> upstream.inFlight() == 0);
        stopGracefully();
        long rows = Long.parseLong(query(home.resolve("data/ccflare.db"), "SELECT count(*) FROM requests WHERE path = '/v1/messages'"));
        System.out.println("J4: " + sent + " requests, " + rows + " rows");
        assertThat(rows).as("exactly one row per request").isEqualTo(sent);
    }

    // ------------------------------------------------------------------ the daemon

    private void start(Map<String, String> extra) throws Exception {
        daemon = launch(extra);
        Launches.awaitHealth(HTTP, base, daemon, log);
    }

    private Process launch(Map<String, String> extra) throws Exception {
        starts++;
        int port = freePort();
        log = home.resolve("daemon-" + starts + ".log");
        ProcessBuilder pb = new ProcessBuilder(IMAGE.resolve("bin/ccflare").toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("CCFLARE_") || k.startsWith("ccflare_") || k.startsWith("XDG_")
                || k.equals("PORT") || k.equals("HOST") || k.equals("JAVA_OPTS") || k.equals("STATE_DIRECTORY")
                || k.equals("LOG_LEVEL") || k.equals("RUNTIME_DIRECTORY"));
        Map<String, String> env = new HashMap<>(Map.of(
                "HOME", home.toString(),
                "PORT", Integer.toString(port),
                "CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString(),
                "CCFLARE_ADMIN_TOKEN", ADMIN_TOKEN,
                "CCFLARE_ANTHROPIC_BASE_URL", upstream.baseUri().toString()));
        env.putAll(extra);
        pb.environment().putAll(env);
        base = URI.create("http://127.0.0.1:" + port);
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** SIGKILL by PID (bin/ccflare execs the JVM, so the process is the daemon itself). */
    private void kill9() throws Exception {
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(daemon.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).as("killed within 10 s").isTrue();
        daemon = null;
    }

    private void stopGracefully() throws Exception {
        daemon.destroy(); // SIGTERM
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s after SIGTERM").isTrue();
        assertThat(daemon.exitValue()).as(output(log)).isZero();
        daemon = null;
    }

    private String addAccount() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/accounts"))
                .header("authorization", "Bearer " + ADMIN_TOKEN).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"chaos\",\"provider\":\"anthropic\",\"apiKey\":\"" + ACCOUNT_KEY + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        return JSON.readTree(r.body()).path("id").asText();
    }

    private HttpRequest proxyRequest(String body) {
        return HttpRequest.newBuilder(base.resolve("/v1/messages")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", CLIENT_KEY).header("authorization", "Bearer " + CLIENT_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> proxy(String body) throws Exception {
        return HTTP.send(proxyRequest(body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("authorization", "Bearer " + ADMIN_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private byte[] rawPost(String path, String body, String extraHeaders) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort() + "\r\ncontent-type: application/json\r\n"
                + "anthropic-version: 2023-06-01\r\nx-api-key: " + CLIENT_KEY + "\r\n" + extraHeaders
                + "Content-Length: " + b.length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    /** Sends raw bytes on a fresh connection and returns the status code of the answer. */
    private int status(byte[] request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", base.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The daemon may answer and close before it has read everything sent.
            }
            String line = statusLine(s.getInputStream());
            assertThat(line).as("a status line").startsWith("HTTP/1.1 ");
            return Integer.parseInt(line.substring(9, 12));
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b; (b = in.read()) >= 0 && b != '\n'; ) line.write(b);
        } catch (SocketTimeoutException e) {
            // return what came
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }

    private static void readUntil(InputStream in, String marker, int times) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[4096];
        int found = 0;
        while (found < times) {
            int n = in.read(buf);
            if (n < 0) throw new AssertionError("stream ended after: " + seen);
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            found = seen.toString().split(marker, -1).length - 1;
        }
    }

    private JsonNode awaitRow(java.util.function.Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (JsonNode r : rowsNow()) if (wanted.test(r)) return r;
            Thread.sleep(100);
        }
        throw new AssertionError("no such row; rows: " + rowsNow());
    }

    private JsonNode awaitRows(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        JsonNode rows = rowsNow();
        while (rows.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(100);
            rows = rowsNow();
        }
        assertThat(rows.size()).isGreaterThanOrEqualTo(n);
        return rows;
    }

    private JsonNode rowsNow() throws Exception {
        JsonNode body = JSON.readTree(get("/api/requests?limit=100").body());
        return body.isArray() ? body : body.path("requests");
    }

    private interface Check { boolean holds() throws Exception; }

    private static void poll(String what, Duration bound, Check check) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within " + bound.toSeconds() + " s");
            Thread.sleep(50);
        }
    }

    private static String query(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    private static byte[] readAll(Path dir, String... names) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String n : names) if (Files.exists(dir.resolve(n))) all.write(Files.readAllBytes(dir.resolve(n)));
        return all.toByteArray();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}

package ccflare.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import ccflare.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A stateful stand-in for the daemon's admin API on a real Unix socket, for the TUI tests: accounts
 * that pause and resume, a request history that grows, and the two event streams held open and fed
 * as requests are "served". It can be stopped and started again on the same socket, like a
 * restarted daemon. (The real daemon cannot be a test dependency of ccflare.cli: ccflare.server
 * already depends on ccflare.cli for its tests.)
 */
final class TuiLiveDaemon implements AutoCloseable {

    final Path dir;
    final Path socket;
    final List<String> received = new CopyOnWriteArrayList<>();
    /** The bodies of the sign-in calls, in order. */
    final List<String> signInBodies = new CopyOnWriteArrayList<>();
    /** The code {@code POST /api/auth/{provider}/complete} accepts. */
    static final String GOOD_CODE = "good-code#good-state";
    private final ArrayNode accounts = (ArrayNode) Json.tree(Samples.ACCOUNTS.getBytes(StandardCharsets.UTF_8));
    private final ArrayNode requests = (ArrayNode) Json.tree(Samples.REQUESTS.getBytes(StandardCharsets.UTF_8));
    private final List<BlockingQueue<String>> requestFollowers = new CopyOnWriteArrayList<>();
    private volatile Server server;
    private volatile boolean running;
    /** Bumped by every stop, so a stream of a stopped server ends even after a restart. */
    private volatile int generation;
    private int next = 100;

    TuiLiveDaemon() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "cc");
        socket = dir.resolve("s.sock");
        start();
    }

    synchronized void start() throws Exception {
        Server s = new Server();
        UnixDomainServerConnector connector = new UnixDomainServerConnector(s, new HttpConnectionFactory());
        connector.setUnixDomainPath(socket);
        s.addConnector(connector);
        s.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return serve(request, response, callback);
            }
        });
        running = true;
        s.start();
        server = s;
    }

    synchronized void stop() throws Exception {
        running = false;
        generation++;
        requestFollowers.clear();
        if (server != null) server.stop();
        server = null;
        Files.deleteIfExists(socket);
    }

    /** "Serves" one request: it is recorded and pushed to every follower of /api/requests/stream. */
    synchronized String serveRequest(String model) {
        String id = "live-" + (next++);
        ObjectNode r = (ObjectNode) Json.tree(("{\"id\":\"" + id + "\",\"timestamp\":\"2026-03-01T11:59:30Z\",\"method\":\"POST\","
                + "\"path\":\"/v1/messages\",\"accountUsed\":\"work\",\"statusCode\":200,\"success\":true,\"responseTimeMs\":321,"
                + "\"failoverAttempts\":0,\"model\":\"" + model + "\",\"totalTokens\":42,\"outcome\":\"ok\",\"attempts\":1}")
                .getBytes(StandardCharsets.UTF_8));
        requests.insert(0, r);
        ObjectNode ev = Json.tree("{\"type\":\"summary\"}".getBytes(StandardCharsets.UTF_8)).deepCopy();
        ev.setAll(r);
        for (BlockingQueue<String> q : requestFollowers) {
            q.offer("event: start\ndata: {\"type\":\"start\",\"id\":\"" + id + "\",\"ts\":1772366370000,\"method\":\"POST\",\"path\":\"/v1/messages\"}\n\n");
            q.offer("event: summary\ndata: " + Json.writeString(ev) + "\n\n");
        }
        return id;
    }

    synchronized boolean paused(String name) {
        for (JsonNode a : accounts) if (a.path("name").asText().equals(name)) return a.path("paused").asBoolean();
        throw new IllegalArgumentException(name);
    }

    private boolean serve(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        String target = request.getHttpURI().getPathQuery();
        String method = request.getMethod();
        String requestBody = Content.Source.asString(request, StandardCharsets.UTF_8);
        received.add(method + " " + target);
        if (path.equals("/api/requests/stream") || path.equals("/api/logs/stream")) {
            stream(response, callback, path.equals("/api/requests/stream"));
            return true;
        }
        String body;
        int status = 200;
        synchronized (this) {
            if (method.equals("GET") && path.equals("/health")) body = Samples.HEALTH;
            else if (method.equals("GET") && path.equals("/api/config")) body = Samples.CONFIG;
            else if (method.equals("GET") && path.equals("/api/accounts")) body = Json.writeString(accounts);
            else if (method.equals("GET") && path.equals("/api/stats")) body = Samples.STATS;
            else if (method.equals("GET") && path.equals("/api/analytics")) body = "{\"meta\":{\"range\":\"24h\",\"bucket\":\"1h\"},"
                    + "\"totals\":{\"requests\":3,\"successRate\":66,\"totalTokens\":1542,\"totalCostUsd\":0.0123,\"avgResponseTime\":547},"
                    + "\"timeSeries\":[{\"ts\":1772362800000,\"requests\":1},{\"ts\":1772366400000,\"requests\":2}],"
                    + "\"tokenBreakdown\":{\"inputTokens\":1000,\"cacheReadInputTokens\":500,\"cacheCreationInputTokens\":0,\"outputTokens\":42}}";
            else if (method.equals("GET") && path.equals("/api/requests")) {
                String query = request.getHttpURI().getQuery();
                String before = query == null ? null : java.util.Arrays.stream(query.split("&")).filter(q -> q.startsWith("before="))
                        .map(q -> q.substring("before=".length())).findFirst().orElse(null);
                if (before == null) body = Json.writeString(requests);
                else if (before.equals(requests.get(requests.size() - 1).path("id").asText())) body = older();
                else body = "[]"; // the end of the history
            } else if (method.equals("POST") && path.matches("/api/auth/[^/]+/init")) {
                signInBodies.add(requestBody);
                status = 201;
                body = flow("flow-new", path.split("/")[3]);
            } else if (method.equals("POST") && path.matches("/api/accounts/[^/]+/reauthenticate")) {
                signInBodies.add(path);
                String id = path.split("/")[3];
                String provider = "claude-code";
                for (JsonNode a : accounts) if (a.path("id").asText().equals(id)) provider = a.path("provider").asText();
                status = 201;
                body = flow("flow-again", provider);
            } else if (method.equals("POST") && path.matches("/api/auth/[^/]+/complete")) {
                signInBodies.add(requestBody);
                if (requestBody.contains(GOOD_CODE)) {
                    status = 201;
                    body = "{\"id\":\"a9\",\"name\":\"signed-in\",\"provider\":\"claude-code\"}";
                } else {
                    status = 400;
                    body = "{\"error\":\"state does not match this sign-in; start again\"}";
                }
            } else if (method.equals("GET") && path.startsWith("/api/auth/flows/")) {
                body = "{\"flowId\":\"" + path.substring("/api/auth/flows/".length()) + "\",\"provider\":\"claude-code\",\"status\":\"pending\"}";
            }
            else if (method.equals("GET") && path.equals("/api/logs/history")) body = Samples.LOGS;
            else if (method.equals("GET") && path.startsWith("/api/requests/")) {
                String id = path.substring("/api/requests/".length());
                body = null;
                for (JsonNode r : requests) {
                    if (r.path("id").asText().equals(id)) {
                        ObjectNode d = r.deepCopy();
                        d.set("payload", Json.tree(("{\"request\":{\"headers\":{\"content-type\":\"application/json\"},"
                                + "\"body\":\"{\\\"model\\\":\\\"m\\\",\\\"messages\\\":[]}\"},\"response\":{\"headers\":{},"
                                + "\"body\":\"event: content_block_delta\\ndata: {\\\"delta\\\":{\\\"text\\\":\\\"Hello from upstream\\\"}}\\n\\n\"},"
                                + "\"streamed\":true,\"truncated\":false}").getBytes(StandardCharsets.UTF_8)));
                        body = Json.writeString(d);
                    }
                }
                if (body == null) {
                    status = 404;
                    body = "{\"error\":\"no such request\"}";
                }
            } else if (method.equals("POST") && path.matches("/api/accounts/[^/]+/(pause|resume)")) {
                String key = path.split("/")[3];
                boolean pause = path.endsWith("/pause");
                for (JsonNode a : accounts) {
                    if (a.path("id").asText().equals(key) || a.path("name").asText().equals(key)) ((ObjectNode) a).put("paused", pause);
                }
                body = Samples.action(pause ? "paused" : "resumed");
            } else {
                status = 404;
                body = "{\"error\":\"no such endpoint: " + method + " " + path + "\"}";
            }
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, body, callback);
        return true;
    }

    /** The page before the last of the history: three older requests (then the history ends). */
    private static String older() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 1; i <= 3; i++) {
            if (i > 1) sb.append(',');
            sb.append("{\"id\":\"old-").append(i).append("\",\"timestamp\":\"2026-02-2").append(8 - i)
                    .append("T10:00:00Z\",\"method\":\"POST\",\"path\":\"/v1/messages\",\"accountUsed\":\"work\",")
                    .append("\"statusCode\":200,\"success\":true,\"responseTimeMs\":100,\"failoverAttempts\":0,")
                    .append("\"model\":\"claude-older-page-").append(i).append("\",\"outcome\":\"ok\",\"attempts\":1}");
        }
        return sb.append(']').toString();
    }

    private static String flow(String id, String provider) {
        return "{\"flowId\":\"" + id + "\",\"provider\":\"" + provider + "\",\"authorizeUrl\":\"https://auth.example/oauth/authorize?"
                + "code=true&client_id=abc&state=state-of-" + id + "&code_challenge=" + "c".repeat(43) + "\","
                + "\"expiresAt\":\"2026-03-01T12:10:00Z\",\"instructions\":\"Open the URL, sign in, and paste the code shown afterwards.\"}";
    }

    private void stream(Response response, Callback callback, boolean requestsFeed) throws Exception {
        int mine = generation;
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        if (requestsFeed) requestFollowers.add(q);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        q.offer("event: connected\ndata: {\"type\":\"connected\"}\n\n");
        if (!requestsFeed) q.offer("event: log\ndata: {\"type\":\"log\",\"ts\":1772366403000,\"level\":\"WARN\",\"logger\":\"ccflare.proxy\",\"msg\":\"live line\"}\n\n");
        try {
            while (running && generation == mine) {
                String chunk = q.poll(100, TimeUnit.MILLISECONDS);
                if (chunk == null) continue;
                Callback.Completable done = new Callback.Completable();
                Content.Sink.write(response, false, chunk, done);
                done.get(5, TimeUnit.SECONDS);
            }
            callback.succeeded();
        } catch (Exception e) {
            callback.failed(e);
        } finally {
            requestFollowers.remove(q);
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
        Files.deleteIfExists(dir);
    }
}

package ccflare.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * A fake ccflare API on a real Unix socket in a short /tmp path: canned answers per
 * {@code METHOD /path?query}, and a record of every request received.
 */
final class FakeDaemon implements AutoCloseable {

    record Received(String method, String target, String body, String host) {
        String line() { return method + " " + target; }
    }

    record Answer(int status, String contentType, String body) {
        static Answer json(int status, String body) { return new Answer(status, "application/json", body); }

        static Answer sse(String body) { return new Answer(200, "text/event-stream", body); }
    }

    final Path dir;
    final Path socket;
    final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Server server;

    FakeDaemon() throws Exception {
        // Unix socket paths are limited to ~107 bytes; a @TempDir under target/ may be longer.
        dir = Files.createTempDirectory(Path.of("/tmp"), "cc");
        socket = dir.resolve("s.sock");
        server = new Server();
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, new HttpConnectionFactory());
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                String target = request.getHttpURI().getPathQuery();
                received.add(new Received(request.getMethod(), target, body, request.getHeaders().get(HttpHeader.HOST)));
                Answer a = answers.get(request.getMethod() + " " + target);
                if (a == null) {
                    a = Answer.json(404, "{\"error\":\"no such endpoint: " + request.getMethod() + " "
                            + request.getHttpURI().getPath() + "\"}");
                }
                response.setStatus(a.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, a.contentType());
                Content.Sink.write(response, true, a.body(), callback);
                return true;
            }
        });
        server.start();
    }

    /** Answers {@code METHOD target} (target with its query) with JSON. */
    FakeDaemon on(String methodAndTarget, int status, String json) {
        answers.put(methodAndTarget, Answer.json(status, json));
        return this;
    }

    FakeDaemon onStream(String methodAndTarget, String sse) {
        answers.put(methodAndTarget, Answer.sse(sse));
        return this;
    }

    List<String> lines() {
        return received.stream().map(Received::line).toList();
    }

    Received last() {
        return received.getLast();
    }

    void stop() throws Exception {
        server.stop();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the fake daemon", e);
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // best effort
        }
    }
}

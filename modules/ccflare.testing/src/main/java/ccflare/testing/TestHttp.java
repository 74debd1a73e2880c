package ccflare.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * JDK-HttpClient shortcuts for tests. Headers are given as alternating name/value strings
 * ({@code "x-api-key", "k1", "anthropic-version", "2023-06-01"}). Every call times out after
 * {@link #TIMEOUT} unless stated otherwise; failures surface as {@link UncheckedIOException}.
 */
public final class TestHttp {
    /** The request timeout of every helper. */
    public static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestHttp() {}

    /**
     * A complete answer.
     *
     * @param headers values by lower-case name
     */
    public record Reply(int status, Map<String, List<String>> headers, String body) {
        public Reply {
            headers = lowerCase(headers);
            Objects.requireNonNull(body, "body");
        }

        /** The first value of a header (name case-insensitive), or null. */
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.getFirst();
        }
    }

    /**
     * One line of a streamed body.
     *
     * @param text           the line without its terminator
     * @param arrivedAtNanos {@link System#nanoTime()} when the client read it
     */
    public record Line(String text, long arrivedAtNanos) {}

    /** An answer read line by line; {@code lines} includes the blank lines that separate SSE events. */
    public record StreamedReply(int status, Map<String, List<String>> headers, List<Line> lines) {
        public StreamedReply {
            headers = lowerCase(headers);
            lines = List.copyOf(lines);
        }

        /** The first value of a header (name case-insensitive), or null. */
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.getFirst();
        }

        /** The lines joined back with {@code \n} terminators, ready for {@link Sse#parse(String)}. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            for (Line l : lines) sb.append(l.text()).append('\n');
            return sb.toString();
        }
    }

    /**
     * A streamed answer being read; closing it before the end abandons the response, which makes the
     * JDK client close the connection (the server sees the peer go away).
     */
    public static final class OpenStream implements AutoCloseable {
        private final HttpResponse<InputStream> response;
        private final BufferedReader reader;

        private OpenStream(HttpResponse<InputStream> response) {
            this.response = response;
            this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        /** The status code. */
        public int status() { return response.statusCode(); }

        /** The first value of a header (name case-insensitive), or null. */
        public String header(String name) { return response.headers().firstValue(name).orElse(null); }

        /** The next line, or null at the end of the body; blocks until it arrives. */
        public Line nextLine() {
            try {
                String line = reader.readLine();
                return line == null ? null : new Line(line, System.nanoTime());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Reads until {@code count} SSE events (blank-line terminated) have been read; returns their text. */
        public String readEvents(int count) {
            StringBuilder sb = new StringBuilder();
            int seen = 0;
            while (seen < count) {
                Line l = nextLine();
                if (l == null) break;
                sb.append(l.text()).append('\n');
                if (l.text().isEmpty()) seen++;
            }
            return sb.toString();
        }

        /** Abandons the rest of the body. */
        @Override public void close() {
            try {
                reader.close();
            } catch (IOException ignored) {
                // The connection is being dropped anyway.
            }
        }
    }

    /** POSTs a JSON body and reads the whole answer. */
    public static Reply postJson(URI uri, String json, String... headers) {
        return send(request(uri, headers).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** POSTs a body with the given content type and reads the whole answer. */
    public static Reply post(URI uri, String contentType, String body, String... headers) {
        return send(request(uri, headers).header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** GETs and reads the whole answer. */
    public static Reply get(URI uri, String... headers) {
        return send(request(uri, headers).GET().build());
    }

    /** POSTs a JSON body and reads the answer line by line, stamping each line's arrival time. */
    public static StreamedReply streamLines(URI uri, String json, String... headers) {
        try (OpenStream s = openStream(uri, json, headers)) {
            List<Line> lines = new ArrayList<>();
            for (Line l = s.nextLine(); l != null; l = s.nextLine()) lines.add(l);
            return new StreamedReply(s.status(), s.response.headers().map(), lines);
        }
    }

    /** POSTs a JSON body and returns as soon as the headers arrive; read and close the stream yourself. */
    public static OpenStream openStream(URI uri, String json, String... headers) {
        HttpRequest req = request(uri, headers).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            return new OpenStream(CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }

    private static HttpRequest.Builder request(URI uri, String... headers) {
        if (headers.length % 2 != 0) throw new IllegalArgumentException("headers: odd count " + headers.length
                + " (expected: name/value pairs)");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b;
    }

    private static Reply send(HttpRequest req) {
        try {
            HttpResponse<String> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted", e));
        }
    }

    private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        Map<String, List<String>> m = new TreeMap<>();
        headers.forEach((k, v) -> m.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
        m.replaceAll((k, v) -> List.copyOf(v));
        return java.util.Collections.unmodifiableMap(m);
    }
}

package ccflare.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request as {@link FakeUpstream} received it.
 *
 * @param method          HTTP method, e.g. {@code POST}
 * @param pathAndQuery    path plus query string exactly as sent, e.g. {@code /v1/messages?beta=true}
 * @param headers         header values by lower-case name, in arrival order
 * @param body            the request body, byte for byte (empty when none); defensive copies
 * @param receivedAtNanos {@link System#nanoTime()} when the request line and headers had arrived
 * @param protocol        the HTTP version it came over: {@code HTTP/1.1} or {@code HTTP/2.0}
 */
public record Received(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body,
                       long receivedAtNanos, String protocol) {

    public Received {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        Objects.requireNonNull(protocol, "protocol");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> copy.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        headers = java.util.Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    /** A request that came over HTTP/1.1. */
    public Received(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body, long receivedAtNanos) {
        this(method, pathAndQuery, headers, body, receivedAtNanos, "HTTP/1.1");
    }

    @Override public byte[] body() { return body.clone(); }

    /** The path without the query string. */
    public String path() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    /** The first value of a header (name case-insensitive), or null when absent. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() { return new String(body, StandardCharsets.UTF_8); }

    /**
     * The credential the request carried: the bearer token of {@code authorization} if present,
     * else {@code x-api-key}, else null.
     */
    public String credential() {
        String auth = header("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
        return header("x-api-key");
    }

    /** Omits header values and the body, which carry credentials. */
    @Override public String toString() {
        return "Received[" + method + " " + pathAndQuery + " " + protocol + ", " + body.length + " body bytes]";
    }

    @Override public boolean equals(Object o) {
        return o instanceof Received r && method.equals(r.method) && pathAndQuery.equals(r.pathAndQuery)
                && headers.equals(r.headers) && java.util.Arrays.equals(body, r.body) && receivedAtNanos == r.receivedAtNanos
                && protocol.equals(r.protocol);
    }

    @Override public int hashCode() {
        return Objects.hash(method, pathAndQuery, headers, java.util.Arrays.hashCode(body), receivedAtNanos, protocol);
    }
}

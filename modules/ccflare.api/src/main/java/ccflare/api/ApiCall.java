package ccflare.api;

import ccflare.protocol.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/** One API request as an endpoint sees it: path parameters, query parameters and a size-capped JSON body. */
final class ApiCall {

    /** API bodies are small JSON documents; anything bigger is a mistake or an attack. */
    static final int MAX_BODY_BYTES = 1 << 20;

    /** How the caller was admitted. */
    enum Access {
        /** Over the admin Unix socket: its directory's permissions decided. */
        UNIX_SOCKET,
        /** Over TCP with {@code Authorization: Bearer <admin token>}. */
        TOKEN,
        /** Over TCP with the dashboard's session cookie. */
        SESSION,
        /** Over TCP with no credential: only {@code /health} is reached this way. */
        NONE
    }

    private final Request request;
    private final List<String> pathParams;
    private final Access access;
    private Fields query;

    ApiCall(Request request, List<String> pathParams, Access access) {
        this.request = request;
        this.pathParams = List.copyOf(pathParams);
        this.access = access;
    }

    /** How the caller was admitted. */
    Access access() { return access; }

    /** The request's {@code Host} header, when sent. */
    /** The Accept header, empty when absent. */
    String accept() {
        String a = request.getHeaders().get(HttpHeader.ACCEPT);
        return a == null ? "" : a;
    }

    Optional<String> host() { return Optional.ofNullable(request.getHeaders().get(HttpHeader.HOST)); }

    boolean secure() { return request.isSecure(); }

    String method() { return request.getMethod(); }

    /** Whether the request came over the admin Unix socket rather than TCP. */
    boolean overUnixSocket() { return AdminGate.overUnixSocket(request); }

    /** The {@code i}-th {@code {param}} of the route, percent-decoded. */
    String pathParam(int i) { return pathParams.get(i); }

    /** A query parameter's first value; empty when absent. */
    Optional<String> query(String name) {
        if (query == null) query = Request.extractQueryParameters(request);
        return Optional.ofNullable(query.getValue(name));
    }

    /**
     * The request body, at most {@link #MAX_BODY_BYTES}. A non-empty body must be declared JSON,
     * which also stops cross-site "simple" form posts (415).
     */
    byte[] body() {
        long declared = request.getLength();
        if (declared > MAX_BODY_BYTES) throw tooLarge();
        byte[] bytes;
        try (InputStream in = Request.asInputStream(request)) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            // a body cut short or malformed on the wire is the client's problem, not ours
            throw ApiException.badRequest("body: could not be read (" + e.getMessage() + ")");
        }
        if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
        if (bytes.length > 0) requireJsonContentType();
        return bytes;
    }

    /** The body as a JSON object. @throws ApiException 400 when it is not one */
    JsonBody jsonObject() {
        JsonNode node = Json.tree(body());
        if (!node.isObject()) {
            throw ApiException.badRequest("body: " + JsonBody.kind(node) + " (expected: a JSON object)");
        }
        return new JsonBody(node);
    }

    /** The body as a JSON object, or an empty one when there is no body (actions whose body is optional). */
    JsonBody optionalJsonObject() {
        byte[] bytes = body();
        if (bytes.length == 0) return JsonBody.empty();
        JsonNode node = Json.tree(bytes);
        if (!node.isObject()) {
            throw ApiException.badRequest("body: " + JsonBody.kind(node) + " (expected: a JSON object)");
        }
        return new JsonBody(node);
    }

    private void requireJsonContentType() {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!mime.equals("application/json") && !mime.endsWith("+json")) {
            throw new ApiException(415, "content-type: " + (type == null ? "missing" : "'" + mime + "'")
                    + " (expected: application/json)");
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "request body over " + MAX_BODY_BYTES + " bytes (the API takes small JSON documents)");
    }
}

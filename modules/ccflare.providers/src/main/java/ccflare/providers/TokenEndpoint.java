package ccflare.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One OAuth token endpoint: posts a grant (JSON for Claude, form-encoded for Codex) and reads the
 * answer into a {@link Reply}. Never throws for what the endpoint answers; never puts a token,
 * code or verifier into a reason.
 */
final class TokenEndpoint {

    /** What the token endpoint said. */
    sealed interface Reply {
        /** 2xx with an access token; {@code refreshToken} empty when none was returned; {@code expiresInSeconds} -1 when absent. */
        record Granted(String accessToken, String refreshToken, long expiresInSeconds) implements Reply {
            @Override public String toString() { return "Granted[redacted, expiresInSeconds=" + expiresInSeconds + "]"; }
        }

        /** A 4xx answer: {@code error} is the OAuth error code ({@code invalid_grant}…), {@code reason} the words to show. */
        record Refused(int status, String error, String reason) implements Reply {}

        /** 5xx, an unreadable answer, a timeout or a connection failure: worth trying again later. */
        record Failed(String reason) implements Reply {}
    }

    /** A refresh must not hold a proxied request for long (reliability plan §3.3). */
    static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REASON = 200;

    private final URI uri;
    private final boolean json;
    private final HttpClient http;

    /** @param json true for a JSON body (Claude), false for a form body (Codex) */
    TokenEndpoint(URI uri, boolean json, HttpClient http) {
        this.uri = uri;
        this.json = json;
        this.http = http;
    }

    Reply post(Map<String, String> params) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("content-type", json ? "application/json" : "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json ? jsonBody(params) : formBody(params)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            return new Reply.Failed("token endpoint " + host() + " did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            // the exception's own message may quote the URL or the peer; the class name says enough
            return new Reply.Failed("token endpoint " + host() + " unreachable (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply.Failed("interrupted while waiting for token endpoint " + host());
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status >= 200 && status < 300) {
            String access = text(body, "access_token");
            if (access.isEmpty()) return new Reply.Failed("token endpoint " + host() + " answered " + status + " without an access token");
            long expiresIn = body != null && body.path("expires_in").canConvertToLong() && body.path("expires_in").isNumber()
                    ? body.path("expires_in").asLong() : -1;
            return new Reply.Granted(access, text(body, "refresh_token"), expiresIn);
        }
        if (status >= 400 && status < 500) {
            String error = text(body, "error");
            String description = text(body, "error_description");
            if (description.isEmpty()) description = text(body, "message");
            String reason = !description.isEmpty() ? description : !error.isEmpty() ? error : "HTTP " + status;
            return new Reply.Refused(status, error, clean(reason));
        }
        return new Reply.Failed("token endpoint " + host() + " answered HTTP " + status);
    }

    private String host() {
        return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    private static String jsonBody(Map<String, String> params) {
        try {
            return JSON.writeValueAsString(params);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    static String formBody(Map<String, String> params) {
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode body, String field) {
        if (body == null) return "";
        JsonNode n = body.get(field);
        return n != null && n.isTextual() ? n.textValue() : "";
    }

    /** The provider's words, shortened and without control characters (they end up in logs and API answers). */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_REASON));
        for (int i = 0; i < s.length() && b.length() < MAX_REASON; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return s.length() > MAX_REASON ? b + "…" : b.toString();
    }
}

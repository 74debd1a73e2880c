package ccflare.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * {@link FakeUpstream}'s OAuth token endpoints ({@code /v1/oauth/token} JSON, {@code /oauth/token} form):
 * plays their script, parses the grant and lets {@link TokenIssuer} decide it.
 */
final class TokenEndpoint {
    private final TokenIssuer issuer;
    private final Answers answers;
    private final LongSupplier expiresInSeconds;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Answers.Program program = new Answers.Program(Behaviour.ok());

    /** {@code expiresInSeconds} is read when a grant is decided, after any scripted delay. */
    TokenEndpoint(TokenIssuer issuer, Answers answers, LongSupplier expiresInSeconds) {
        this.issuer = issuer;
        this.answers = answers;
        this.expiresInSeconds = expiresInSeconds;
    }

    void script(Behaviour behaviour) { program = new Answers.Program(behaviour); }

    /** Requests that reached either endpoint, successful or not. */
    int requests() { return requests.get(); }

    /** Back to {@link Behaviour#ok()} and no requests counted; the issuer's state is reset by its owner. */
    void reset() {
        program = new Answers.Program(Behaviour.ok());
        requests.set(0);
    }

    /** Serves one token request; {@code codex} adds the {@code id_token} auth.openai.com sends. */
    void serve(Exchange ex, Received r, boolean codex) {
        requests.incrementAndGet();
        // A failed or dropped request returns here, before a code or refresh token is consumed.
        if (answers.runScript(ex, program, FakeUpstream.Api.OAUTH) == null) return;
        Map<String, String> params = new LinkedHashMap<>();
        String contentType = r.header("content-type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")) {
            try {
                JsonNode node = Transcripts.JSON.readTree(r.body());
                if (node != null && node.isObject()) node.properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            } catch (IOException e) {
                answer(ex, 400, "application/json", "{\"error\":\"invalid_request\",\"error_description\":\"body is not JSON\"}");
                return;
            }
        } else {
            for (String pair : r.bodyText().split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                params.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        TokenIssuer.Answer a = issuer.grant(params, expiresInSeconds.getAsLong(), codex);
        answer(ex, a.status(), "application/json", a.json());
    }

    private static void answer(Exchange ex, int status, String contentType, String body) {
        ex.response.setStatus(status);
        ex.response.getHeaders().put("content-type", contentType);
        ex.finish(body);
    }
}

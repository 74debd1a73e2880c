package ccflare.cli;

import ccflare.protocol.Json;
import ccflare.protocol.PayloadView;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ccflarectl requests show ID}: one recorded request from {@code GET /api/requests/{id}},
 * as sections (what, timings, attempts, usage, payload). {@code --json} prints the API's answer.
 */
@Command(name = "show", description = "One request in full: timings, attempts, usage and the captured payload.")
final class RequestShow extends Action {

    @Parameters(paramLabel = "ID", description = "The request's id (the API's id field; ccflarectl requests --json lists them).")
    String id;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);
    private static final int LABEL = 22;

    @Override
    void run() {
        var reply = daemon().get("/api/requests/" + segment(id), "showing one request");
        if (json()) {
            printJson(reply.body());
            return;
        }
        JsonNode r = reply.tree();
        PrintStream out = out();
        Instant now = io().clock().instant();
        String when = Display.instant(r.path("timestamp"))
                .map(t -> TIME.format(t.atZone(ZoneId.systemDefault())) + " (" + Display.relative(t, now) + ")").orElse("?");
        String outcome = r.path("outcome").asText("ok");
        line(out, "id", r.path("id").asText());
        line(out, "received", when);
        line(out, "request", r.path("method").asText() + " " + r.path("path").asText());
        line(out, "status", r.path("statusCode").asInt() + (outcome.equals("ok") ? "" : " " + outcome)
                + (r.path("success").asBoolean() ? " (success)" : ""));
        if (r.hasNonNull("errorMessage")) line(out, "error", r.path("errorMessage").asText());
        line(out, "model", r.path("model").asText("-"));
        String account = r.path("accountUsed").isNull() || r.path("accountUsed").asText("").isEmpty()
                ? "(none)" : r.path("accountUsed").asText();
        line(out, "account", account + (r.hasNonNull("provider") ? " (" + r.path("provider").asText() + ")" : ""));
        if (r.hasNonNull("userAgent")) line(out, "client", r.path("userAgent").asText());
        if (r.hasNonNull("clientSessionId")) line(out, "client session", r.path("clientSessionId").asText());

        out.println();
        out.println("Timings");
        optionalDuration(out, r, "proxyOverheadMs", "proxy overhead");
        optionalDuration(out, r, "upstreamTtfbMs", "upstream first byte");
        optionalDuration(out, r, "ttfbMs", "client first byte");
        optionalDuration(out, r, "responseTimeMs", "total");

        out.println();
        out.println("Attempts");
        line(out, "  upstream attempts", Display.count(r.path("attempts").asLong()));
        line(out, "  failovers", Display.count(r.path("failoverAttempts").asLong()));

        out.println();
        out.println("Usage");
        line(out, "  input", Display.count(r.path("inputTokens").asLong()));
        line(out, "  cache read", Display.count(r.path("cacheReadInputTokens").asLong()));
        line(out, "  cache write", Display.count(r.path("cacheCreationInputTokens").asLong()));
        line(out, "  output", Display.count(r.path("outputTokens").asLong()));
        if (r.hasNonNull("reasoningTokens")) line(out, "  reasoning", Display.count(r.path("reasoningTokens").asLong()));
        line(out, "  total", Display.count(r.path("totalTokens").asLong()));
        line(out, "  cost", Display.cost(r.path("costUsd").asDouble()));
        if (r.hasNonNull("tokensPerSecond")) line(out, "  output speed", Display.tokensPerSecond(r.path("tokensPerSecond").asDouble()));

        out.println();
        JsonNode payload = r.path("payload");
        if (!payload.isObject()) {
            out.println("Payload: not captured (capture is off, it was shed under load, or its retention has passed)");
            return;
        }
        PayloadView p = Json.convert(payload, PayloadView.class);
        out.println("Payload" + (p.streamed() ? " (streamed)" : "") + (p.truncated() ? " (truncated: a size cap cut a body)" : ""));
        part(out, "Request", p.request());
        part(out, "Response", p.response());
    }

    private static void part(PrintStream out, String side, PayloadView.Part part) {
        if (part == null) return;
        out.println();
        out.println(side + " headers");
        for (Map.Entry<String, String> h : part.headers().entrySet()) out.println("  " + h.getKey() + ": " + h.getValue());
        out.println(side + " body");
        if ("base64".equals(part.bodyEncoding())) {
            out.println("  (" + Display.bytes(part.bodyBytes().length) + " of binary data; --json has it as base64)");
        } else if (part.body().isEmpty()) {
            out.println("  (empty)");
        } else {
            part.body().lines().forEach(l -> out.println("  " + l));
        }
    }

    private static void optionalDuration(PrintStream out, JsonNode r, String field, String label) {
        line(out, "  " + label, r.hasNonNull(field) ? Display.duration(r.path(field).asLong()) : "-");
    }

    private static void line(PrintStream out, String label, String value) {
        out.println(String.format(Locale.ROOT, "%-" + LABEL + "s %s", label, value));
    }
}

package ccflare.cli;

import ccflare.protocol.PayloadView;
import ccflare.protocol.RequestDetail;
import ccflare.protocol.RequestSummary;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;

/** The Requests screen's detail pane: timings, attempts, usage, cost and the payload, scrollable. */
final class RequestDetailPane {

    private RequestDetailPane() {}

    static List<AttributedString> render(TuiModel m, Viewport v) {
        var r = m.requests();
        List<AttributedString> all = new ArrayList<>();
        RequestDetail d = r.detail();
        if (d == null) {
            all.add(new AttributedString("Request " + r.openId() + ": loading…", v.dim()));
            return all;
        }
        RequestSummary s = d.summary();
        all.add(new AttributedString("Request " + s.id(), v.bold()));
        field(all, v, "When", nz(s.timestamp()) + "   " + nz(s.method()) + " " + nz(s.path()));
        field(all, v, "Status", s.statusCode() + " " + s.outcome() + (s.errorMessage() == null ? "" : " — " + s.errorMessage()));
        field(all, v, "Account", (s.accountUsed() == null ? "(pass-through)" : s.accountUsed())
                + (s.provider() == null ? "" : " via " + s.provider()) + "   model " + nz(s.model()));
        field(all, v, "Timings", "total " + ms(s.responseTimeMs()) + "   first byte " + ms(s.ttfbMs())
                + "   upstream first byte " + ms(s.upstreamTtfbMs()) + "   proxy overhead " + ms(s.proxyOverheadMs()));
        field(all, v, "Attempts", s.attempts() + " upstream attempt(s), " + s.failoverAttempts() + " failover(s)");
        field(all, v, "Usage", "input " + n(s.inputTokens()) + "  cache read " + n(s.cacheReadInputTokens())
                + "  cache write " + n(s.cacheCreationInputTokens()) + "  output " + n(s.outputTokens())
                + "  total " + n(s.totalTokens())
                + (s.tokensPerSecond() == null ? "" : "   " + Display.tokensPerSecond(s.tokensPerSecond())));
        field(all, v, "Cost", s.costUsd() == null ? "-" : Display.cost(s.costUsd()));
        PayloadView p = d.payload();
        if (p == null) {
            all.add(new AttributedString(""));
            all.add(new AttributedString("No payload kept (capture off, shed, or past retention).", v.dim()));
        } else {
            part(all, v, "Request", p.request(), false);
            part(all, v, "Response" + (p.streamed() ? " (streamed, SSE decoded to text)" : ""), p.response(), p.streamed());
            if (p.truncated()) all.add(new AttributedString("(bodies cut at the capture size limit)", v.dim()));
        }
        int rows = v.height();
        int max = Math.max(0, all.size() - rows);
        int from = Math.min(r.detailScroll(), max);
        return new ArrayList<>(all.subList(from, Math.min(all.size(), from + rows)));
    }

    private static void part(List<AttributedString> out, Viewport v, String title, PayloadView.Part part, boolean sse) {
        out.add(new AttributedString(""));
        out.add(new AttributedString(title, v.bold()));
        if (part == null) {
            out.add(new AttributedString("  (none)", v.dim()));
            return;
        }
        for (Map.Entry<String, String> h : part.headers().entrySet()) {
            out.add(new AttributedString("  " + h.getKey() + ": " + h.getValue(), v.dim()));
        }
        String body;
        try {
            body = new String(part.bodyBytes(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            body = part.body();
        }
        if (sse || body.startsWith("event:") || body.contains("\nevent:")) body = sseText(body);
        for (String line : Layout.wrap(body, Math.max(10, v.width() - 2))) out.add(new AttributedString("  " + line));
    }

    /** The text an SSE response carried: text and thinking deltas joined; the raw body when it has none. */
    static String sseText(String body) {
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\r?\n")) {
            if (!line.startsWith("data:")) continue;
            String data = line.substring(5).strip();
            if (data.isEmpty() || data.equals("[DONE]")) continue;
            try {
                JsonNode n = ccflare.protocol.Json.tree(data.getBytes(StandardCharsets.UTF_8));
                JsonNode delta = n.path("delta");
                if (delta.path("text").isTextual()) text.append(delta.path("text").asText());
                else if (delta.path("thinking").isTextual()) text.append(delta.path("thinking").asText());
                else if (delta.path("partial_json").isTextual()) text.append(delta.path("partial_json").asText());
                else if (n.path("type").asText().equals("response.output_text.delta") && n.path("delta").isTextual()) {
                    text.append(n.path("delta").asText());
                }
            } catch (RuntimeException e) {
                // not JSON: skip the line
            }
        }
        return text.isEmpty() ? body : text.toString();
    }

    private static void field(List<AttributedString> out, Viewport v, String label, String value) {
        out.add(new AttributedStringBuilder().style(v.bold()).append(Layout.pad(label, 10, false)).style(v.plain()).append(value)
                .toAttributedString());
    }

    private static String ms(Long ms) { return ms == null ? "-" : Display.duration(ms); }

    private static String n(Long v) { return v == null ? "0" : Display.count(v); }

    private static String nz(String s) { return s == null ? "-" : s; }
}

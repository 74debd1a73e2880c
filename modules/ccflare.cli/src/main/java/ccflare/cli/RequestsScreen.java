package ccflare.cli;

import ccflare.cli.Layout.Column;
import ccflare.cli.Layout.Columns;
import ccflare.protocol.RequestSummary;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

/** Screen 3: the live list of requests, newest first, requests still in flight on top. */
final class RequestsScreen {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);

    static final List<Column> COLUMNS = List.of(
            Column.fixed("TIME", 8, false, 8),
            Column.fixed("METHOD", 6, false, 2),
            Column.flex("PATH", 10, 7),
            Column.fixed("STATUS", 6, true, 10),
            Column.fixed("MODEL", 26, false, 5),
            Column.fixed("ACCOUNT", 12, false, 6),
            Column.fixed("TOKENS", 8, true, 4),
            Column.fixed("COST", 8, true, 3),
            Column.fixed("TOOK", 6, true, 9));

    private RequestsScreen() {}

    static List<AttributedString> render(TuiModel m, Viewport v) {
        if (m.requests().openId() != null) return RequestDetailPane.render(m, v);
        List<AttributedString> out = new ArrayList<>();
        var r = m.requests();
        if (r.rows().isEmpty() && r.inFlight().isEmpty()) {
            out.add(new AttributedString("No requests yet. They appear here as the proxy serves them.", v.dim()));
            return out;
        }
        Columns cols = Columns.layout(COLUMNS, v.width() - 2);
        if (r.newer() > 0) {
            out.add(new AttributedString("  " + r.newer() + " newer " + (r.newer() == 1 ? "request" : "requests")
                    + " not shown (paged back past " + TuiModel.MAX_REQUESTS + " rows): ↑ at the top row loads the newest", v.dim()));
        }
        out.add(Layout.cat(new AttributedString("  "), cols.header(COLUMNS, v.bold())));
        for (TuiModel.InFlight f : r.inFlight()) {
            if (out.size() >= Math.min(v.height(), 1 + Math.max(1, v.height() / 4))) break;
            long secs = Math.max(0, Duration.between(f.at(), m.now()).toSeconds());
            List<AttributedString> cells = List.of(
                    new AttributedString(TIME.format(f.at().atZone(v.zone()))), new AttributedString(f.method()),
                    new AttributedString(f.path()), new AttributedString("…"), new AttributedString(""),
                    new AttributedString(""), new AttributedString(""), new AttributedString(""), new AttributedString(secs + "s"));
            out.add(Layout.cat(new AttributedString("  ", v.dim()), cols.row(COLUMNS, cells, v.dim())));
        }
        int rows = v.height() - out.size();
        int first = Math.max(0, Math.min(r.cursor() - rows + 1, r.rows().size() - rows));
        for (int i = first; i < r.rows().size() && out.size() < v.height(); i++) {
            RequestSummary s = r.rows().get(i);
            boolean sel = i == r.cursor();
            int status = s.statusCode();
            Table.Tone tone = s.success() ? Table.Tone.GOOD : status / 100 == 4 && status != 429 ? Table.Tone.WARN : Table.Tone.BAD;
            long tokens = s.totalTokens() != null ? s.totalTokens() : 0;
            List<AttributedString> cells = List.of(
                    new AttributedString(AccountStatus.instant(s.timestamp()).map(t -> TIME.format(t.atZone(v.zone()))).orElse("?")),
                    new AttributedString(nz(s.method())), new AttributedString(nz(s.path())),
                    new AttributedString(Integer.toString(status), v.tone(tone)),
                    new AttributedString(s.model() == null ? "-" : s.model()),
                    new AttributedString(s.accountUsed() == null ? "(none)" : s.accountUsed()),
                    new AttributedString(Display.count(tokens)),
                    new AttributedString(s.costUsd() == null ? "-" : Display.cost(s.costUsd())),
                    new AttributedString(s.responseTimeMs() == null ? "-" : Display.duration(s.responseTimeMs())));
            AttributedStyle base = sel ? v.selected() : AttributedStyle.DEFAULT;
            out.add(Layout.cat(new AttributedString(sel ? "› " : "  ", base), cols.row(COLUMNS, cells, base)));
        }
        return out;
    }

    static String nz(String s) { return s == null ? "" : s; }
}

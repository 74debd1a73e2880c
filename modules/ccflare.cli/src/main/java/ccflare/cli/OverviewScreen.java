package ccflare.cli;

import ccflare.protocol.AccountView;
import ccflare.protocol.AnalyticsView;
import ccflare.protocol.HealthView;
import ccflare.protocol.RequestSummary;
import ccflare.protocol.StatsView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;

/** Screen 1: the daemon, totals of the chosen range, a request-rate sparkline, accounts at a glance, recent errors. */
final class OverviewScreen {

    private static final int LABEL = 10;

    private OverviewScreen() {}

    static List<AttributedString> render(TuiModel m, Viewport v) {
        List<AttributedString> out = new ArrayList<>();
        int w = v.width();
        HealthView h = m.daemon().health();
        if (h == null) {
            out.add(row(v, "Daemon", new AttributedString("waiting for the daemon…", v.dim())));
        } else {
            AttributedStringBuilder sb = new AttributedStringBuilder();
            sb.style(v.tone(h.ok() ? Table.Tone.GOOD : Table.Tone.WARN)).append(h.status());
            sb.style(v.plain()).append(" · ccflare " + (h.version() == null ? "?" : h.version()));
            sb.append(" · up " + Display.span(Duration.ofMillis(h.uptimeMs())));
            if (m.daemon().port() > 0) sb.append(" · port " + m.daemon().port());
            sb.append(" · database ").style(v.tone("ok".equals(h.database()) ? Table.Tone.GOOD : Table.Tone.BAD)).append(h.database());
            out.add(row(v, "Daemon", sb.toAttributedString()));
        }
        if (!m.daemon().note().isEmpty()) out.add(row(v, "", new AttributedString(m.daemon().note(), v.dim())));

        AttributedStringBuilder ranges = new AttributedStringBuilder();
        for (String r : TuiModel.RANGES) {
            if (ranges.length() > 0) ranges.style(v.plain()).append(" ");
            ranges.style(r.equals(m.overview().range()) ? v.selected() : v.dim()).append(r.equals(m.overview().range()) ? "[" + r + "]" : r);
        }
        ranges.style(v.dim()).append("  ←/→");
        out.add(row(v, "Range", ranges.toAttributedString()));

        AnalyticsView a = m.overview().analytics();
        if (a == null || a.totals() == null) {
            out.add(row(v, "Requests", new AttributedString("loading…", v.dim())));
        } else {
            var t = a.totals();
            out.add(row(v, "Requests", plain(v, Display.count(t.requests()) + "   success " + t.successRate() + "%   cost "
                    + Display.cost(t.totalCostUsd()))));
            var b = a.tokenBreakdown();
            String split = b == null ? "" : String.format(Locale.ROOT, " = input %s + cache read %s + cache write %s + output %s",
                    Display.count(b.inputTokens()), Display.count(b.cacheReadInputTokens()),
                    Display.count(b.cacheCreationInputTokens()), Display.count(b.outputTokens()));
            out.add(row(v, "Tokens", plain(v, Display.count(t.totalTokens()) + split)));
            String speed = Display.tokensPerSecond(t.avgTokensPerSecond() == null ? 0 : t.avgTokensPerSecond());
            String percentiles;
            if (t.p50ResponseTime() != null && t.p95ResponseTime() != null) {
                // the range's own, computed by the daemon over every request in it
                percentiles = "   p50 " + Display.duration(t.p50ResponseTime()) + "  p95 " + Display.duration(t.p95ResponseTime());
            } else {
                Latency lat = Latency.of(m.requests().rows()); // an older daemon: the requests held here
                percentiles = lat.count() == 0 ? "" : "   p50 " + Display.duration(lat.p50()) + "  p95 " + Display.duration(lat.p95())
                        + " (last " + lat.count() + ")";
            }
            out.add(row(v, "Speed", plain(v, speed + "   avg " + Display.duration(t.avgResponseTime()) + percentiles)));
            List<Long> rate = new ArrayList<>();
            for (AnalyticsView.Point p : a.timeSeries()) rate.add(p.requests());
            String bucket = a.meta() == null ? "" : a.meta().bucket();
            int room = Math.max(8, w - LABEL - 2 - 24);
            out.add(row(v, "Rate", new AttributedStringBuilder().style(v.tone(Table.Tone.GOOD))
                    .append(rate.isEmpty() ? "no requests" : Layout.sparkline(rate, room))
                    .style(v.dim()).append("  requests per " + bucket).toAttributedString()));
        }

        out.add(new AttributedString(""));
        out.add(new AttributedString("Accounts", v.bold()));
        List<AccountView> accounts = m.accounts().list();
        if (accounts.isEmpty()) out.add(new AttributedString("  none yet: ccflarectl add NAME --provider …", v.dim()));
        int nameWidth = Math.min(20, accounts.stream().mapToInt(x -> Layout.cells(x.name())).max().orElse(4));
        for (AccountView acc : accounts) {
            AccountStatus s = AccountStatus.of(acc, m.now());
            AttributedStringBuilder sb = new AttributedStringBuilder().append("  ").append(Layout.pad(acc.name(), nameWidth, false)).append(" ");
            sb.style(v.tone(s.tone())).append(Layout.pad(s.text(), 16, false)).style(v.plain());
            if (w >= 70 && acc.usage5h() != null) sb.append(" 5h " + Layout.bar(acc.usage5h(), 8) + pct(acc.usage5h()));
            if (w >= 90 && acc.usage7d() != null) sb.append(" 7d " + Layout.bar(acc.usage7d(), 8) + pct(acc.usage7d()));
            out.add(sb.toAttributedString());
        }

        StatsView stats = m.overview().stats();
        if (stats != null && !stats.recentErrors().isEmpty()) {
            out.add(new AttributedString(""));
            out.add(new AttributedString("Recent errors", v.bold()));
            for (String e : stats.recentErrors()) out.add(new AttributedString("  - " + e, v.tone(Table.Tone.BAD)));
        }
        return out;
    }

    private static String pct(double f) {
        return String.format(Locale.ROOT, " %3d%%", Math.round(f * 100));
    }

    private static AttributedString plain(Viewport v, String s) { return new AttributedString(s, v.plain()); }

    private static AttributedString row(Viewport v, String label, AttributedString value) {
        return new AttributedStringBuilder().style(v.bold()).append(Layout.pad(label, LABEL, false)).style(v.plain()).append(value)
                .toAttributedString();
    }

    /** Latency percentiles of the requests held in memory, for a daemon whose analytics have no percentiles. */
    record Latency(int count, long p50, long p95) {
        static Latency of(List<RequestSummary> rows) {
            List<Long> times = new ArrayList<>();
            for (RequestSummary r : rows) if (r.responseTimeMs() != null) times.add(r.responseTimeMs());
            if (times.isEmpty()) return new Latency(0, 0, 0);
            times.sort(null);
            return new Latency(times.size(), times.get(index(times.size(), 0.50)), times.get(index(times.size(), 0.95)));
        }

        /** Nearest-rank percentile. */
        private static int index(int n, double q) {
            return Math.max(0, Math.min(n - 1, (int) Math.ceil(q * n) - 1));
        }
    }
}

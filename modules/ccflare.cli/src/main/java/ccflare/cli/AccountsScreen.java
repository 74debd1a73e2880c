package ccflare.cli;

import ccflare.cli.Layout.Column;
import ccflare.cli.Layout.Columns;
import ccflare.protocol.AccountView;
import ccflare.protocol.StatsView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

/** Screen 2: the accounts as a table with a selection; the keys act on the selected one. */
final class AccountsScreen {

    static final List<Column> COLUMNS = List.of(
            Column.flex("NAME", 8, 10),
            Column.fixed("PROVIDER", 11, false, 3),
            Column.fixed("PRI", 3, true, 6),
            Column.fixed("STATE", 16, false, 9),
            Column.fixed("5H", 14, false, 2),
            Column.fixed("7D", 14, false, 2),
            Column.fixed("REQUESTS", 9, true, 5),
            Column.fixed("COST", 9, true, 4),
            Column.fixed("LAST USED", 9, false, 1));

    private AccountsScreen() {}

    static List<AttributedString> render(TuiModel m, Viewport v) {
        List<AttributedString> out = new ArrayList<>();
        List<AccountView> list = m.accounts().list();
        // cost and tokens since the last statistics reset, by account name, from /api/stats
        java.util.Map<String, StatsView.AccountShare> shares = new java.util.HashMap<>();
        if (m.overview().stats() != null) for (var s : m.overview().stats().accounts()) shares.put(s.name(), s);
        if (list.isEmpty()) {
            out.add(new AttributedString("No accounts. Add one with: ccflarectl add NAME --provider anthropic --api-key-file FILE",
                    v.dim()));
            return out;
        }
        Columns cols = Columns.layout(COLUMNS, v.width() - 2);
        out.add(Layout.cat(new AttributedString("  "), cols.header(COLUMNS, v.bold())));
        int rows = v.height() - 1;
        int first = Math.max(0, Math.min(m.accounts().cursor() - rows + 1, list.size() - rows));
        for (int i = first; i < list.size() && out.size() < v.height(); i++) {
            AccountView a = list.get(i);
            boolean sel = i == m.accounts().cursor();
            AccountStatus s = AccountStatus.of(a, m.now());
            List<AttributedString> cells = List.of(
                    new AttributedString(a.name()), new AttributedString(a.provider()),
                    new AttributedString(Integer.toString(a.priority())),
                    new AttributedString(s.text(), v.tone(s.tone())),
                    new AttributedString(usage(a.usage5h())), new AttributedString(usage(a.usage7d())),
                    new AttributedString(Display.count(a.requestCount())),
                    new AttributedString(shares.containsKey(a.name()) ? Display.cost(shares.get(a.name()).costUsd()) : "-"),
                    new AttributedString(AccountStatus.instant(a.lastUsed()).map(t -> Display.relative(t, m.now())).orElse("never")));
            AttributedStyle base = sel ? v.selected() : AttributedStyle.DEFAULT;
            out.add(Layout.cat(new AttributedString(sel ? "› " : "  ", base), cols.row(COLUMNS, cells, base)));
        }
        return out;
    }

    private static String usage(Double fraction) {
        if (fraction == null) return "-";
        return Layout.bar(fraction, 8) + String.format(Locale.ROOT, " %3d%%", Math.round(fraction * 100));
    }
}

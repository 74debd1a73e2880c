package ccflare.cli;

import ccflare.cli.TuiModel.Overlay;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The whole screen as a pure function of the model and the viewport: a title bar with the tabs and
 * the link state, the current screen (or the help), and a status line with the screen's keys, a
 * prompt or a notice. Always exactly {@code height} lines, none wider than {@code width}.
 */
final class TuiView {

    private static final String SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

    /** The keys of each screen, as the status line and the help show them. */
    static final List<String> GLOBAL_KEYS = List.of("1-4/Tab screens", "? help", "q/Esc back or quit");

    private TuiView() {}

    static List<String> keys(TuiModel m) {
        return switch (m.tab()) {
            case OVERVIEW -> List.of("←/→ range", "r refresh");
            case ACCOUNTS -> List.of("↑/↓ select", "p pause/resume", "+/- priority", "P set priority", "r rename", "d remove",
                    "a add API key", "o add subscription", "S sign in again", "R refresh");
            case REQUESTS -> m.requests().openId() != null ? List.of("↑/↓ scroll", "PgUp/PgDn page", "q/Esc close")
                    : List.of("↑/↓ select", "Enter details", "PgUp/PgDn page", "↓ at the end older");
            case LOGS -> List.of("Space pause", "/ filter", "l/L level", "c clear", "↑/↓ scroll");
        };
    }

    static List<AttributedString> frame(TuiModel m, Viewport v) {
        List<AttributedString> out = new ArrayList<>(v.height());
        out.add(Layout.fit(title(m, v), v.width()));
        Viewport body = v.withHeight(Math.max(1, v.height() - 2));
        List<AttributedString> lines = m.overlay() instanceof Overlay.Help ? help(v)
                : m.overlay() instanceof Overlay.SignIn in ? SignInPanel.render(in, body)
                : m.overlay() instanceof Overlay.OfferStart o ? offer(o, body) : switch (m.tab()) {
            case OVERVIEW -> OverviewScreen.render(m, body);
            case ACCOUNTS -> AccountsScreen.render(m, body);
            case REQUESTS -> RequestsScreen.render(m, body);
            case LOGS -> LogsScreen.render(m, body);
        };
        for (int i = 0; i < v.height() - 2; i++) out.add(i < lines.size() ? Layout.fit(lines.get(i), v.width()) : AttributedString.EMPTY);
        out.add(Layout.fit(status(m, v), v.width()));
        return out;
    }

    /** The frame as plain text, one line each, trailing blanks cut: what tests and the dumb terminal read. */
    static String text(List<AttributedString> frame) {
        StringBuilder sb = new StringBuilder();
        for (AttributedString l : frame) sb.append(l.toString().stripTrailing()).append('\n');
        return sb.toString();
    }

    private static AttributedString title(TuiModel m, Viewport v) {
        AttributedStringBuilder sb = new AttributedStringBuilder();
        sb.style(v.bar().bold()).append(" ccflare ");
        for (Tab t : Tab.values()) {
            String label = " " + t.digit() + " " + t.title + " ";
            sb.style(t == m.tab() ? v.selected().bold() : AttributedStyle.DEFAULT).append(t == m.tab() ? "[" + label.strip() + "]" : label);
        }
        String link = switch (m.link().state()) {
            case UP -> "● connected";
            case CONNECTING -> spin(m) + " connecting";
            case DOWN -> "○ disconnected, retrying";
        };
        if (m.busy() > 0 && m.link().state() == TuiModel.Link.State.UP) link = spin(m) + " working  " + link;
        int room = v.width() - sb.columnLength() - 1;
        if (room > 0) {
            String l = Layout.pad(link, room, true);
            sb.style(m.link().state() == TuiModel.Link.State.UP ? v.tone(Table.Tone.GOOD) : v.tone(Table.Tone.BAD)).append(" ").append(l);
        }
        return sb.toAttributedString();
    }

    private static String spin(TuiModel m) {
        int i = (int) ((m.now().toEpochMilli() / 100) % SPINNER.length());
        return String.valueOf(SPINNER.charAt(i));
    }

    private static List<AttributedString> offer(Overlay.OfferStart o, Viewport v) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedString("No ccflare daemon answers.", v.bold()));
        out.add(AttributedString.EMPTY);
        for (String l : Layout.wrap("Start one now? It runs " + o.command() + " as a child of this screen, its log shows in"
                + " 4 Logs, and it stops when you quit. (For a daemon that outlives this screen, run ccflare yourself,"
                + " or as a systemd service.)", v.width())) {
            out.add(new AttributedString(l));
        }
        return out;
    }

    private static AttributedString status(TuiModel m, Viewport v) {
        if (m.overlay() instanceof Overlay.OfferStart) {
            return new AttributedStringBuilder().style(v.bold()).append("Start a daemon now? ").style(v.key()).append("y")
                    .style(v.plain()).append(" yes · any other key no").toAttributedString();
        }
        if (m.overlay() instanceof Overlay.SignIn in) {
            return new AttributedStringBuilder().style(v.bold()).append(SignInPanel.prompt(in)).style(v.plain()).append("▏")
                    .style(v.dim()).append("   Enter finish · Tab the address alone · Esc cancel").toAttributedString();
        }
        if (m.overlay() instanceof Overlay.Prompt p) {
            String shown = Overlay.secret(p) ? "*".repeat(p.input().length()) : p.input();
            return new AttributedStringBuilder().style(v.bold()).append(p.label()).style(v.plain()).append(shown).append("▏")
                    .style(v.dim()).append("   Enter ok · Esc cancel").toAttributedString();
        }
        if (m.link().state() != TuiModel.Link.State.UP && !m.link().reason().isEmpty()) {
            String note = m.daemon().note().isEmpty() ? "" : " · " + m.daemon().note();
            return new AttributedString(m.link().reason() + note, v.tone(Table.Tone.BAD));
        }
        if (!m.notice().isEmpty()) return new AttributedString(m.notice(), v.tone(Table.Tone.WARN));
        AttributedStringBuilder sb = new AttributedStringBuilder();
        List<String> keys = new ArrayList<>(keys(m));
        keys.addAll(GLOBAL_KEYS);
        for (String k : keys) {
            if (sb.length() > 0) sb.style(v.dim()).append(" · ");
            int sp = k.indexOf(' ');
            if (sp < 0) sp = k.length();
            sb.style(v.key()).append(k.substring(0, sp)).style(v.plain()).append(k.substring(sp));
        }
        return sb.toAttributedString();
    }

    private static List<AttributedString> help(Viewport v) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedString("Keys (any key closes this help)", v.bold()));
        out.add(new AttributedString("  everywhere: " + String.join(" · ", GLOBAL_KEYS) + " · Ctrl-C quit"));
        TuiModel probe = TuiModel.initial("", java.time.Instant.EPOCH);
        for (Tab t : Tab.values()) {
            out.add(new AttributedString("  " + t.digit() + " " + t.title + ": " + String.join(" · ", keys(probe.withTab(t)))));
        }
        out.add(new AttributedString("  Requests detail: " + String.join(" · ", List.of("↑/↓ scroll", "PgUp/PgDn page", "q/Esc close"))));
        out.add(new AttributedString("  prompts: type, Enter ok, Backspace, Esc cancel"));
        return out;
    }
}

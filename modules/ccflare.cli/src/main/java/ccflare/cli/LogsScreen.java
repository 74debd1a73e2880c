package ccflare.cli;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;

/** Screen 4: the daemon's log, live or paused, coloured by level, filtered by level and text. */
final class LogsScreen {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    private LogsScreen() {}

    static List<AttributedString> render(TuiModel m, Viewport v) {
        var logs = m.logs();
        List<AttributedString> out = new ArrayList<>();
        AttributedStringBuilder status = new AttributedStringBuilder();
        if (logs.paused()) {
            status.style(v.tone(Table.Tone.WARN)).append("paused").style(v.plain())
                    .append(logs.newWhilePaused() > 0 ? " (" + logs.newWhilePaused() + " new)" : "");
        } else {
            status.style(v.tone(Table.Tone.GOOD)).append("live").style(v.plain());
        }
        status.append(" · level " + logs.minLevel() + (logs.filter().isEmpty() ? "" : " · containing \"" + logs.filter() + "\""));
        if (logs.scroll() > 0) status.append(" · " + logs.scroll() + " lines back");
        out.add(status.toAttributedString());

        List<TuiEvent.LogLine> lines = TuiReducer.visibleLogs(logs);
        if (lines.isEmpty()) {
            out.add(new AttributedString(logs.lines().isEmpty() ? "No log lines yet." : "No line matches the filter.", v.dim()));
            return out;
        }
        int rows = v.height() - 1;
        int end = Math.max(0, lines.size() - logs.scroll());
        int start = Math.max(0, end - rows);
        for (TuiEvent.LogLine l : lines.subList(start, end)) {
            String level = String.format(Locale.ROOT, "%-5s", l.level().toUpperCase(Locale.ROOT));
            Table.Tone tone = switch (level.strip()) {
                case "ERROR" -> Table.Tone.BAD;
                case "WARN" -> Table.Tone.WARN;
                case "DEBUG", "TRACE" -> Table.Tone.DIM;
                default -> Table.Tone.PLAIN;
            };
            String logger = l.logger().isEmpty() ? "" : shortLogger(l.logger()) + " ";
            out.add(new AttributedStringBuilder().style(v.dim()).append(TIME.format(l.at().atZone(v.zone()))).append(" ")
                    .style(v.tone(tone)).append(level).style(v.plain()).append(" ")
                    .style(v.dim()).append(logger).style(v.tone(tone == Table.Tone.DIM ? Table.Tone.DIM : Table.Tone.PLAIN))
                    .append(l.message().replace('\n', ' ')).toAttributedString());
        }
        return out;
    }

    /** {@code ccflare.proxy.Exchange} → {@code proxy.Exchange}: the package prefix says nothing here. */
    private static String shortLogger(String logger) {
        return logger.startsWith("ccflare.") ? logger.substring("ccflare.".length()) : logger;
    }
}

package ccflare.cli;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.WCWidth;

/**
 * Fitting text into columns of a fixed-width screen: cut with an ellipsis, pad, lay out table
 * columns that drop the least important ones when the screen is narrow, bars and sparklines.
 * Widths are terminal cells (a wide character counts two).
 */
final class Layout {

    private static final String SPARKS = "▁▂▃▄▅▆▇█";

    private Layout() {}

    /** Terminal cells {@code s} takes. */
    static int cells(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            w += Math.max(0, WCWidth.wcwidth(cp));
            i += Character.charCount(cp);
        }
        return w;
    }

    /** {@code s} cut to at most {@code width} cells, the last one an ellipsis when cut. */
    static String cut(String s, int width) {
        if (width <= 0) return "";
        if (cells(s) <= width) return s;
        StringBuilder sb = new StringBuilder();
        int w = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int cw = Math.max(0, WCWidth.wcwidth(cp));
            if (w + cw > width - 1) break;
            sb.appendCodePoint(cp);
            w += cw;
            i += Character.charCount(cp);
        }
        return sb.append('…').toString();
    }

    /** {@code s} cut or padded to exactly {@code width} cells, text on the left or right. */
    static String pad(String s, int width, boolean right) {
        String c = cut(s, width);
        String fill = " ".repeat(Math.max(0, width - cells(c)));
        return right ? fill + c : c + fill;
    }

    /** A line cut to {@code width} cells, keeping its styles. */
    static AttributedString fit(AttributedString line, int width) {
        if (line.columnLength() <= width) return line;
        return new AttributedStringBuilder().append(line.columnSubSequence(0, Math.max(0, width - 1))).append("…").toAttributedString();
    }

    static AttributedString cat(AttributedString a, AttributedString b) {
        return AttributedString.join(AttributedString.EMPTY, a, b);
    }

    static AttributedString text(String s, AttributedStyle style) {
        return new AttributedString(s, style);
    }

    /** A bar of {@code width} cells for a fraction 0..1: {@code ███░░░}. */
    static String bar(double fraction, int width) {
        double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        int full = (int) Math.round(f * width);
        return "█".repeat(full) + "░".repeat(Math.max(0, width - full));
    }

    /** The last {@code width} values as a sparkline scaled to their maximum; blanks when all are 0. */
    static String sparkline(List<Long> values, int width) {
        List<Long> v = values.size() > width ? values.subList(values.size() - width, values.size()) : values;
        long max = 0;
        for (long x : v) max = Math.max(max, x);
        StringBuilder sb = new StringBuilder();
        for (long x : v) {
            if (max == 0 || x <= 0) sb.append(x <= 0 ? ' ' : SPARKS.charAt(0));
            else sb.append(SPARKS.charAt((int) Math.min(SPARKS.length() - 1, Math.round((double) x / max * (SPARKS.length() - 1)))));
        }
        return sb.toString();
    }

    /** Words of {@code text} wrapped at {@code width} cells; long words are cut hard. Keeps blank lines. */
    static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        for (String para : text.split("\r?\n", -1)) {
            String rest = para.replace('\t', ' ');
            if (rest.isEmpty()) {
                out.add("");
                continue;
            }
            while (cells(rest) > width) {
                int cut = breakAt(rest, width);
                out.add(rest.substring(0, cut).stripTrailing());
                rest = rest.substring(cut).stripLeading();
            }
            out.add(rest);
        }
        return out;
    }

    /** The index to break {@code s} at: the last space within {@code width} cells, else a hard cut there. */
    private static int breakAt(String s, int width) {
        int w = 0;
        int lastSpace = -1;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int cw = Math.max(0, WCWidth.wcwidth(cp));
            if (w + cw > width) break;
            if (cp == ' ') lastSpace = i;
            w += cw;
            i += Character.charCount(cp);
        }
        return lastSpace > 0 ? lastSpace : Math.max(1, i);
    }

    /**
     * One table column. {@code width} 0 makes it the flexible column that takes what the others
     * leave (at least {@code min}); {@code keep} ranks it: when the screen is too narrow the
     * columns with the lowest {@code keep} go first.
     */
    record Column(String header, int width, int min, boolean right, int keep) {
        static Column fixed(String header, int width, boolean right, int keep) {
            return new Column(header, Math.max(width, header.length()), 0, right, keep);
        }

        static Column flex(String header, int min, int keep) { return new Column(header, 0, min, false, keep); }
    }

    /** The columns that fit in {@code width} (one space between them) and their widths, in order. */
    record Columns(List<Integer> shown, int[] widths) {
        static Columns layout(List<Column> columns, int width) {
            List<Integer> shown = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) shown.add(i);
            while (true) {
                int need = shown.size() - 1;
                for (int i : shown) {
                    Column c = columns.get(i);
                    need += c.width() == 0 ? Math.max(c.min(), c.header().length()) : c.width();
                }
                if (need <= width || shown.size() == 1) {
                    int[] w = new int[shown.size()];
                    int spare = width - need;
                    for (int k = 0; k < shown.size(); k++) {
                        Column c = columns.get(shown.get(k));
                        w[k] = c.width() == 0 ? Math.max(c.min(), c.header().length()) + Math.max(0, spare) : c.width();
                        if (c.width() == 0) spare = 0;
                    }
                    return new Columns(List.copyOf(shown), w);
                }
                int drop = shown.getFirst();
                for (int i : shown) if (columns.get(i).keep() < columns.get(drop).keep()) drop = i;
                shown.remove(Integer.valueOf(drop));
            }
        }

        /** One row: the cells of the shown columns, each padded to its width. */
        AttributedString row(List<Column> columns, List<AttributedString> cells, AttributedStyle base) {
            AttributedStringBuilder sb = new AttributedStringBuilder();
            for (int k = 0; k < shown.size(); k++) {
                if (k > 0) sb.style(base).append(" ");
                Column c = columns.get(shown.get(k));
                AttributedString cell = cells.get(shown.get(k));
                String t = pad(cell.toString(), widths[k], c.right());
                AttributedStyle s = cell.length() == 0 ? base : cell.styleAt(0);
                sb.style(base.equals(AttributedStyle.DEFAULT) ? s : base).append(t);
            }
            return sb.toAttributedString();
        }

        AttributedString header(List<Column> columns, AttributedStyle style) {
            List<AttributedString> cells = new ArrayList<>();
            for (Column c : columns) cells.add(new AttributedString(c.header()));
            return row(columns, cells, style);
        }
    }
}

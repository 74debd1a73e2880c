package ccflare.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with columns aligned by padding: numbers right, text left. ANSI styles
 * (a bold header, a tone per cell) only when {@code colour} is on, that is when stdout is a
 * terminal; widths are measured on the plain text, so styles never break alignment.
 */
final class Table {

    /** How a cell is tinted on a terminal. */
    enum Tone {
        PLAIN(""), GOOD("\u001b[32m"), WARN("\u001b[33m"), BAD("\u001b[31m"), DIM("\u001b[2m");

        final String ansi;

        Tone(String ansi) { this.ansi = ansi; }
    }

    record Cell(String text, Tone tone) {
        Cell {
            text = text == null ? "" : text;
        }
    }

    private final List<String> headers;
    private final boolean[] right;
    private final List<List<Cell>> rows = new ArrayList<>();

    /** Headers; a header starting with {@code >} names a right-aligned column (the mark is not printed). */
    Table(String... headers) {
        this.headers = new ArrayList<>();
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].startsWith(">");
            this.headers.add(right[i] ? headers[i].substring(1) : headers[i]);
        }
    }

    Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("cells: " + cells.length + " (expected: " + headers.size() + ")");
        }
        List<Cell> row = new ArrayList<>(cells.length);
        for (Object c : cells) row.add(c instanceof Cell cell ? cell : new Cell(c == null ? "" : c.toString(), Tone.PLAIN));
        rows.add(row);
        return this;
    }

    boolean isEmpty() { return rows.isEmpty(); }

    /** Column widths: the widest of header and cells, at least {@code minimum[i]} when given. */
    int[] widths(int... minimum) {
        int[] w = new int[headers.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(headers.get(i).length(), i < minimum.length ? minimum[i] : 0);
            for (List<Cell> r : rows) w[i] = Math.max(w[i], r.get(i).text().length());
        }
        return w;
    }

    void print(PrintStream out, boolean colour) {
        int[] w = widths();
        printHeader(out, colour, w);
        printRows(out, colour, w);
    }

    void printHeader(PrintStream out, boolean colour, int[] w) {
        List<Cell> head = headers.stream().map(h -> new Cell(h, Tone.PLAIN)).toList();
        String line = format(head, w, false);
        out.println(colour ? "\u001b[1m" + line + "\u001b[0m" : line);
    }

    /** Prints the rows added so far with the given widths, and forgets them (for following a stream). */
    void printRows(PrintStream out, boolean colour, int[] w) {
        for (List<Cell> r : rows) out.println(format(r, w, colour));
        rows.clear();
    }

    private String format(List<Cell> cells, int[] w, boolean colour) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            boolean last = i == cells.size() - 1;
            String pad = " ".repeat(Math.max(0, w[i] - c.text().length()));
            String text = colour && c.tone() != Tone.PLAIN ? c.tone().ansi + c.text() + "\u001b[0m" : c.text();
            if (right[i]) sb.append(pad).append(text);
            else sb.append(text).append(last ? "" : pad);
            if (!last) sb.append("  ");
        }
        return sb.toString().stripTrailing();
    }
}

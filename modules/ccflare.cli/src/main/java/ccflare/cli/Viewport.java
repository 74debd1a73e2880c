package ccflare.cli;

import java.time.ZoneId;
import org.jline.utils.AttributedStyle;

/**
 * Where and how a screen is drawn: its size, whether colours may be used ({@code NO_COLOR} and
 * dumb terminals say no), and the zone times are shown in. Styles come from here, so a screen
 * never decides about colour itself; without colour only bold and inverse remain, which every
 * terminal shows and which carry no colour.
 */
record Viewport(int width, int height, boolean colour, ZoneId zone) {

    /** Below this the screens still draw, cut short, rather than fail. */
    static final int MIN_WIDTH = 20;
    static final int MIN_HEIGHT = 5;

    Viewport {
        width = Math.max(MIN_WIDTH, width);
        height = Math.max(MIN_HEIGHT, height);
    }

    Viewport withHeight(int h) { return new Viewport(width, h, colour, zone); }

    AttributedStyle plain() { return AttributedStyle.DEFAULT; }

    AttributedStyle bold() { return AttributedStyle.BOLD; }

    AttributedStyle dim() { return colour ? AttributedStyle.DEFAULT.faint() : AttributedStyle.DEFAULT; }

    AttributedStyle tone(Table.Tone tone) {
        if (!colour) return tone == Table.Tone.BAD ? AttributedStyle.BOLD : AttributedStyle.DEFAULT;
        return switch (tone) {
            case GOOD -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            case WARN -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
            case BAD -> AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
            case DIM -> AttributedStyle.DEFAULT.faint();
            case PLAIN -> AttributedStyle.DEFAULT;
        };
    }

    /** The selected row of a list. */
    AttributedStyle selected() { return AttributedStyle.INVERSE; }

    /** The title bar and the current screen's tab. */
    AttributedStyle bar() { return colour ? AttributedStyle.DEFAULT.background(AttributedStyle.BLUE).foreground(AttributedStyle.WHITE) : AttributedStyle.INVERSE; }

    /** A key name in the footer. */
    AttributedStyle key() { return colour ? AttributedStyle.BOLD.foreground(AttributedStyle.CYAN) : AttributedStyle.BOLD; }
}

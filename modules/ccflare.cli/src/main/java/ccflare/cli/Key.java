package ccflare.cli;

/**
 * What a key press means before any screen interprets it. Printable keys arrive as {@link #CHAR}
 * with their text, so the same press is a command on a screen and a letter in a prompt.
 */
enum Key {
    CHAR, UP, DOWN, LEFT, RIGHT, PAGE_UP, PAGE_DOWN, HOME, END, ENTER, TAB, BACK_TAB, ESC, BACKSPACE, DELETE, CTRL_C
}

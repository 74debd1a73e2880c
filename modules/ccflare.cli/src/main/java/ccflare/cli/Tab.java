package ccflare.cli;

/** The TUI's screens, in the order Tab and the number keys reach them. */
enum Tab {
    OVERVIEW("Overview"), ACCOUNTS("Accounts"), REQUESTS("Requests"), LOGS("Logs");

    final String title;

    Tab(String title) { this.title = title; }

    /** The number key that shows this screen: 1 for the first. */
    char digit() { return (char) ('1' + ordinal()); }

    Tab next() { return values()[(ordinal() + 1) % values().length]; }

    Tab previous() { return values()[(ordinal() + values().length - 1) % values().length]; }
}

package ccflare.cli;

/**
 * What the reducer asks the loop to do outside the model: talk to the daemon or stop. Values, so
 * tests check that a key asks for the right call without making it.
 */
sealed interface TuiEffect {
    record Quit() implements TuiEffect {}

    /** Read the latest accounts, stats and analytics now instead of at the next poll. */
    record Refresh(String range) implements TuiEffect {}

    record FetchDetail(String id) implements TuiEffect {}

    record Pause(String id, String name) implements TuiEffect {}

    record Resume(String id, String name) implements TuiEffect {}

    record SetPriority(String id, String name, int priority) implements TuiEffect {}

    record Rename(String id, String name, String newName) implements TuiEffect {}

    record Remove(String id, String name) implements TuiEffect {}

    /** Read the page of history older than {@code beforeId}. */
    record FetchOlder(String beforeId) implements TuiEffect {}

    /** Read the newest page of history again (the window had paged past it). */
    record FetchNewest() implements TuiEffect {}

    /**
     * Start an OAuth sign-in: a new account named {@code name}, or, when {@code accountId} is not
     * empty, that existing account again.
     */
    record StartSignIn(String provider, String name, String accountId) implements TuiEffect {}

    /** Finish the sign-in {@code flowId} with what the user pasted. */
    record CompleteSignIn(String provider, String flowId, String code) implements TuiEffect {
        @Override
        public String toString() { return "CompleteSignIn[provider=" + provider + ", flowId=" + flowId + ", code=(hidden)]"; }
    }

    /**
     * Leave the full screen and print {@code url} alone on the terminal's normal screen, where the
     * terminal wraps it softly and a selection copies it whole; {@link HideUrl} comes back.
     */
    record ShowUrl(String url) implements TuiEffect {}

    record HideUrl() implements TuiEffect {}

    /** Start the image's daemon as a child of the TUI (stopped when the TUI ends). */
    record StartDaemon() implements TuiEffect {}

    /** Add an Anthropic API-key account. */
    record AddApiKey(String name, String apiKey) implements TuiEffect {
        @Override
        public String toString() { return "AddApiKey[name=" + name + ", apiKey=(hidden)]"; }
    }
}

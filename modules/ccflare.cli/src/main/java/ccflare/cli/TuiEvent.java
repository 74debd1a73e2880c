package ccflare.cli;

import static java.util.Objects.requireNonNull;

import ccflare.protocol.AccountView;
import ccflare.protocol.AnalyticsView;
import ccflare.protocol.HealthView;
import ccflare.protocol.RequestDetail;
import ccflare.protocol.RequestSummary;
import ccflare.protocol.StatsView;
import java.time.Instant;
import java.util.List;

/** Everything that can change what the TUI shows: keys, the clock, and what the daemon said. */
sealed interface TuiEvent {

    /** A key; {@code text} is the typed character for {@link Key#CHAR}, else empty. */
    record Pressed(Key key, String text) implements TuiEvent {
        public Pressed {
            requireNonNull(key, "key");
            text = text == null ? "" : text;
        }

        static Pressed of(Key key) { return new Pressed(key, ""); }

        static Pressed ch(char c) { return new Pressed(Key.CHAR, String.valueOf(c)); }
    }

    /** A sentence for the status line. */
    record Notice(String message) implements TuiEvent {}

    /** The terminal changed size: draw again. */
    record Resized() implements TuiEvent {}

    /** Time passed: countdowns and "5s ago" move on. */
    record Tick(Instant now) implements TuiEvent {}

    /** The daemon answered its health check; {@code port} is its TCP port, 0 when unknown. */
    record Connected(HealthView health, int port) implements TuiEvent {}

    /** Nothing answers; the next attempt is at {@code retryAt}. */
    record Disconnected(String reason, Instant retryAt) implements TuiEvent {}

    record AccountsLoaded(List<AccountView> accounts) implements TuiEvent {
        public AccountsLoaded { accounts = List.copyOf(accounts); }
    }

    record StatsLoaded(StatsView stats) implements TuiEvent {}

    /** Totals and the time series of the range the Overview shows. */
    record AnalyticsLoaded(String range, AnalyticsView analytics) implements TuiEvent {}

    /** Recent history, newest first, read once per connection. */
    record RequestsLoaded(List<RequestSummary> requests) implements TuiEvent {
        public RequestsLoaded { requests = List.copyOf(requests); }
    }

    /** The proxy accepted a request that has not finished yet. */
    record RequestStarted(String id, Instant at, String method, String path) implements TuiEvent {}

    /** A request finished and was recorded. */
    record RequestRecorded(RequestSummary request) implements TuiEvent {}

    record DetailLoaded(RequestDetail detail) implements TuiEvent {}

    /** Log history read once per connection, oldest first. */
    record LogsLoaded(List<LogLine> lines) implements TuiEvent {
        public LogsLoaded { lines = List.copyOf(lines); }
    }

    record Logged(LogLine line) implements TuiEvent {}

    /** The page of history older than {@code beforeId}, newest first; empty when there is none. */
    record OlderLoaded(String beforeId, List<RequestSummary> requests) implements TuiEvent {
        public OlderLoaded { requests = List.copyOf(requests); }
    }

    /** The newest page of history, asked for by {@link TuiEffect.FetchNewest}. */
    record NewestLoaded(List<RequestSummary> requests) implements TuiEvent {
        public NewestLoaded { requests = List.copyOf(requests); }
    }

    /** The daemon started a sign-in: the URL to open and what to do. */
    record SignInStarted(String flowId, String authorizeUrl, String instructions, String expiresAt) implements TuiEvent {}

    /** Where the sign-in {@code flowId} stands ({@code pending}, {@code completed}, {@code failed}, {@code expired}). */
    record SignInState(String flowId, String status, String error) implements TuiEvent {}

    /** The sign-in could not start or a pasted code was refused; {@code message} says why. */
    record SignInFailed(String message) implements TuiEvent {}

    /** No daemon answers and this TUI can start one with {@code command}: ask the user. */
    record OfferStart(String command) implements TuiEvent {}

    /** An action the user asked for has finished; {@code message} says how. */
    record ActionDone(String message, boolean ok) implements TuiEvent {}

    /** A sentence about the daemon this TUI started (or could not start), shown in the header. */
    record DaemonNote(String note) implements TuiEvent {}

    /** One log line of the daemon. */
    record LogLine(Instant at, String level, String logger, String message) {
        public LogLine {
            level = level == null ? "INFO" : level;
            logger = logger == null ? "" : logger;
            message = message == null ? "" : message;
        }
    }
}

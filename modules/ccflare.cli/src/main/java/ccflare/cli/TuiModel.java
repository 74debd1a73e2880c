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
import java.util.Optional;

/**
 * Everything the TUI shows, as one immutable value: {@link TuiReducer} makes the next one from an
 * event, the screens draw one. The live lists are bounded ({@link #MAX_REQUESTS},
 * {@link #MAX_LOG_LINES}), so memory stays flat whatever the request rate.
 */
record TuiModel(Tab tab, Link link, DaemonInfo daemon, Overview overview, Accounts accounts, Requests requests,
                Logs logs, Overlay overlay, Instant now, int busy, String notice) {

    /** Live rows and older pages together; paging further back stops here (the dashboard pages without end). */
    static final int MAX_REQUESTS = 2000;
    static final int MAX_IN_FLIGHT = 100;
    static final int MAX_LOG_LINES = 1000;
    /** The Overview's ranges, as {@code /api/analytics?range=} accepts them. */
    static final List<String> RANGES = List.of("1h", "6h", "24h", "7d", "30d");

    TuiModel {
        requireNonNull(tab, "tab");
        requireNonNull(link, "link");
        requireNonNull(daemon, "daemon");
        requireNonNull(overview, "overview");
        requireNonNull(accounts, "accounts");
        requireNonNull(requests, "requests");
        requireNonNull(logs, "logs");
        requireNonNull(overlay, "overlay");
        requireNonNull(now, "now");
        notice = notice == null ? "" : notice;
    }

    /** The first model: nothing known yet, connecting. */
    static TuiModel initial(String socket, Instant now) {
        return new TuiModel(Tab.OVERVIEW, new Link(Link.State.CONNECTING, "connecting to " + socket, now),
                new DaemonInfo(null, 0, ""), new Overview("24h", null, null), new Accounts(List.of(), 0),
                new Requests(List.of(), List.of(), 0, null, null, 0, 0),
                new Logs(List.of(), null, 0, "ALL", "", 0), new Overlay.None(), now, 0, "");
    }

    TuiModel withTab(Tab t) { return new TuiModel(t, link, daemon, overview, accounts, requests, logs, overlay, now, busy, notice); }

    TuiModel withLink(Link l) { return new TuiModel(tab, l, daemon, overview, accounts, requests, logs, overlay, now, busy, notice); }

    TuiModel withDaemon(DaemonInfo d) { return new TuiModel(tab, link, d, overview, accounts, requests, logs, overlay, now, busy, notice); }

    TuiModel withOverview(Overview o) { return new TuiModel(tab, link, daemon, o, accounts, requests, logs, overlay, now, busy, notice); }

    TuiModel withAccounts(Accounts a) { return new TuiModel(tab, link, daemon, overview, a, requests, logs, overlay, now, busy, notice); }

    TuiModel withRequests(Requests r) { return new TuiModel(tab, link, daemon, overview, accounts, r, logs, overlay, now, busy, notice); }

    TuiModel withLogs(Logs l) { return new TuiModel(tab, link, daemon, overview, accounts, requests, l, overlay, now, busy, notice); }

    TuiModel withOverlay(Overlay o) { return new TuiModel(tab, link, daemon, overview, accounts, requests, logs, o, now, busy, notice); }

    TuiModel withNow(Instant n) { return new TuiModel(tab, link, daemon, overview, accounts, requests, logs, overlay, n, busy, notice); }

    TuiModel withBusy(int b) { return new TuiModel(tab, link, daemon, overview, accounts, requests, logs, overlay, now, Math.max(0, b), notice); }

    TuiModel withNotice(String n) { return new TuiModel(tab, link, daemon, overview, accounts, requests, logs, overlay, now, busy, n); }

    /** Whether the daemon answers, and if not why and when the next try is. */
    record Link(State state, String reason, Instant retryAt) {
        enum State { CONNECTING, UP, DOWN }

        Link {
            requireNonNull(state, "state");
            reason = reason == null ? "" : reason;
        }
    }

    /** @param health null until the first answer; @param note what this TUI did about starting a daemon */
    record DaemonInfo(HealthView health, int port, String note) {
        DaemonInfo { note = note == null ? "" : note; }

        Optional<HealthView> healthView() { return Optional.ofNullable(health); }

        DaemonInfo withNote(String n) { return new DaemonInfo(health, port, n); }
    }

    /** @param analytics totals of {@code range}; null until read. @param stats all-time totals; null until read */
    record Overview(String range, AnalyticsView analytics, StatsView stats) {}

    record Accounts(List<AccountView> list, int cursor) {
        Accounts { list = List.copyOf(list); }

        Optional<AccountView> selected() {
            return list.isEmpty() ? Optional.empty() : Optional.of(list.get(Math.min(cursor, list.size() - 1)));
        }
    }

    /**
     * @param rows     finished requests, newest first
     * @param inFlight accepted, not finished, newest first
     * @param openId   the request whose detail pane is open; null when the list shows
     * @param detail   that request's detail once read; null while loading
     */
    /**
     * The Requests screen: a window of at most {@link #MAX_REQUESTS} rows, newest first.
     *
     * @param newer how many requests newer than the first row the window leaves out: 0 while it
     *              shows the newest (live rows are added at the top); after paging past
     *              {@link #MAX_REQUESTS} rows of history the newest are dropped, and live rows
     *              only counted, until ↑ at the top row loads the newest page again
     */
    record Requests(List<RequestSummary> rows, List<InFlight> inFlight, int cursor, String openId, RequestDetail detail,
                    int detailScroll, int newer) {
        Requests {
            rows = List.copyOf(rows);
            inFlight = List.copyOf(inFlight);
        }

        Optional<RequestSummary> selected() {
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(Math.min(cursor, rows.size() - 1)));
        }
    }

    record InFlight(String id, Instant at, String method, String path) {}

    /**
     * @param lines    every kept line, oldest first
     * @param frozen   what the screen shows while paused; null when live
     * @param minLevel ALL, DEBUG, INFO, WARN or ERROR
     * @param filter   shown lines contain this text (case-insensitive); empty for all
     * @param scroll   lines scrolled back from the newest
     */
    record Logs(List<TuiEvent.LogLine> lines, List<TuiEvent.LogLine> frozen, int newWhilePaused, String minLevel,
                String filter, int scroll) {
        Logs { lines = List.copyOf(lines); }

        boolean paused() { return frozen != null; }
    }

    /** What covers the screen's bottom or all of it: nothing, the key help, or a prompt. */
    sealed interface Overlay {
        record None() implements Overlay {}

        record Help() implements Overlay {}

        /** A yes/no question about starting a daemon with {@code command}. */
        record OfferStart(String command) implements Overlay {}

        /**
         * An OAuth sign-in in progress: a new account {@code name}, or the existing account
         * {@code accountId} again. {@code flowId} and {@code url} are empty until the daemon
         * answers; {@code state} is the sentence under the URL; {@code input} the pasted code;
         * {@code urlShown} while the URL is printed alone on the normal screen, to be copied.
         */
        record SignIn(String provider, String name, String accountId, String flowId, String url, String instructions,
                      String state, String input, boolean urlShown) implements Overlay {
            SignIn withInput(String i) { return new SignIn(provider, name, accountId, flowId, url, instructions, state, i, urlShown); }

            SignIn withState(String s) { return new SignIn(provider, name, accountId, flowId, url, instructions, s, input, urlShown); }

            SignIn withUrlShown(boolean shown) { return new SignIn(provider, name, accountId, flowId, url, instructions, state, input, shown); }

            boolean again() { return !accountId.isEmpty(); }
        }

        /**
         * A line of input. {@code accountId}/{@code accountName} name the account it acts on
         * (empty for the log filter).
         */
        record Prompt(Purpose purpose, String label, String input, String accountId, String accountName) implements Overlay {
            Prompt withInput(String i) { return new Prompt(purpose, label, i, accountId, accountName); }
        }

        enum Purpose { REMOVE, RENAME, PRIORITY, LOG_FILTER, ADD_NAME, ADD_KEY, OAUTH_NAME, OAUTH_PROVIDER }

        /** Whether what is typed stays hidden (an API key). */
        static boolean secret(Prompt p) { return p.purpose() == Purpose.ADD_KEY; }
    }
}

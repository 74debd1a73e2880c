package ccflare.cli;

import ccflare.cli.TuiModel.Overlay;
import ccflare.cli.TuiModel.Overlay.Prompt;
import ccflare.cli.TuiModel.Overlay.Purpose;
import ccflare.protocol.AccountView;
import ccflare.protocol.RequestSummary;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The TUI's behaviour as a pure function: a model and an event give the next model and the effects
 * to run. No I/O, no clock of its own (time arrives as {@link TuiEvent.Tick}).
 */
final class TuiReducer {

    /** The next model and what the loop should do. */
    record Step(TuiModel model, List<TuiEffect> effects) {
        Step { effects = List.copyOf(effects); }

        static Step of(TuiModel m, TuiEffect... effects) { return new Step(m, List.of(effects)); }
    }

    /** Lines a page key moves. */
    static final int PAGE = 10;
    static final List<String> LEVELS = List.of("ALL", "DEBUG", "INFO", "WARN", "ERROR");

    private TuiReducer() {}

    static Step apply(TuiModel m, TuiEvent event) {
        return switch (event) {
            case TuiEvent.Pressed p -> key(m, p);
            case TuiEvent.Tick t -> Step.of(m.withNow(t.now()));
            case TuiEvent.Resized r -> Step.of(m);
            case TuiEvent.Notice n -> Step.of(m.withNotice(n.message()));
            case TuiEvent.Connected c -> Step.of(m.withLink(new TuiModel.Link(TuiModel.Link.State.UP, "", null))
                    .withDaemon(new TuiModel.DaemonInfo(c.health(), c.port() > 0 ? c.port() : m.daemon().port(), m.daemon().note())));
            case TuiEvent.Disconnected d -> Step.of(m.withLink(new TuiModel.Link(TuiModel.Link.State.DOWN, d.reason(), d.retryAt())));
            case TuiEvent.AccountsLoaded a -> {
                int cursor = clamp(m.accounts().cursor(), a.accounts().size());
                yield Step.of(m.withAccounts(new TuiModel.Accounts(a.accounts(), cursor)));
            }
            case TuiEvent.StatsLoaded s -> Step.of(m.withOverview(new TuiModel.Overview(m.overview().range(), m.overview().analytics(), s.stats())));
            case TuiEvent.AnalyticsLoaded a -> a.range().equals(m.overview().range())
                    ? Step.of(m.withOverview(new TuiModel.Overview(a.range(), a.analytics(), m.overview().stats())))
                    : Step.of(m); // an answer for a range no longer shown
            case TuiEvent.RequestsLoaded r -> Step.of(m.withRequests(merge(m.requests(), r.requests())));
            case TuiEvent.RequestStarted s -> {
                var rq = m.requests();
                if (rq.newer() > 0 || rq.rows().stream().anyMatch(x -> x.id().equals(s.id()))) yield Step.of(m);
                List<TuiModel.InFlight> in = new ArrayList<>();
                in.add(new TuiModel.InFlight(s.id(), s.at(), s.method(), s.path()));
                for (var f : rq.inFlight()) if (!f.id().equals(s.id()) && in.size() < TuiModel.MAX_IN_FLIGHT) in.add(f);
                yield Step.of(m.withRequests(new TuiModel.Requests(rq.rows(), in, rq.cursor(), rq.openId(), rq.detail(), rq.detailScroll(), rq.newer())));
            }
            case TuiEvent.RequestRecorded r -> Step.of(m.withRequests(recorded(m.requests(), r.request())));
            case TuiEvent.DetailLoaded d -> {
                var rq = m.requests();
                if (rq.openId() == null || !rq.openId().equals(d.detail().summary().id())) yield Step.of(m);
                yield Step.of(m.withRequests(new TuiModel.Requests(rq.rows(), rq.inFlight(), rq.cursor(), rq.openId(), d.detail(), 0, rq.newer())));
            }
            case TuiEvent.LogsLoaded l -> {
                // History after a reconnect replaces what was kept: the daemon's ring already holds the overlap.
                var logs = m.logs();
                yield Step.of(m.withLogs(new TuiModel.Logs(tail(l.lines(), TuiModel.MAX_LOG_LINES), logs.frozen(),
                        logs.newWhilePaused(), logs.minLevel(), logs.filter(), logs.scroll())));
            }
            case TuiEvent.Logged l -> {
                var logs = m.logs();
                List<TuiEvent.LogLine> lines = new ArrayList<>(logs.lines().size() + 1);
                lines.addAll(logs.lines());
                lines.add(l.line());
                yield Step.of(m.withLogs(new TuiModel.Logs(tail(lines, TuiModel.MAX_LOG_LINES), logs.frozen(),
                        logs.paused() ? logs.newWhilePaused() + 1 : 0, logs.minLevel(), logs.filter(), logs.scroll())));
            }
            case TuiEvent.ActionDone a -> Step.of(m.withBusy(m.busy() - 1).withNotice(a.message()), new TuiEffect.Refresh(m.overview().range()));
            case TuiEvent.DaemonNote n -> Step.of(m.withDaemon(m.daemon().withNote(n.note())));
            case TuiEvent.OlderLoaded o -> Step.of(older(m, o));
            case TuiEvent.NewestLoaded n -> Step.of(newest(m, n));
            case TuiEvent.OfferStart o -> m.overlay() instanceof Overlay.None && m.link().state() != TuiModel.Link.State.UP
                    ? Step.of(m.withOverlay(new Overlay.OfferStart(o.command()))) : Step.of(m);
            case TuiEvent.SignInStarted s -> m.overlay() instanceof Overlay.SignIn in && in.flowId().isEmpty()
                    ? Step.of(m.withOverlay(new Overlay.SignIn(in.provider(), in.name(), in.accountId(), s.flowId(), s.authorizeUrl(),
                            s.instructions(), "Waiting for the sign-in (until " + s.expiresAt() + ")…", in.input(), false)))
                    : Step.of(m); // cancelled meanwhile: the flow expires by itself
            case TuiEvent.SignInState s -> signInState(m, s);
            case TuiEvent.SignInFailed f -> m.overlay() instanceof Overlay.SignIn in
                    ? (in.flowId().isEmpty() ? Step.of(m.withOverlay(new Overlay.None()).withNotice("sign-in not started: " + f.message()))
                        : Step.of(m.withOverlay(in.withState(f.message() + " — paste again, or Esc to cancel").withInput(""))))
                    : Step.of(m);
        };
    }

    // ---- keys ----

    private static Step key(TuiModel m, TuiEvent.Pressed p) {
        if (p.key() == Key.CTRL_C) return Step.of(m, new TuiEffect.Quit());
        return switch (m.overlay()) {
            case Overlay.Help h -> p.key() == Key.CHAR && p.text().equals("q")
                    ? Step.of(m, new TuiEffect.Quit()) : Step.of(m.withOverlay(new Overlay.None()));
            case Overlay.OfferStart o -> p.key() == Key.CHAR && (p.text().equals("y") || p.text().equals("Y"))
                    ? Step.of(m.withOverlay(new Overlay.None()).withDaemon(m.daemon().withNote("starting " + o.command() + "…")),
                            new TuiEffect.StartDaemon())
                    : Step.of(m.withOverlay(new Overlay.None()).withDaemon(m.daemon().withNote("no daemon: start one with ccflare")));
            case Overlay.SignIn in -> signInKey(m, in, p);
            case Prompt prompt -> promptKey(m, prompt, p);
            case Overlay.None n -> screenKey(m.withNotice(""), p);
        };
    }

    private static Step promptKey(TuiModel m, Prompt prompt, TuiEvent.Pressed p) {
        TuiModel closed = m.withOverlay(new Overlay.None());
        switch (p.key()) {
            case ESC -> {
                return Step.of(closed.withNotice("cancelled"));
            }
            case BACKSPACE -> {
                String in = prompt.input();
                return Step.of(m.withOverlay(prompt.withInput(in.isEmpty() ? in : in.substring(0, in.offsetByCodePoints(in.length(), -1)))));
            }
            case CHAR -> {
                return Step.of(m.withOverlay(prompt.withInput(prompt.input() + p.text())));
            }
            case ENTER -> {
                return submit(closed, prompt);
            }
            default -> {
                return Step.of(m);
            }
        }
    }

    private static Step submit(TuiModel m, Prompt prompt) {
        String in = prompt.input().strip();
        return switch (prompt.purpose()) {
            case REMOVE -> in.equals(prompt.accountName())
                    ? busy(m, new TuiEffect.Remove(prompt.accountId(), prompt.accountName()))
                    : Step.of(m.withNotice("not removed: the name typed was not '" + prompt.accountName() + "'"));
            case RENAME -> in.isEmpty() || in.equals(prompt.accountName())
                    ? Step.of(m.withNotice("not renamed"))
                    : busy(m, new TuiEffect.Rename(prompt.accountId(), prompt.accountName(), in));
            case PRIORITY -> {
                int n;
                try {
                    n = Integer.parseInt(in);
                } catch (NumberFormatException e) {
                    n = -1;
                }
                yield n < 0 ? Step.of(m.withNotice("priority: '" + in + "' (expected: an integer >= 0)"))
                        : busy(m, new TuiEffect.SetPriority(prompt.accountId(), prompt.accountName(), n));
            }
            case ADD_NAME -> in.isEmpty() ? Step.of(m.withNotice("not added: no name"))
                    : Step.of(m.withOverlay(new Prompt(Purpose.ADD_KEY, "API key for " + in + " (not shown): ", "", "", in)));
            case ADD_KEY -> prompt.input().isBlank() ? Step.of(m.withNotice("not added: no key"))
                    : busy(m.withNotice("adding " + prompt.accountName() + "…"), new TuiEffect.AddApiKey(prompt.accountName(), prompt.input().strip()));
            case OAUTH_NAME -> in.isEmpty() ? Step.of(m.withNotice("not added: no name"))
                    : Step.of(m.withOverlay(new Prompt(Purpose.OAUTH_PROVIDER,
                            "Subscription of " + in + ": 1 Claude (claude-code) or 2 ChatGPT (codex): ", "", "", in)));
            case OAUTH_PROVIDER -> {
                String provider = switch (in.toLowerCase(Locale.ROOT)) {
                    case "1", "claude", "claude-code" -> "claude-code";
                    case "2", "chatgpt", "codex" -> "codex";
                    default -> "";
                };
                yield provider.isEmpty() ? Step.of(m.withNotice("not added: '" + in + "' is not 1 (claude-code) or 2 (codex)"))
                        : startSignIn(m, provider, prompt.accountName(), "");
            }
            case LOG_FILTER -> {
                var l = m.logs();
                yield Step.of(m.withLogs(new TuiModel.Logs(l.lines(), l.frozen(), l.newWhilePaused(), l.minLevel(), in, 0)));
            }
        };
    }

    private static Step startSignIn(TuiModel m, String provider, String name, String accountId) {
        return Step.of(m.withOverlay(new Overlay.SignIn(provider, name, accountId, "", "", "", "Starting the sign-in…", "", false)),
                new TuiEffect.StartSignIn(provider, name, accountId));
    }

    private static Step signInKey(TuiModel m, Overlay.SignIn in, TuiEvent.Pressed p) {
        if (in.urlShown()) return Step.of(m.withOverlay(in.withUrlShown(false)), new TuiEffect.HideUrl());
        switch (p.key()) {
            case TAB -> {
                return in.url().isEmpty() ? Step.of(m) : Step.of(m.withOverlay(in.withUrlShown(true)), new TuiEffect.ShowUrl(in.url()));
            }
            case ESC -> {
                return Step.of(m.withOverlay(new Overlay.None()).withNotice("sign-in cancelled (it expires by itself)"));
            }
            case BACKSPACE -> {
                String s = in.input();
                return Step.of(m.withOverlay(in.withInput(s.isEmpty() ? s : s.substring(0, s.offsetByCodePoints(s.length(), -1)))));
            }
            case CHAR -> {
                return Step.of(m.withOverlay(in.withInput(in.input() + p.text())));
            }
            case ENTER -> {
                if (in.flowId().isEmpty()) return Step.of(m.withNotice("the sign-in has not started yet"));
                if (in.input().isBlank()) return Step.of(m.withOverlay(in.withState("Paste the code first (Esc cancels).")));
                return Step.of(m.withOverlay(in.withState("Finishing the sign-in…")),
                        new TuiEffect.CompleteSignIn(in.provider(), in.flowId(), in.input().strip()));
            }
            default -> {
                return Step.of(m);
            }
        }
    }

    private static Step signInState(TuiModel m, TuiEvent.SignInState s) {
        if (!(m.overlay() instanceof Overlay.SignIn in) || !in.flowId().equals(s.flowId())) return Step.of(m);
        return switch (s.status()) {
            case "completed" -> Step.of(m.withOverlay(new Overlay.None())
                    .withNotice(in.name() + (in.again() ? " signed in again" : " added")), new TuiEffect.Refresh(m.overview().range()));
            case "failed", "expired" -> Step.of(m.withOverlay(new Overlay.None())
                    .withNotice("sign-in of " + in.name() + " " + s.status() + (s.error().isEmpty() ? "" : ": " + s.error())));
            default -> Step.of(m);
        };
    }

    /**
     * An older page arrived: appended when it continues the list as it is now, else dropped as
     * stale. Past {@link TuiModel#MAX_REQUESTS} rows the window slides: the newest rows go.
     */
    private static TuiModel older(TuiModel m, TuiEvent.OlderLoaded o) {
        var r = m.requests();
        if (r.rows().isEmpty() || !r.rows().getLast().id().equals(o.beforeId())) return m;
        if (o.requests().isEmpty()) return m.withNotice("no older requests");
        Set<String> seen = new HashSet<>();
        List<RequestSummary> rows = new ArrayList<>(r.rows().size() + o.requests().size());
        for (RequestSummary s : r.rows()) if (seen.add(s.id())) rows.add(s);
        for (RequestSummary s : o.requests()) if (seen.add(s.id())) rows.add(s);
        int dropped = Math.max(0, rows.size() - TuiModel.MAX_REQUESTS);
        rows = new ArrayList<>(rows.subList(dropped, rows.size()));
        int cursor = clamp(r.cursor() + 1 - dropped, rows.size());
        return m.withRequests(new TuiModel.Requests(rows, dropped > 0 ? List.of() : r.inFlight(), cursor, r.openId(),
                r.detail(), r.detailScroll(), r.newer() + dropped))
                .withNotice(dropped > 0 ? "older requests loaded; the " + (r.newer() + dropped) + " newest are left out (↑ at the top row loads them)"
                        : rows.size() + " requests loaded");
    }

    /** The newest page, asked for by ↑ at the top of a window that left the newest out: it replaces the window. */
    private static TuiModel newest(TuiModel m, TuiEvent.NewestLoaded n) {
        var r = m.requests();
        if (r.newer() == 0) return m;
        List<RequestSummary> rows = tailOfNewestFirst(new ArrayList<>(n.requests()));
        return m.withRequests(new TuiModel.Requests(rows, List.of(), 0, null, null, 0, 0)).withNotice("the newest requests, live again");
    }

    private static Step busy(TuiModel m, TuiEffect effect) {
        return Step.of(m.withBusy(m.busy() + 1), effect);
    }

    private static Step screenKey(TuiModel m, TuiEvent.Pressed p) {
        boolean detailOpen = m.tab() == Tab.REQUESTS && m.requests().openId() != null;
        String c = p.key() == Key.CHAR ? p.text() : "";
        // Keys every screen shares.
        switch (p.key()) {
            case TAB -> {
                return Step.of(m.withTab(m.tab().next()));
            }
            case BACK_TAB -> {
                return Step.of(m.withTab(m.tab().previous()));
            }
            case ESC -> {
                return detailOpen ? Step.of(closeDetail(m)) : Step.of(m, new TuiEffect.Quit());
            }
            default -> { }
        }
        if (c.equals("q")) return detailOpen ? Step.of(closeDetail(m)) : Step.of(m, new TuiEffect.Quit());
        if (c.equals("?")) return Step.of(m.withOverlay(new Overlay.Help()));
        for (Tab t : Tab.values()) {
            if (c.equals(String.valueOf(t.digit()))) return Step.of(m.withTab(t));
        }
        return switch (m.tab()) {
            case OVERVIEW -> overviewKey(m, p, c);
            case ACCOUNTS -> accountsKey(m, p, c);
            case REQUESTS -> detailOpen ? detailKey(m, p, c) : requestsKey(m, p, c);
            case LOGS -> logsKey(m, p, c);
        };
    }

    private static Step overviewKey(TuiModel m, TuiEvent.Pressed p, String c) {
        int i = TuiModel.RANGES.indexOf(m.overview().range());
        int next = i;
        if (p.key() == Key.LEFT || c.equals("h") || c.equals("[")) next = Math.max(0, i - 1);
        if (p.key() == Key.RIGHT || c.equals("l") || c.equals("]")) next = Math.min(TuiModel.RANGES.size() - 1, i + 1);
        if (c.equals("r")) return Step.of(m, new TuiEffect.Refresh(m.overview().range()));
        if (next == i) return Step.of(m);
        String range = TuiModel.RANGES.get(next);
        // The old range's totals stay out of view: they would read as the new range's.
        return Step.of(m.withOverview(new TuiModel.Overview(range, null, m.overview().stats())), new TuiEffect.Refresh(range));
    }

    private static Step accountsKey(TuiModel m, TuiEvent.Pressed p, String c) {
        var a = m.accounts();
        int moved = move(a.cursor(), a.list().size(), p, c);
        if (moved != a.cursor()) return Step.of(m.withAccounts(new TuiModel.Accounts(a.list(), moved)));
        if (c.equals("a")) return Step.of(m.withOverlay(new Prompt(Purpose.ADD_NAME, "Name of the new API-key account: ", "", "", "")));
        if (c.equals("o")) {
            return Step.of(m.withOverlay(new Prompt(Purpose.OAUTH_NAME, "Name of the new subscription account: ", "", "", "")));
        }
        if (c.equals("R")) return Step.of(m, new TuiEffect.Refresh(m.overview().range()));
        var selected = a.selected();
        if (selected.isEmpty()) return Step.of(m);
        AccountView acc = selected.get();
        if (c.equals("p") || c.equals(" ")) {
            return busy(m.withNotice((acc.paused() ? "resuming " : "pausing ") + acc.name() + "…"),
                    acc.paused() ? new TuiEffect.Resume(acc.id(), acc.name()) : new TuiEffect.Pause(acc.id(), acc.name()));
        }
        if (c.equals("+")) return busy(m, new TuiEffect.SetPriority(acc.id(), acc.name(), acc.priority() + 1));
        if (c.equals("-")) {
            return acc.priority() == 0 ? Step.of(m.withNotice("priority is already 0, the lowest"))
                    : busy(m, new TuiEffect.SetPriority(acc.id(), acc.name(), acc.priority() - 1));
        }
        if (c.equals("P")) {
            return Step.of(m.withOverlay(new Prompt(Purpose.PRIORITY, "New priority for " + acc.name() + " (lower is tried first): ",
                    "", acc.id(), acc.name())));
        }
        if (c.equals("S")) {
            return acc.provider().equals("claude-code") || acc.provider().equals("codex")
                    ? startSignIn(m, acc.provider(), acc.name(), acc.id())
                    : Step.of(m.withNotice(acc.name() + " uses an API key: there is no sign-in to renew"));
        }
        if (c.equals("r")) {
            return Step.of(m.withOverlay(new Prompt(Purpose.RENAME, "New name for " + acc.name() + ": ", "", acc.id(), acc.name())));
        }
        if (c.equals("d") || p.key() == Key.DELETE) {
            return Step.of(m.withOverlay(new Prompt(Purpose.REMOVE, "Type " + acc.name() + " to remove it (Esc cancels): ", "",
                    acc.id(), acc.name())));
        }
        return Step.of(m);
    }

    private static Step requestsKey(TuiModel m, TuiEvent.Pressed p, String c) {
        var r = m.requests();
        int moved = move(r.cursor(), r.rows().size(), p, c);
        if (moved != r.cursor()) return Step.of(m.withRequests(new TuiModel.Requests(r.rows(), r.inFlight(), moved, null, null, 0, r.newer())));
        boolean up = p.key() == Key.UP || p.key() == Key.PAGE_UP || p.key() == Key.HOME || c.equals("k") || c.equals("g");
        if (up && r.cursor() == 0 && r.newer() > 0) {
            return Step.of(m.withNotice("loading the newest requests…"), new TuiEffect.FetchNewest());
        }
        boolean down = p.key() == Key.DOWN || p.key() == Key.PAGE_DOWN || p.key() == Key.END || c.equals("j") || c.equals("G");
        if (down && !r.rows().isEmpty() && r.cursor() == r.rows().size() - 1) {
            // at the last row: the next page of history
            return Step.of(m.withNotice("loading older requests…"), new TuiEffect.FetchOlder(r.rows().getLast().id()));
        }
        if ((p.key() == Key.ENTER || c.equals(" ")) && r.selected().isPresent()) {
            String id = r.selected().get().id();
            return Step.of(m.withRequests(new TuiModel.Requests(r.rows(), r.inFlight(), r.cursor(), id, null, 0, r.newer())),
                    new TuiEffect.FetchDetail(id));
        }
        return Step.of(m);
    }

    private static Step detailKey(TuiModel m, TuiEvent.Pressed p, String c) {
        var r = m.requests();
        int scroll = r.detailScroll();
        switch (p.key()) {
            case UP -> scroll--;
            case DOWN -> scroll++;
            case PAGE_UP -> scroll -= PAGE;
            case PAGE_DOWN -> scroll += PAGE;
            case HOME -> scroll = 0;
            default -> {
                if (c.equals("k")) scroll--;
                else if (c.equals("j")) scroll++;
            }
        }
        return Step.of(m.withRequests(new TuiModel.Requests(r.rows(), r.inFlight(), r.cursor(), r.openId(), r.detail(), Math.max(0, scroll), r.newer())));
    }

    private static TuiModel closeDetail(TuiModel m) {
        var r = m.requests();
        return m.withRequests(new TuiModel.Requests(r.rows(), r.inFlight(), r.cursor(), null, null, 0, r.newer()));
    }

    private static Step logsKey(TuiModel m, TuiEvent.Pressed p, String c) {
        var l = m.logs();
        if (c.equals(" ")) {
            return Step.of(m.withLogs(l.paused()
                    ? new TuiModel.Logs(l.lines(), null, 0, l.minLevel(), l.filter(), 0)
                    : new TuiModel.Logs(l.lines(), l.lines(), 0, l.minLevel(), l.filter(), l.scroll())));
        }
        if (c.equals("/")) {
            return Step.of(m.withOverlay(new Prompt(Purpose.LOG_FILTER, "Show lines containing (empty for all): ", l.filter(), "", "")));
        }
        if (c.equals("l") || c.equals("L")) {
            int i = LEVELS.indexOf(l.minLevel());
            String level = LEVELS.get((i + (c.equals("l") ? 1 : LEVELS.size() - 1)) % LEVELS.size());
            return Step.of(m.withLogs(new TuiModel.Logs(l.lines(), l.frozen(), l.newWhilePaused(), level, l.filter(), 0)));
        }
        if (c.equals("c")) {
            return Step.of(m.withLogs(new TuiModel.Logs(List.of(), l.paused() ? List.of() : null, 0, l.minLevel(), l.filter(), 0)));
        }
        int scroll = l.scroll();
        switch (p.key()) {
            case UP -> scroll++;
            case DOWN -> scroll--;
            case PAGE_UP -> scroll += PAGE;
            case PAGE_DOWN -> scroll -= PAGE;
            case END -> scroll = 0;
            default -> {
                if (c.equals("k")) scroll++;
                else if (c.equals("j")) scroll--;
                else if (c.equals("G")) scroll = 0;
            }
        }
        int max = Math.max(0, visibleLogs(l).size() - 1);
        scroll = Math.max(0, Math.min(max, scroll));
        return Step.of(m.withLogs(new TuiModel.Logs(l.lines(), l.frozen(), l.newWhilePaused(), l.minLevel(), l.filter(), scroll)));
    }

    /** The log lines the Logs screen shows, oldest first: paused or live, level and text filters applied. */
    static List<TuiEvent.LogLine> visibleLogs(TuiModel.Logs l) {
        List<TuiEvent.LogLine> source = l.paused() ? l.frozen() : l.lines();
        int min = rank(l.minLevel());
        String filter = l.filter().toLowerCase(Locale.ROOT);
        List<TuiEvent.LogLine> out = new ArrayList<>();
        for (TuiEvent.LogLine line : source) {
            if (rank(line.level()) < min) continue;
            if (!filter.isEmpty() && !(line.message().toLowerCase(Locale.ROOT).contains(filter)
                    || line.logger().toLowerCase(Locale.ROOT).contains(filter))) continue;
            out.add(line);
        }
        return out;
    }

    /** TRACE 0 … ERROR 4; an unknown level counts as INFO; ALL is below everything. */
    private static int rank(String level) {
        return switch (level.toUpperCase(Locale.ROOT)) {
            case "ALL" -> -1;
            case "TRACE" -> 0;
            case "DEBUG" -> 1;
            case "WARN", "WARNING" -> 3;
            case "ERROR", "FATAL" -> 4;
            default -> 2;
        };
    }

    // ---- lists ----

    private static int move(int cursor, int size, TuiEvent.Pressed p, String c) {
        if (size == 0) return 0;
        int next = switch (p.key()) {
            case UP -> cursor - 1;
            case DOWN -> cursor + 1;
            case PAGE_UP -> cursor - PAGE;
            case PAGE_DOWN -> cursor + PAGE;
            case HOME -> 0;
            case END -> size - 1;
            default -> c.equals("k") ? cursor - 1 : c.equals("j") ? cursor + 1 : c.equals("g") ? 0 : c.equals("G") ? size - 1 : cursor;
        };
        return clamp(next, size);
    }

    private static int clamp(int i, int size) {
        return size == 0 ? 0 : Math.max(0, Math.min(size - 1, i));
    }

    /** History read after (re)connecting, merged with what arrived live: one row per id, newest first. */
    private static TuiModel.Requests merge(TuiModel.Requests r, List<RequestSummary> history) {
        // A window paged past the newest keeps its place; ↑ at its top reads the newest anyway.
        if (r.newer() > 0) return r;
        Set<String> seen = new HashSet<>();
        List<RequestSummary> rows = new ArrayList<>();
        for (RequestSummary s : r.rows()) if (seen.add(s.id())) rows.add(s);
        for (RequestSummary s : history) if (seen.add(s.id())) rows.add(s);
        rows.sort((a, b) -> String.valueOf(b.timestamp()).compareTo(String.valueOf(a.timestamp())));
        rows = tailOfNewestFirst(rows);
        return new TuiModel.Requests(rows, r.inFlight().stream().filter(f -> !seen.contains(f.id())).toList(),
                clamp(r.cursor(), rows.size()), r.openId(), r.detail(), r.detailScroll(), 0);
    }

    private static TuiModel.Requests recorded(TuiModel.Requests r, RequestSummary s) {
        if (r.newer() > 0) {
            return new TuiModel.Requests(r.rows(), r.inFlight(), r.cursor(), r.openId(), r.detail(), r.detailScroll(), r.newer() + 1);
        }
        List<RequestSummary> rows = new ArrayList<>(r.rows().size() + 1);
        rows.add(s);
        for (RequestSummary x : r.rows()) if (!x.id().equals(s.id())) rows.add(x);
        rows = tailOfNewestFirst(rows);
        // The selection stays on the same request when a new one arrives above it.
        int cursor = r.cursor() == 0 || r.rows().isEmpty() ? 0 : clamp(r.cursor() + 1, rows.size());
        List<TuiModel.InFlight> inFlight = r.inFlight().stream().filter(f -> !f.id().equals(s.id())).toList();
        return new TuiModel.Requests(rows, inFlight, cursor, r.openId(), r.detail(), r.detailScroll(), 0);
    }

    private static List<RequestSummary> tailOfNewestFirst(List<RequestSummary> rows) {
        return rows.size() <= TuiModel.MAX_REQUESTS ? rows : new ArrayList<>(rows.subList(0, TuiModel.MAX_REQUESTS));
    }

    private static <T> List<T> tail(List<T> list, int max) {
        return list.size() <= max ? list : list.subList(list.size() - max, list.size());
    }
}

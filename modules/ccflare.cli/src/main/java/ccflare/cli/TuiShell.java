package ccflare.cli;

import static java.util.Objects.requireNonNull;

import ccflare.protocol.AccountView;
import ccflare.protocol.AnalyticsView;
import ccflare.protocol.HealthView;
import ccflare.protocol.Json;
import ccflare.protocol.NewAccount;
import ccflare.protocol.RequestDetail;
import ccflare.protocol.RequestSummary;
import ccflare.protocol.StatsView;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * The TUI's thin I/O shell around {@link TuiReducer} and {@link TuiView}: one loop thread owns
 * the model and the screen; keys, the clock and the daemon's answers arrive on a queue from
 * virtual threads, so no network call ever blocks a redraw. The terminal (raw mode, alternate
 * screen, hidden cursor) is restored on every way out of {@link #run()}.
 */
final class TuiShell {

    static final Duration POLL = Duration.ofSeconds(2);
    static final Duration RETRY = Duration.ofSeconds(1);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /** Posted by the loop itself to stop. */
    private record Stop() {}

    private final Terminal terminal;
    private final DaemonClient client;
    private final boolean colour;
    private final ZoneId zone;
    private final InstantSource clock;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>(10_000);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean requestsStream = new AtomicBoolean();
    private final AtomicBoolean logsStream = new AtomicBoolean();
    private final Object refreshSignal = new Object();
    private volatile String range = "24h";
    private volatile TuiModel model;
    private volatile List<AttributedString> lastFrame = List.of();
    private final boolean dumb;
    private final StartPlan startPlan;
    /** Whether the first failed connection has been answered with an offer (or a hint). */
    private final AtomicBoolean offered = new AtomicBoolean();
    /** Whether the daemon has answered since the child was started: its output then goes to the log stream instead. */
    private final AtomicBoolean childConnected = new AtomicBoolean();
    private volatile ChildDaemon child;
    /** Owned by the loop thread: the sign-in URL is printed alone (no drawing), and the next draw must be whole. */
    private boolean urlShown;
    private boolean redrawAll;

    TuiShell(Terminal terminal, Path socket, boolean colour, ZoneId zone, InstantSource clock) {
        this(terminal, socket, colour, zone, clock, new StartPlan.Unavailable("not offered"));
    }

    TuiShell(Terminal terminal, Path socket, boolean colour, ZoneId zone, InstantSource clock, StartPlan startPlan) {
        this(terminal, new DaemonClient(requireNonNull(socket, "socket")), colour, zone, clock, startPlan);
    }

    /**
     * With a client of one socket made beforehand, so that its start (Jetty's client, the first
     * connection) can run while the terminal is built ({@link TuiCommand}); the shell closes it.
     */
    TuiShell(Terminal terminal, DaemonClient client, boolean colour, ZoneId zone, InstantSource clock, StartPlan startPlan) {
        this.startPlan = requireNonNull(startPlan, "startPlan");
        this.terminal = requireNonNull(terminal, "terminal");
        this.client = requireNonNull(client, "client");
        Path socket = client.socket();
        this.dumb = Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
        this.colour = colour && !dumb;
        this.zone = zone;
        this.clock = clock;
        this.model = TuiModel.initial(socket.toString(), clock.instant());
    }

    /** The model the screen shows now. */
    TuiModel model() { return model; }

    /** The last frame drawn, as plain text. */
    String screen() { return TuiView.text(lastFrame); }

    /** Runs until the user quits; the terminal is as it was when this returns or throws. */
    int run() {
        Attributes saved = terminal.enterRawMode();
        Terminal.SignalHandler oldWinch = terminal.handle(Terminal.Signal.WINCH, s -> events.offer(new TuiEvent.Resized()));
        Terminal.SignalHandler oldInt = terminal.handle(Terminal.Signal.INT, s -> events.offer(new Stop()));
        Display display = new Display(terminal, true);
        if (!dumb) {
            terminal.puts(Capability.enter_ca_mode);
            terminal.puts(Capability.keypad_xmit);
            terminal.puts(Capability.cursor_invisible);
            terminal.flush();
        }
        try {
            startThread("tui-input", this::readKeys);
            startThread("tui-clock", this::tick);
            startThread("tui-poll", this::poll);
            draw(display, true);
            loop(display);
            return ExitCode.OK.code;
        } finally {
            running.set(false);
            synchronized (refreshSignal) { refreshSignal.notifyAll(); }
            if (!dumb) {
                display.update(List.of(), 0);
                terminal.puts(Capability.cursor_visible);
                terminal.puts(Capability.keypad_local);
                terminal.puts(Capability.exit_ca_mode);
            }
            terminal.flush();
            terminal.handle(Terminal.Signal.WINCH, oldWinch);
            terminal.handle(Terminal.Signal.INT, oldInt);
            terminal.setAttributes(saved);
            client.close();
            ChildDaemon c = child;
            if (c != null) c.close();
        }
    }

    private void loop(Display display) {
        Size size = terminal.getSize();
        while (true) {
            Object e;
            try {
                e = events.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            if (e == null) continue;
            if (e instanceof Stop) return;
            boolean quit = false;
            // Handle everything queued before drawing once: a burst of events costs one redraw.
            for (; e != null; e = events.poll()) {
                if (e instanceof Stop) return;
                TuiReducer.Step step = TuiReducer.apply(model, (TuiEvent) e);
                model = step.model();
                for (TuiEffect effect : step.effects()) {
                    if (effect instanceof TuiEffect.Quit) quit = true;
                    else run(effect);
                }
            }
            if (quit) return;
            if (urlShown) continue;
            Size now = terminal.getSize();
            boolean resized = !now.equals(size) || redrawAll;
            redrawAll = false;
            size = now;
            draw(display, resized);
        }
    }

    private void draw(Display display, boolean full) {
        Size size = terminal.getSize();
        int cols = size.getColumns() > 0 ? size.getColumns() : 80;
        int rows = size.getRows() > 0 ? size.getRows() : 24;
        Viewport v = new Viewport(cols, rows, colour, zone);
        List<AttributedString> frame = TuiView.frame(model, v);
        if (dumb) {
            // No cursor addressing: print each changed frame as plain text.
            if (!TuiView.text(frame).equals(TuiView.text(lastFrame))) {
                terminal.writer().print(TuiView.text(frame).replace("\n", "\r\n"));
                terminal.writer().print("\r\n");
                terminal.flush();
            }
            lastFrame = frame;
            return;
        }
        if (full) {
            display.clear();
            display.resize(rows, cols);
        }
        // The last line is not written to its last cell, so the terminal never scrolls.
        List<AttributedString> shown = new ArrayList<>(frame);
        shown.set(shown.size() - 1, Layout.fit(shown.getLast(), Math.max(1, cols - 1)));
        display.update(shown, -1);
        terminal.flush();
        lastFrame = frame;
    }

    // ---- threads that feed the queue ----

    private void startThread(String name, Runnable r) {
        Thread.ofVirtual().name(name).start(() -> {
            try {
                r.run();
            } catch (RuntimeException | IOError e) {
                if (running.get()) post(new TuiEvent.Notice(name + " stopped: " + e.getMessage()));
            }
        });
    }

    private void post(TuiEvent e) {
        if (running.get()) events.offer(e);
    }

    private void readKeys() {
        KeyMap<TuiEvent.Pressed> keys = keyMap(terminal);
        BindingReader reader = new BindingReader(terminal.reader());
        while (running.get()) {
            TuiEvent.Pressed p;
            try {
                p = reader.readBinding(keys, null, true);
            } catch (RuntimeException | IOError e) { // the terminal's input closed (EndOfFileException)
                p = null;
            }
            if (p == null) { // end of input
                events.offer(new Stop());
                return;
            }
            if (p.key() == Key.CHAR && p.text().isEmpty()) p = new TuiEvent.Pressed(Key.CHAR, reader.getLastBinding());
            post(p);
        }
    }

    static KeyMap<TuiEvent.Pressed> keyMap(Terminal terminal) {
        KeyMap<TuiEvent.Pressed> k = new KeyMap<>();
        for (char c = 32; c < 127; c++) k.bind(TuiEvent.Pressed.ch(c), String.valueOf(c));
        k.setUnicode(new TuiEvent.Pressed(Key.CHAR, ""));
        k.setAmbiguousTimeout(150);
        bind(k, Key.ENTER, "\r", "\n");
        bind(k, Key.TAB, "\t");
        bind(k, Key.BACK_TAB, "\033[Z");
        bind(k, Key.ESC, "\033");
        bind(k, Key.BACKSPACE, "\177", "\b");
        bind(k, Key.CTRL_C, "\003");
        bind(k, Key.UP, "\033[A", "\033OA");
        bind(k, Key.DOWN, "\033[B", "\033OB");
        bind(k, Key.RIGHT, "\033[C", "\033OC");
        bind(k, Key.LEFT, "\033[D", "\033OD");
        bind(k, Key.HOME, "\033[H", "\033OH", "\033[1~");
        bind(k, Key.END, "\033[F", "\033OF", "\033[4~");
        bind(k, Key.PAGE_UP, "\033[5~");
        bind(k, Key.PAGE_DOWN, "\033[6~");
        bind(k, Key.DELETE, "\033[3~");
        cap(k, terminal, Key.UP, Capability.key_up);
        cap(k, terminal, Key.DOWN, Capability.key_down);
        cap(k, terminal, Key.LEFT, Capability.key_left);
        cap(k, terminal, Key.RIGHT, Capability.key_right);
        cap(k, terminal, Key.PAGE_UP, Capability.key_ppage);
        cap(k, terminal, Key.PAGE_DOWN, Capability.key_npage);
        cap(k, terminal, Key.HOME, Capability.key_home);
        cap(k, terminal, Key.END, Capability.key_end);
        cap(k, terminal, Key.DELETE, Capability.key_dc);
        cap(k, terminal, Key.BACK_TAB, Capability.key_btab);
        return k;
    }

    private static void bind(KeyMap<TuiEvent.Pressed> k, Key key, String... seqs) {
        for (String s : seqs) k.bind(TuiEvent.Pressed.of(key), s);
    }

    private static void cap(KeyMap<TuiEvent.Pressed> k, Terminal t, Key key, Capability c) {
        String seq = KeyMap.key(t, c);
        if (seq != null && !seq.isEmpty() && !seq.equals("\033")) k.bind(TuiEvent.Pressed.of(key), seq);
    }

    private void tick() {
        while (running.get()) {
            post(new TuiEvent.Tick(clock.instant()));
            sleep(model.busy() > 0 || model.link().state() != TuiModel.Link.State.UP ? 200 : 1000);
        }
    }

    /** Reads the daemon's state every {@link #POLL} (or at once when asked); (re)starts the live streams. */
    private void poll() {
        while (running.get()) {
            boolean up = false;
            try {
                HealthView h = Json.read(get("/health", "health").body(), HealthView.class);
                int port = 0;
                try {
                    port = get("/api/config", "reading the configuration").tree().path("port").asInt(0);
                } catch (Failure ignored) {
                    // older daemon: the port stays unknown
                }
                post(new TuiEvent.Connected(h, port));
                up = true;
                offered.set(true); // a daemon answered: nothing to offer later
                childConnected.set(true);
                if (requestsStream.compareAndSet(false, true)) {
                    try {
                        post(new TuiEvent.RequestsLoaded(Arrays.asList(
                                Json.read(get("/api/requests?limit=200", "request history").body(), RequestSummary[].class))));
                        startThread("tui-requests", this::followRequests);
                    } catch (RuntimeException e) {
                        requestsStream.set(false); // no follower started: the next poll tries again
                        throw e;
                    }
                }
                if (logsStream.compareAndSet(false, true)) {
                    try {
                        post(new TuiEvent.LogsLoaded(logLines(get("/api/logs/history?limit=1000", "log history").tree())));
                        startThread("tui-logs", this::followLogs);
                    } catch (RuntimeException e) {
                        logsStream.set(false);
                        throw e;
                    }
                }
                post(new TuiEvent.AccountsLoaded(Arrays.asList(
                        Json.read(get("/api/accounts", "accounts").body(), AccountView[].class))));
                post(new TuiEvent.StatsLoaded(Json.read(get("/api/stats", "statistics").body(), StatsView.class)));
                String r = range;
                post(new TuiEvent.AnalyticsLoaded(r,
                        Json.read(get("/api/analytics?range=" + r, "analytics").body(), AnalyticsView.class)));
            } catch (RuntimeException e) {
                if (!up && offered.compareAndSet(false, true)) offerStart();
                if (!up || gone(e)) post(new TuiEvent.Disconnected(e.getMessage(), clock.instant().plus(RETRY)));
                else post(new TuiEvent.Notice("reading the daemon failed: " + e.getMessage()));
            }
            synchronized (refreshSignal) {
                if (!running.get()) return;
                try {
                    refreshSignal.wait((up ? POLL : RETRY).toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** No daemon answered the first time: offer to start one, or say how the service starts. */
    private void offerStart() {
        switch (startPlan) {
            case StartPlan.Offer o -> post(new TuiEvent.OfferStart(o.launcher().toString()));
            case StartPlan.Service s -> post(new TuiEvent.DaemonNote(s.hint()));
            case StartPlan.Unavailable u -> { }
        }
    }

    private void startDaemon() {
        if (!(startPlan instanceof StartPlan.Offer o) || child != null) return;
        childConnected.set(false);
        try {
            ChildDaemon c = ChildDaemon.start(o.launcher(), line -> {
                // Until it answers, its own output is all there is (a bad setting, a taken port);
                // afterwards the same lines arrive through the log stream.
                if (!childConnected.get()) post(new TuiEvent.Logged(new TuiEvent.LogLine(clock.instant(), level(line), "daemon", line)));
            }, code -> post(new TuiEvent.DaemonNote("the daemon this screen started exited with code " + code
                    + "; its last lines are in 4 Logs")));
            child = c;
            post(new TuiEvent.DaemonNote("started " + o.launcher() + " (pid " + c.pid() + "); it stops when you quit"));
            refreshNow();
        } catch (RuntimeException e) {
            post(new TuiEvent.DaemonNote("could not start the daemon: " + e.getMessage()));
        }
    }

    /** The level word a log line carries, INFO when none. */
    static String level(String line) {
        for (String l : List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE")) {
            if (line.contains(" " + l + " ") || line.startsWith(l + " ")) return l;
        }
        return "INFO";
    }

    /** Whether a failure means the daemon is gone rather than an answer the API gave. */
    static boolean gone(RuntimeException e) {
        if (!(e instanceof Failure f)) return false;
        String m = String.valueOf(f.getMessage());
        return f.exitCode() == ExitCode.UNREACHABLE || m.contains("the request to the daemon at") || m.contains("did not answer")
                || m.contains("connection to the daemon broke");
    }

    private void refreshNow() {
        synchronized (refreshSignal) { refreshSignal.notifyAll(); }
    }

    private void followRequests() {
        try {
            client.follow("/api/requests/stream", "live requests", ev -> {
                if (!running.get()) return false;
                JsonNode n = Json.tree(ev.data().getBytes(StandardCharsets.UTF_8));
                switch (n.path("type").asText()) {
                    case "start" -> post(new TuiEvent.RequestStarted(n.path("id").asText(), Instant.ofEpochMilli(n.path("ts").asLong()),
                            n.path("method").asText(""), n.path("path").asText("")));
                    case "summary" -> {
                        ((ObjectNode) n).remove("type");
                        post(new TuiEvent.RequestRecorded(Json.convert(n, RequestSummary.class)));
                    }
                    default -> { }
                }
                return true;
            });
        } catch (RuntimeException e) {
            // the daemon went away: the poller notices and starts the stream again
        } finally {
            requestsStream.set(false);
            refreshNow();
        }
    }

    private void followLogs() {
        try {
            client.follow("/api/logs/stream", "live logs", ev -> {
                if (!running.get()) return false;
                JsonNode n = Json.tree(ev.data().getBytes(StandardCharsets.UTF_8));
                if (n.path("type").asText().equals("log")) post(new TuiEvent.Logged(logLine(n)));
                return true;
            });
        } catch (RuntimeException e) {
            // as above
        } finally {
            logsStream.set(false);
            refreshNow();
        }
    }

    static List<TuiEvent.LogLine> logLines(JsonNode array) {
        List<TuiEvent.LogLine> out = new ArrayList<>();
        for (JsonNode n : array) out.add(logLine(n));
        return out;
    }

    static TuiEvent.LogLine logLine(JsonNode n) {
        JsonNode ts = n.path("ts");
        Instant at = ts.isNumber() ? Instant.ofEpochMilli(ts.asLong())
                : AccountStatus.instant(ts.asText("")).orElse(Instant.EPOCH);
        return new TuiEvent.LogLine(at, n.path("level").asText("INFO"), n.path("logger").asText(""), n.path("msg").asText(""));
    }

    // ---- effects ----

    private void run(TuiEffect effect) {
        switch (effect) {
            case TuiEffect.Quit q -> { }
            case TuiEffect.Refresh r -> {
                range = r.range();
                refreshNow();
            }
            case TuiEffect.FetchDetail f -> Thread.ofVirtual().start(() -> {
                try {
                    post(new TuiEvent.DetailLoaded(Json.read(get("/api/requests/" + Action.segment(f.id()), "request details").body(),
                            RequestDetail.class)));
                } catch (RuntimeException e) {
                    post(new TuiEvent.Notice("details of " + f.id() + ": " + e.getMessage()));
                }
            });
            case TuiEffect.Pause p -> action("paused " + p.name(), "POST", account(p.id()) + "/pause", Map.of());
            case TuiEffect.Resume p -> action("resumed " + p.name(), "POST", account(p.id()) + "/resume", Map.of());
            case TuiEffect.SetPriority p -> action(p.name() + ": priority " + p.priority(), "POST", account(p.id()) + "/priority",
                    Map.of("priority", p.priority()));
            case TuiEffect.Rename p -> action("renamed " + p.name() + " to " + p.newName(), "POST", account(p.id()) + "/rename",
                    Map.of("name", p.newName()));
            case TuiEffect.Remove p -> action("removed " + p.name(), "DELETE", account(p.id()), null);
            case TuiEffect.AddApiKey a -> action("added " + a.name(), "POST", "/api/accounts",
                    new NewAccount(a.name(), "anthropic", a.apiKey(), null, null));
            case TuiEffect.FetchOlder f -> Thread.ofVirtual().start(() -> {
                try {
                    post(new TuiEvent.OlderLoaded(f.beforeId(), Arrays.asList(Json.read(get("/api/requests?limit=200&before="
                            + java.net.URLEncoder.encode(f.beforeId(), StandardCharsets.UTF_8), "request history").body(),
                            RequestSummary[].class))));
                } catch (RuntimeException e) {
                    post(new TuiEvent.Notice("older requests: " + e.getMessage()));
                }
            });
            case TuiEffect.FetchNewest f -> Thread.ofVirtual().start(() -> {
                try {
                    post(new TuiEvent.NewestLoaded(Arrays.asList(Json.read(get("/api/requests?limit=200", "request history").body(),
                            RequestSummary[].class))));
                } catch (RuntimeException e) {
                    post(new TuiEvent.Notice("newest requests: " + e.getMessage()));
                }
            });
            case TuiEffect.StartSignIn s -> Thread.ofVirtual().start(() -> {
                try {
                    JsonNode started = s.accountId().isEmpty()
                            ? client.call("POST", "/api/auth/" + Action.segment(s.provider()) + "/init", Map.of("name", s.name()),
                                    "OAuth sign-in").tree()
                            : client.call("POST", account(s.accountId()) + "/reauthenticate", Map.of(), "OAuth sign-in").tree();
                    String flowId = started.path("flowId").asText();
                    post(new TuiEvent.SignInStarted(flowId, started.path("authorizeUrl").asText(),
                            started.path("instructions").asText(""), AccountStatus.instant(started.path("expiresAt").asText(""))
                                    .map(t -> java.time.format.DateTimeFormatter.ofPattern("HH:mm").withZone(zone).format(t)).orElse("it expires")));
                    followSignIn(flowId);
                } catch (RuntimeException e) {
                    post(new TuiEvent.SignInFailed(e.getMessage()));
                }
            });
            case TuiEffect.CompleteSignIn c -> Thread.ofVirtual().start(() -> {
                try {
                    client.call("POST", "/api/auth/" + Action.segment(c.provider()) + "/complete",
                            Map.of("flowId", c.flowId(), "code", c.code()), "OAuth sign-in");
                    post(new TuiEvent.SignInState(c.flowId(), "completed", ""));
                } catch (RuntimeException e) {
                    post(new TuiEvent.SignInFailed(e.getMessage()));
                }
            });
            case TuiEffect.StartDaemon d -> Thread.ofVirtual().start(this::startDaemon);
            case TuiEffect.ShowUrl u -> {
                // on the loop thread, like drawing: nothing draws over it until HideUrl
                urlShown = true;
                if (!dumb) terminal.puts(Capability.exit_ca_mode);
                terminal.writer().print("\r\n" + u.url() + "\r\n\r\nThe sign-in address on one line, to copy. Press any key to return.\r\n");
                terminal.flush();
            }
            case TuiEffect.HideUrl h -> {
                urlShown = false;
                if (!dumb) terminal.puts(Capability.enter_ca_mode);
                redrawAll = true;
            }
        }
    }

    /** Polls the flow while the screen shows it (a codex sign-in completes through the browser by itself). */
    private void followSignIn(String flowId) {
        while (running.get() && model.overlay() instanceof TuiModel.Overlay.SignIn in
                && (in.flowId().isEmpty() || in.flowId().equals(flowId))) {
            sleep(2000);
            if (!(model.overlay() instanceof TuiModel.Overlay.SignIn now) || !now.flowId().equals(flowId)) return;
            try {
                JsonNode f = get("/api/auth/flows/" + Action.segment(flowId), "OAuth sign-in").tree();
                String status = f.path("status").asText("pending");
                if (!status.equals("pending")) {
                    post(new TuiEvent.SignInState(flowId, status, f.path("error").asText("")));
                    return;
                }
            } catch (RuntimeException e) {
                // the next poll tries again; the daemon's own expiry ends the flow
            }
        }
    }

    /** A read with a short timeout: a poll never waits long on a daemon that hangs. */
    private DaemonClient.Reply get(String path, String feature) {
        return client.call("GET", path, null, feature, READ_TIMEOUT);
    }

    private static String account(String id) { return "/api/accounts/" + Action.segment(id); }

    private void action(String done, String method, String path, Object body) {
        Thread.ofVirtual().start(() -> {
            try {
                client.call(method, path, body, "account changes");
                post(new TuiEvent.ActionDone(done, true));
            } catch (RuntimeException e) {
                post(new TuiEvent.ActionDone("failed: " + e.getMessage(), false));
            }
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

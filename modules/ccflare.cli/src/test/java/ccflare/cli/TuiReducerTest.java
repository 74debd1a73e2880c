package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.protocol.AccountView;
import ccflare.protocol.Json;
import ccflare.protocol.RequestSummary;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reducer and the renderer as pure functions: fixed models, fixed screen sizes, no I/O. */
class TuiReducerTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    static List<AccountView> accounts() {
        return Arrays.asList(Json.read(Samples.ACCOUNTS.getBytes(StandardCharsets.UTF_8), AccountView[].class));
    }

    static List<RequestSummary> requests() {
        return Arrays.asList(Json.read(Samples.REQUESTS.getBytes(StandardCharsets.UTF_8), RequestSummary[].class));
    }

    static TuiModel apply(TuiModel m, TuiEvent... events) {
        for (TuiEvent e : events) m = TuiReducer.apply(m, e).model();
        return m;
    }

    static TuiEvent.Pressed ch(char c) { return TuiEvent.Pressed.ch(c); }

    static String screen(TuiModel m, int w, int h) {
        return TuiView.text(TuiView.frame(m, new Viewport(w, h, false, ZoneOffset.UTC)));
    }

    TuiModel loaded() {
        return apply(TuiModel.initial("/tmp/s.sock", NOW), new TuiEvent.AccountsLoaded(accounts()),
                new TuiEvent.RequestsLoaded(requests()));
    }

    @Test
    void numberKeysAndTabSwitchScreens() {
        TuiModel m = loaded();
        assertThat(apply(m, ch('2')).tab()).isEqualTo(Tab.ACCOUNTS);
        assertThat(apply(m, ch('4')).tab()).isEqualTo(Tab.LOGS);
        assertThat(apply(m, TuiEvent.Pressed.of(Key.TAB), TuiEvent.Pressed.of(Key.TAB)).tab()).isEqualTo(Tab.REQUESTS);
        assertThat(TuiReducer.apply(m, ch('q')).effects()).containsExactly(new TuiEffect.Quit());
        assertThat(TuiReducer.apply(m, TuiEvent.Pressed.of(Key.CTRL_C)).effects()).containsExactly(new TuiEffect.Quit());
    }

    @Test
    void pauseKeyAsksToPauseTheSelectedAccountAndResumeForAPausedOne() {
        TuiModel m = apply(loaded(), ch('2'));
        assertThat(TuiReducer.apply(m, ch('p')).effects()).containsExactly(new TuiEffect.Pause("a1", "work"));
        TuiModel second = apply(m, TuiEvent.Pressed.of(Key.DOWN));
        assertThat(TuiReducer.apply(second, ch('p')).effects()).containsExactly(new TuiEffect.Resume("a2", "personal-max"));
        assertThat(TuiReducer.apply(second, ch('+')).effects()).containsExactly(new TuiEffect.SetPriority("a2", "personal-max", 6));
    }

    @Test
    void removeNeedsTheNameTypedExactly() {
        TuiModel m = apply(loaded(), ch('2'), ch('d'));
        assertThat(m.overlay()).isInstanceOf(TuiModel.Overlay.Prompt.class);
        TuiModel typedWrong = apply(m, ch('w'), ch('o'));
        var wrong = TuiReducer.apply(typedWrong, TuiEvent.Pressed.of(Key.ENTER));
        assertThat(wrong.effects()).isEmpty();
        assertThat(wrong.model().notice()).contains("not removed");
        var right = TuiReducer.apply(apply(m, ch('w'), ch('o'), ch('r'), ch('k')), TuiEvent.Pressed.of(Key.ENTER));
        assertThat(right.effects()).containsExactly(new TuiEffect.Remove("a1", "work"));
        assertThat(TuiReducer.apply(m, TuiEvent.Pressed.of(Key.ESC)).model().overlay()).isInstanceOf(TuiModel.Overlay.None.class);
    }

    @Test
    void addingAnApiKeyAccountNeverShowsTheKey() {
        TuiModel m = apply(loaded(), ch('2'), ch('a'), ch('n'), ch('e'), ch('w'), TuiEvent.Pressed.of(Key.ENTER));
        for (char c : "sk-secret".toCharArray()) m = apply(m, ch(c));
        assertThat(screen(m, 100, 20)).doesNotContain("sk-secret").contains("*********");
        var step = TuiReducer.apply(m, TuiEvent.Pressed.of(Key.ENTER));
        assertThat(step.effects()).containsExactly(new TuiEffect.AddApiKey("new", "sk-secret"));
        assertThat(step.effects().toString()).doesNotContain("sk-secret");
    }

    @Test
    void liveRequestsAreBoundedAndNewestFirst() {
        TuiModel m = loaded();
        RequestSummary template = requests().getFirst();
        for (int i = 0; i < TuiModel.MAX_REQUESTS + 50; i++) {
            m = apply(m, new TuiEvent.RequestRecorded(withId(template, "live-" + i)));
        }
        assertThat(m.requests().rows()).hasSize(TuiModel.MAX_REQUESTS);
        assertThat(m.requests().rows().getFirst().id()).isEqualTo("live-" + (TuiModel.MAX_REQUESTS + 49));
        for (int i = 0; i < TuiModel.MAX_LOG_LINES + 10; i++) {
            m = apply(m, new TuiEvent.Logged(new TuiEvent.LogLine(NOW, "INFO", "x", "line " + i)));
        }
        assertThat(m.logs().lines()).hasSize(TuiModel.MAX_LOG_LINES);
    }

    @Test
    void logsPauseFreezesAndFilterSelects() {
        TuiModel m = apply(loaded(), ch('4'), new TuiEvent.Logged(new TuiEvent.LogLine(NOW, "INFO", "ccflare.proxy", "alpha one")),
                new TuiEvent.Logged(new TuiEvent.LogLine(NOW, "ERROR", "ccflare.proxy", "beta two")));
        TuiModel paused = apply(m, ch(' '), new TuiEvent.Logged(new TuiEvent.LogLine(NOW, "INFO", "x", "gamma three")));
        assertThat(screen(paused, 80, 10)).contains("paused (1 new)").contains("beta two").doesNotContain("gamma three");
        TuiModel filtered = apply(m, ch('/'), ch('a'), ch('l'), ch('p'), TuiEvent.Pressed.of(Key.ENTER));
        assertThat(screen(filtered, 80, 10)).contains("alpha one").doesNotContain("beta two");
    }

    @Test
    void framesHaveExactlyTheSizeAskedForAtEverySize() {
        TuiModel m = apply(loaded(), new TuiEvent.Connected(Json.read(Samples.HEALTH.getBytes(StandardCharsets.UTF_8),
                ccflare.protocol.HealthView.class), 8181));
        for (Tab t : Tab.values()) {
            for (int[] size : new int[][] {{80, 24}, {40, 10}, {132, 50}, {20, 5}}) {
                var frame = TuiView.frame(m.withTab(t), new Viewport(size[0], size[1], true, ZoneOffset.UTC));
                assertThat(frame).as(t + " " + size[0] + "x" + size[1]).hasSize(size[1]);
                assertThat(frame).allSatisfy(l -> assertThat(l.columnLength()).isLessThanOrEqualTo(size[0]));
            }
        }
    }

    @Test
    void screensShowTheirContentAndKeys() {
        TuiModel m = apply(loaded(), new TuiEvent.Connected(Json.read(Samples.HEALTH.getBytes(StandardCharsets.UTF_8),
                ccflare.protocol.HealthView.class), 8181));
        String overview = screen(m, 120, 30);
        assertThat(overview).contains("● connected").contains("0.1.0").contains("port 8181").contains("←/→ range");
        String accounts = screen(m.withTab(Tab.ACCOUNTS), 120, 30);
        assertThat(accounts).contains("work").contains("personal-max").contains("paused").contains("cooling 3m")
                .contains("p pause/resume");
        String reqs = screen(m.withTab(Tab.REQUESTS), 120, 30);
        assertThat(reqs).contains("claude-sonnet-4-5").contains("429").contains("Enter details");
        String help = screen(apply(m, ch('?')), 120, 30);
        assertThat(help).contains("2 Accounts: ").contains("d remove").contains("Space pause");
        String down = screen(apply(m, new TuiEvent.Disconnected("no daemon answers", NOW)), 120, 30);
        assertThat(down).contains("disconnected").contains("no daemon answers");
    }

    @Test
    void plainViewportWritesNoColour() {
        TuiModel m = loaded().withTab(Tab.ACCOUNTS);
        var plain = TuiView.frame(m, new Viewport(100, 20, false, ZoneOffset.UTC));
        for (var l : plain) assertThat(l.toAnsi()).doesNotContain("\u001b[3").doesNotContain("\u001b[4");
        var coloured = TuiView.frame(m, new Viewport(100, 20, true, ZoneOffset.UTC));
        assertThat(coloured.stream().map(l -> l.toAnsi()).toList().toString()).contains("\u001b[");
    }

    @Test
    void enterOpensTheDetailAndEscClosesIt() {
        TuiModel m = apply(loaded(), ch('3'));
        var step = TuiReducer.apply(m, TuiEvent.Pressed.of(Key.ENTER));
        assertThat(step.effects()).containsExactly(new TuiEffect.FetchDetail("r2"));
        assertThat(screen(step.model(), 80, 10)).contains("loading");
        TuiModel closed = apply(step.model(), TuiEvent.Pressed.of(Key.ESC));
        assertThat(closed.requests().openId()).isNull();
        assertThat(TuiReducer.apply(closed, TuiEvent.Pressed.of(Key.ESC)).effects()).containsExactly(new TuiEffect.Quit());
    }

    @Test
    void sseBodiesAreDecodedToText() {
        String body = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}\n\n";
        assertThat(RequestDetailPane.sseText(body)).isEqualTo("Hello");
    }

    static RequestSummary withId(RequestSummary s, String id) {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.tree(Json.write(s));
        node.put("id", id);
        return Json.convert(node, RequestSummary.class);
    }

    /** Renders every screen at 100x24; with -Dtui.captures=DIR also writes them as docs/images/tui-*.txt. */
    @Test
    void capturesOfEveryScreen() throws Exception {
        TuiModel m = apply(loaded(), new TuiEvent.Connected(Json.read(Samples.HEALTH.getBytes(StandardCharsets.UTF_8),
                        ccflare.protocol.HealthView.class), 8181),
                new TuiEvent.StatsLoaded(Json.read(Samples.STATS.getBytes(StandardCharsets.UTF_8), ccflare.protocol.StatsView.class)),
                new TuiEvent.LogsLoaded(List.of(new TuiEvent.LogLine(NOW, "INFO", "ccflare.server", "listening on 127.0.0.1:8181"),
                        new TuiEvent.LogLine(NOW.plusSeconds(5), "WARN", "ccflare.proxy", "account 'team' rate limited"),
                        new TuiEvent.LogLine(NOW.plusSeconds(9), "ERROR", "ccflare.proxy", "upstream 529 overloaded"))));
        m = apply(m, new TuiEvent.AnalyticsLoaded("24h", Json.read(("{\"meta\":{\"range\":\"24h\",\"bucket\":\"1h\"},"
                + "\"totals\":{\"requests\":1234,\"successRate\":98,\"totalTokens\":1234567,\"totalCostUsd\":0.0123,"
                + "\"avgResponseTime\":1234,\"p50ResponseTime\":980,\"p95ResponseTime\":3100,\"avgTokensPerSecond\":45.2},\"timeSeries\":[{\"ts\":1,\"requests\":3},{\"ts\":2,\"requests\":9},"
                + "{\"ts\":3,\"requests\":5},{\"ts\":4,\"requests\":12}],\"tokenBreakdown\":{\"inputTokens\":1000,"
                + "\"cacheReadInputTokens\":2000,\"cacheCreationInputTokens\":300,\"outputTokens\":400}}").getBytes(StandardCharsets.UTF_8),
                ccflare.protocol.AnalyticsView.class)));
        String dir = System.getProperty("tui.captures");
        for (Tab t : Tab.values()) {
            String text = screen(m.withTab(t), 100, 24);
            assertThat(text.lines().count()).isEqualTo(24);
            if (dir != null) {
                java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "tui-" + t.name().toLowerCase(java.util.Locale.ROOT) + ".txt"), text);
            }
        }
        assertThat(screen(m, 100, 24)).contains("p50 980ms", "p95 3.1s");
        TuiModel signIn = apply(m.withTab(Tab.ACCOUNTS), ch('o'));
        signIn = apply(type(signIn, "max-two"), TuiEvent.Pressed.of(Key.ENTER));
        signIn = apply(type(signIn, "1"), TuiEvent.Pressed.of(Key.ENTER));
        signIn = apply(signIn, new TuiEvent.SignInStarted("f1", "https://claude.ai/oauth/authorize?code=true&client_id=9d1c250a-e61b-44d9"
                + "-88ed-5944d1962f5e&response_type=code&redirect_uri=https%3A%2F%2Fplatform.claude.com%2Foauth%2Fcode%2Fcallback"
                + "&scope=org%3Acreate_api_key+user%3Aprofile+user%3Ainference&code_challenge=Jq3TzQ0v8e5aX2m1rB7kP9cW4dY6fH0gL2sN8uV1iOo"
                + "&code_challenge_method=S256&state=4bT9xQ2mL7vR1cK8pZ3wN6yF0hJ5sD2gA9eU4iO7tMq",
                "Open the URL, sign in to Claude, and paste the code shown afterwards (CODE#STATE) to complete the sign-in within"
                        + " 10 minutes.", "12:10"));
        String signInText = screen(type(signIn, "abc"), 100, 24);
        assertThat(signInText).contains("Adding the claude-code account max-two", "Code (CODE#STATE", "***");
        TuiModel offer = apply(TuiModel.initial("/run/user/1000/ccflare/ccflare.sock", NOW),
                new TuiEvent.Disconnected("no ccflare daemon answers at /run/user/1000/ccflare/ccflare.sock (socket missing)", NOW),
                new TuiEvent.OfferStart("/opt/ccflare/current/bin/ccflare"));
        if (dir != null) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "tui-help.txt"), screen(apply(m, ch('?')), 100, 24));
            java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "tui-signin.txt"), signInText);
            java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "tui-start-daemon.txt"), screen(offer, 100, 24));
        }
    }

    static TuiModel type(TuiModel m, String text) {
        for (char c : text.toCharArray()) m = apply(m, ch(c));
        return m;
    }

    @Test
    void aSubscriptionSignInRunsFromNameToProviderToUrlToCode() {
        TuiModel m = apply(loaded(), ch('2'), ch('o'));
        m = type(m, "maxi");
        var toProvider = TuiReducer.apply(m, TuiEvent.Pressed.of(Key.ENTER));
        assertThat(toProvider.effects()).isEmpty();
        m = type(toProvider.model(), "3");
        TuiReducer.Step refused = TuiReducer.apply(m, TuiEvent.Pressed.of(Key.ENTER));
        assertThat(refused.effects()).isEmpty();
        assertThat(refused.model().notice()).isEqualTo("not added: '3' is not 1 (claude-code) or 2 (codex)");

        m = type(apply(toProvider.model()), "2");
        TuiReducer.Step started = TuiReducer.apply(m, TuiEvent.Pressed.of(Key.ENTER));
        assertThat(started.effects()).containsExactly(new TuiEffect.StartSignIn("codex", "maxi", ""));
        m = apply(started.model(), TuiEvent.Pressed.of(Key.ENTER));
        assertThat(m.notice()).isEqualTo("the sign-in has not started yet");
        m = apply(m, new TuiEvent.SignInStarted("f1", "https://auth.example/" + "x".repeat(150), "Open it.", "12:10"));
        String shown = screen(m, 80, 24);
        assertThat(shown).contains("Adding the codex account maxi", "Open it.", "https://auth.example/xxx", "Waiting for the sign-in (until 12:10)");
        TuiReducer.Step alone = TuiReducer.apply(m, TuiEvent.Pressed.of(Key.TAB));
        assertThat(alone.effects()).containsExactly(new TuiEffect.ShowUrl("https://auth.example/" + "x".repeat(150)));
        TuiReducer.Step back = TuiReducer.apply(alone.model(), ch('z'));
        assertThat(back.effects()).containsExactly(new TuiEffect.HideUrl());
        assertThat(back.model().overlay()).isEqualTo(m.overlay());
        m = type(m, "c0de#st");
        assertThat(screen(m, 80, 24)).contains("*******").doesNotContain("c0de#st");
        TuiReducer.Step finish = TuiReducer.apply(m, TuiEvent.Pressed.of(Key.ENTER));
        assertThat(finish.effects()).containsExactly(new TuiEffect.CompleteSignIn("codex", "f1", "c0de#st"));
        assertThat(finish.effects().getFirst().toString()).doesNotContain("c0de");
        m = apply(finish.model(), new TuiEvent.SignInFailed("state does not match"));
        assertThat(m.overlay()).isInstanceOfSatisfying(TuiModel.Overlay.SignIn.class, s -> assertThat(s.input()).isEmpty());
        assertThat(apply(m, new TuiEvent.SignInState("other", "completed", "")).overlay()).isEqualTo(m.overlay());
        TuiReducer.Step done = TuiReducer.apply(m, new TuiEvent.SignInState("f1", "completed", ""));
        assertThat(done.model().overlay()).isEqualTo(new TuiModel.Overlay.None());
        assertThat(done.model().notice()).isEqualTo("maxi added");
        assertThat(done.effects()).containsExactly(new TuiEffect.Refresh("24h"));
        assertThat(apply(m, new TuiEvent.SignInState("f1", "expired", "this sign-in expired")).notice())
                .isEqualTo("sign-in of maxi expired: this sign-in expired");
    }

    @Test
    void signInAgainIsForSubscriptionsOnlyAndASignInThatCannotStartSaysWhy() {
        TuiModel m = apply(loaded(), ch('2'));
        TuiReducer.Step keyed = TuiReducer.apply(m, ch('S'));
        assertThat(keyed.effects()).isEmpty();
        assertThat(keyed.model().notice()).isEqualTo("work uses an API key: there is no sign-in to renew");
        TuiReducer.Step again = TuiReducer.apply(apply(m, TuiEvent.Pressed.of(Key.DOWN)), ch('S'));
        assertThat(again.effects()).containsExactly(new TuiEffect.StartSignIn("claude-code", "personal-max", "a2"));
        assertThat(screen(again.model(), 80, 24)).contains("Signing personal-max (claude-code) in again");
        TuiModel failed = apply(again.model(), new TuiEvent.SignInFailed("OAuth sign-in is not configured"));
        assertThat(failed.overlay()).isEqualTo(new TuiModel.Overlay.None());
        assertThat(failed.notice()).isEqualTo("sign-in not started: OAuth sign-in is not configured");
        assertThat(apply(again.model(), TuiEvent.Pressed.of(Key.ESC)).notice()).isEqualTo("sign-in cancelled (it expires by itself)");
    }

    @Test
    void downAtTheLastRowAsksForTheOlderPageWhichIsAppendedOnlyWhenItStillFits() {
        TuiModel m = apply(loaded(), ch('3'), ch('G'));
        String last = m.requests().rows().getLast().id();
        TuiReducer.Step ask = TuiReducer.apply(m, TuiEvent.Pressed.of(Key.DOWN));
        assertThat(ask.effects()).containsExactly(new TuiEffect.FetchOlder(last));
        RequestSummary old = requests().getFirst();
        var older = Json.tree(Json.write(old));
        ((com.fasterxml.jackson.databind.node.ObjectNode) older).put("id", "old-1");
        RequestSummary oldRow = Json.convert(older, RequestSummary.class);
        TuiModel appended = apply(ask.model(), new TuiEvent.OlderLoaded(last, List.of(oldRow)));
        assertThat(appended.requests().rows().getLast().id()).isEqualTo("old-1");
        assertThat(appended.requests().selected().orElseThrow().id()).isEqualTo("old-1");
        assertThat(apply(ask.model(), new TuiEvent.OlderLoaded("stale", List.of(oldRow))).requests().rows())
                .isEqualTo(m.requests().rows());
        assertThat(apply(ask.model(), new TuiEvent.OlderLoaded(last, List.of())).notice()).isEqualTo("no older requests");
    }

    @Test
    void pagingPastTheCapSlidesTheWindowAndUpAtTheTopReturnsToTheNewest() {
        TuiModel m = apply(loaded(), ch('3'));
        // Page back until the window holds exactly MAX_REQUESTS rows (pages of at most 200, as the shell asks).
        int page = 0;
        while (m.requests().rows().size() < TuiModel.MAX_REQUESTS) {
            String last = m.requests().rows().getLast().id();
            int n = Math.min(200, TuiModel.MAX_REQUESTS - m.requests().rows().size());
            m = apply(m, new TuiEvent.OlderLoaded(last, rows("p" + (page++) + "-", n)));
        }
        assertThat(m.requests().newer()).isZero();
        String newestShown = m.requests().rows().getFirst().id();
        // One more page: the newest 200 leave, the window stays at MAX_REQUESTS, the selection on the same row.
        m = apply(m, ch('G'));
        String selectedBefore = m.requests().selected().orElseThrow().id();
        TuiReducer.Step ask = TuiReducer.apply(m, TuiEvent.Pressed.of(Key.DOWN));
        assertThat(ask.effects()).containsExactly(new TuiEffect.FetchOlder(selectedBefore));
        TuiModel slid = apply(ask.model(), new TuiEvent.OlderLoaded(selectedBefore, rows("beyond-", 200)));
        assertThat(slid.requests().rows()).hasSize(TuiModel.MAX_REQUESTS);
        assertThat(slid.requests().rows().getLast().id()).isEqualTo("beyond-199");
        assertThat(slid.requests().rows()).extracting(RequestSummary::id).doesNotContain(newestShown);
        assertThat(slid.requests().newer()).isEqualTo(200);
        assertThat(slid.requests().selected().orElseThrow().id()).isEqualTo("beyond-0");
        assertThat(slid.notice()).contains("the 200 newest are left out");
        // Live rows while paged back are counted, not inserted, and the screen says so.
        RequestSummary live = rows("live-", 1).getFirst();
        TuiModel counted = apply(slid, new TuiEvent.RequestStarted("live-0", NOW, "POST", "/v1/messages"), new TuiEvent.RequestRecorded(live));
        assertThat(counted.requests().rows()).isEqualTo(slid.requests().rows());
        assertThat(counted.requests().inFlight()).isEmpty();
        assertThat(counted.requests().newer()).isEqualTo(201);
        assertThat(screen(counted, 160, 30))
                .contains("201 newer requests not shown");
        // ↑ at the top row asks for the newest page; it replaces the window and live rows are added again.
        TuiModel top = apply(counted, ch('g'));
        assertThat(top.requests().cursor()).isZero();
        TuiReducer.Step newest = TuiReducer.apply(top, TuiEvent.Pressed.of(Key.UP));
        assertThat(newest.effects()).containsExactly(new TuiEffect.FetchNewest());
        TuiModel back = apply(newest.model(), new TuiEvent.NewestLoaded(List.of(live)));
        assertThat(back.requests().newer()).isZero();
        assertThat(back.requests().rows()).extracting(RequestSummary::id).containsExactly("live-0");
        assertThat(apply(back, new TuiEvent.RequestRecorded(rows("live-next-", 1).getFirst())).requests().rows()).hasSize(2);
        // At the newest, ↑ at the top asks for nothing.
        assertThat(TuiReducer.apply(back, TuiEvent.Pressed.of(Key.UP)).effects()).isEmpty();
    }

    /** {@code n} request rows with ids {@code prefix0…}, shaped like the first sample. */
    private static List<RequestSummary> rows(String prefix, int n) {
        List<RequestSummary> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.tree(Json.write(requests().getFirst()));
            node.put("id", prefix + i);
            out.add(Json.convert(node, RequestSummary.class));
        }
        return out;
    }

    @Test
    void theOfferToStartADaemonIsAskedOnceAndOnlyYStartsIt() {
        TuiModel down = apply(TuiModel.initial("/tmp/s.sock", NOW), new TuiEvent.Disconnected("socket missing", NOW));
        TuiModel asked = apply(down, new TuiEvent.OfferStart("/opt/ccflare/bin/ccflare"));
        assertThat(screen(asked, 80, 24)).contains("No ccflare daemon answers.", "/opt/ccflare/bin/ccflare", "Start a daemon now?");
        TuiReducer.Step yes = TuiReducer.apply(asked, ch('y'));
        assertThat(yes.effects()).containsExactly(new TuiEffect.StartDaemon());
        assertThat(yes.model().daemon().note()).isEqualTo("starting /opt/ccflare/bin/ccflare…");
        TuiReducer.Step no = TuiReducer.apply(asked, ch('n'));
        assertThat(no.effects()).isEmpty();
        assertThat(no.model().overlay()).isEqualTo(new TuiModel.Overlay.None());
        assertThat(screen(no.model(), 100, 24)).contains("no daemon: start one with ccflare");
        TuiModel up = apply(TuiModel.initial("/tmp/s.sock", NOW), new TuiEvent.Connected(null, 0));
        assertThat(apply(up, new TuiEvent.OfferStart("x")).overlay()).as("a daemon answers: nothing to offer")
                .isEqualTo(new TuiModel.Overlay.None());
    }

    @Test
    void startPlanOffersTheImagesLauncherUnlessAServiceIsInstalled() {
        java.nio.file.Path home = java.nio.file.Path.of("/home/u");
        List<java.nio.file.Path> units = StartPlan.unitPaths(java.util.Map.of(), home);
        assertThat(units).contains(home.resolve(".config/systemd/user/ccflare.service"),
                java.nio.file.Path.of("/etc/systemd/system/ccflare.service"));
        assertThat(StartPlan.unitPaths(java.util.Map.of("XDG_CONFIG_HOME", "/cfg"), home))
                .contains(java.nio.file.Path.of("/cfg/systemd/user/ccflare.service"));
        var image = java.util.Optional.of(java.nio.file.Path.of("/opt/ccflare"));
        assertThat(StartPlan.decide(image, units, p -> false, p -> p.toString().equals("/opt/ccflare/bin/ccflare")))
                .isEqualTo(new StartPlan.Offer(java.nio.file.Path.of("/opt/ccflare/bin/ccflare")));
        assertThat(StartPlan.decide(image, units, p -> p.equals(home.resolve(".config/systemd/user/ccflare.service")), p -> true))
                .isInstanceOfSatisfying(StartPlan.Service.class, s -> assertThat(s.hint()).endsWith("systemctl --user start ccflare"));
        assertThat(StartPlan.decide(image, units, p -> p.startsWith("/etc"), p -> true))
                .isInstanceOfSatisfying(StartPlan.Service.class, s -> assertThat(s.hint()).endsWith("systemctl start ccflare"));
        assertThat(StartPlan.decide(java.util.Optional.empty(), units, p -> false, p -> true)).isInstanceOf(StartPlan.Unavailable.class);
        assertThat(StartPlan.decide(image, units, p -> false, p -> false)).isInstanceOf(StartPlan.Unavailable.class);
    }

    @Test
    void theAccountsTableShowsEachAccountsCostFromTheStatistics() {
        TuiModel m = apply(loaded(), ch('2'), new TuiEvent.StatsLoaded(Json.read(Samples.STATS.getBytes(StandardCharsets.UTF_8),
                ccflare.protocol.StatsView.class)));
        String shown = screen(m, 140, 24);
        assertThat(shown).contains("COST");
        assertThat(shown.lines().filter(l -> l.contains("work")).findFirst().orElseThrow()).contains("$0.0117");
    }
}

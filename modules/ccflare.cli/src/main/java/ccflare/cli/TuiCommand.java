package ccflare.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Optional;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;

/** {@code ccflarectl tui}: the full-screen terminal UI over the admin socket. */
@Command(name = "tui", description = {"A full-screen terminal UI: overview, accounts, requests and logs, live.",
        "Screens: 1 Overview, 2 Accounts, 3 Requests, 4 Logs (Tab cycles); ? lists every key; q quits.",
        "When no daemon answers, it offers to start the image's bin/ccflare as its child (stopped on exit);"
                + " never when a ccflare systemd unit is installed."})
final class TuiCommand extends Action {

    /**
     * JLine's FFM terminal, else its exec one (stty): naming them saves loading and probing the
     * providers the image does not use (JNI) at every start.
     */
    private static final String PROVIDERS = "ffm,exec";

    /**
     * Grapheme-cluster mode (DEC mode 2027) off, without asking: left to itself, JLine probes for
     * it while building the terminal (a DECRQM query and cursor-position reports), which waits for
     * the terminal's answers, a round trip each over SSH and its whole timeout where no answer
     * comes: 0.52-0.61 s to the first frame in a pseudo-terminal that does not answer, 0.33-0.39 s
     * without the probe. The screens measure widths code point by code point, as a terminal out of
     * that mode (tmux among them) draws them.
     */
    private static final boolean GRAPHEME_CLUSTERS = false;

    /**
     * The first frame needs both the terminal and the daemon's answers. Building JLine's FFM
     * terminal (its native call stubs are generated at every start) and starting the HTTP client
     * are independent, so the client starts on a thread of its own meanwhile.
     */
    @Override
    void run() throws Exception {
        DaemonClient client = new DaemonClient(root().socketPath());
        Thread.ofVirtual().name("tui-warm").start(client::warm);
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("ccflarectl").providers(PROVIDERS)
                .graphemeCluster(GRAPHEME_CLUSTERS).build()) {
            String noColor = io().env().get("NO_COLOR");
            boolean colour = (noColor == null || noColor.isEmpty()) && !Terminal.TYPE_DUMB.equals(terminal.getType());
            Optional<Path> image = Optional.ofNullable(System.getProperty("ccflare.home")).filter(h -> !h.isBlank()).map(Path::of);
            StartPlan plan = StartPlan.decide(image, StartPlan.unitPaths(io().env(), io().home()), Files::exists, Files::isExecutable);
            new TuiShell(terminal, client, colour, ZoneId.systemDefault(), io().clock(), plan).run();
        } finally {
            client.close();
        }
    }
}

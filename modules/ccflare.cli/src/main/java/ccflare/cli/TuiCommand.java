package ccflare.cli;

import java.time.ZoneId;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;

/** {@code ccflarectl tui}: the full-screen terminal UI over the admin socket. */
@Command(name = "tui", description = {"A full-screen terminal UI: overview, accounts, requests and logs, live.",
        "Screens: 1 Overview, 2 Accounts, 3 Requests, 4 Logs (Tab cycles); ? lists every key; q quits."})
final class TuiCommand extends Action {

    @Override
    void run() throws Exception {
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("ccflarectl").build()) {
            String noColor = io().env().get("NO_COLOR");
            boolean colour = (noColor == null || noColor.isEmpty()) && !Terminal.TYPE_DUMB.equals(terminal.getType());
            new TuiShell(terminal, root().socketPath(), colour, ZoneId.systemDefault(), io().clock()).run();
        }
    }
}

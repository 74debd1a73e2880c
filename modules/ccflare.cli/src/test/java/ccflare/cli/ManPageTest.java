package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ManPageTest {

    @Test
    void theRoffPageNamesEveryCommandTheExitStatusAndTheEnvironment() {
        String page = ManPage.render(CtlCommand.commandLine(new CtlCommand()).getCommandSpec());
        assertThat(page).startsWith(".\\\" Generated").contains(".TH CCFLARECTL 1", ".SH NAME", ".SH SYNOPSIS",
                ".SH \"EXIT STATUS\"", ".SH \"ENVIRONMENT\"", "CCFLARE_SOCKET_PATH");
        for (String c : new String[] {"status", "list", "add [options] NAME", "remove [options] NAME", "pause NAME",
                "resume NAME", "rename NAME NEW", "priority NAME N", "stats", "requests [options]", "logs [options]",
                "reset\\-stats", "clear\\-history", "analyze", "import", "config get [KEY]", "config set KEY VALUE", "dashboard"}) {
            assertThat(page).contains(".SS \"ccflarectl " + c);
        }
        // The hidden --api-key refusal is not advertised; every line is valid roff (no stray control lines).
        assertThat(page).doesNotContain("\\fB\\-\\-api\\-key\\fR");
        assertThat(page.lines().filter(l -> l.startsWith(".") || l.startsWith("'"))
                .allMatch(l -> l.matches("^\\.(\\\\\"|TH|SH|SS|TP|PP|B)( .*)?$"))).isTrue();
    }

    @Test
    void theBashCompletionOffersTheProvidersAfterProvider() {
        String script = picocli.AutoComplete.bash("ccflarectl", CtlCommand.commandLine(new CtlCommand()));
        assertThat(script).contains("(\"anthropic\" \"openai\" \"claude-code\" \"codex\") # --provider values");
    }

    @Test
    void escapingKeepsHyphensLiteralAndStopsControlLines() {
        assertThat(ManPage.escape("--socket")).isEqualTo("\\-\\-socket");
        assertThat(ManPage.escape(".hidden")).isEqualTo("\\&.hidden");
        assertThat(ManPage.escape("a\\b")).isEqualTo("a\\eb");
    }
}

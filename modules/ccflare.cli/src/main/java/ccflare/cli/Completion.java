package ccflare.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * What shell completion asks the daemon at the moment a user presses Tab: the account names and
 * the setting names. {@code ccflarectl __complete accounts|settings} (hidden from the help and
 * the man page) prints them one a line, and prints nothing, with status 0, when no daemon
 * answers — a completion must never print an error into the command line being typed.
 *
 * <p>The parameters that take an account name or a setting name carry {@link Accounts} or
 * {@link Settings} as their picocli completion candidates. picocli's bash generator writes the
 * one candidate, a command substitution, into the script, where bash runs it each time; the zsh
 * and fish generators ({@link ShellScripts}) recognise the two classes.
 */
@Command(name = "__complete", hidden = true, description = "Print account or setting names for shell completion.")
final class Completion extends Action {

    /** The command substitution the scripts run: {@code ccflarectl} as installed on the PATH. */
    static String asked(String what) { return "$(ccflarectl __complete " + what + " 2>/dev/null)"; }

    /** Completion candidates of a parameter that takes an account name. */
    static final class Accounts implements Iterable<String> {
        @Override
        public Iterator<String> iterator() { return List.of(asked("accounts")).iterator(); }
    }

    /** Completion candidates of a parameter that takes a setting name. */
    static final class Settings implements Iterable<String> {
        @Override
        public Iterator<String> iterator() { return List.of(asked("settings")).iterator(); }
    }

    @Parameters(paramLabel = "WHAT", description = "accounts or settings")
    String what;

    @Override
    void run() {
        List<String> names = new ArrayList<>();
        try {
            switch (what) {
                case "accounts" -> {
                    for (JsonNode a : daemon().get("/api/accounts", "accounts").tree()) names.add(a.path("name").asText());
                }
                case "settings" -> daemon().get("/api/config", "reading the configuration").tree().fieldNames().forEachRemaining(names::add);
                default -> throw Failure.usage("__complete takes accounts or settings, not '" + what + "'");
            }
        } catch (Failure f) {
            if (f.exitCode() == ExitCode.USAGE) throw f;
            return; // no daemon, or it refused: nothing to offer
        }
        names.sort(null);
        for (String n : names) out().println(n);
    }
}

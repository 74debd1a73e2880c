package ccflare.cli;

import ccflare.protocol.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand: runs, prints, and returns normally for exit 0 or throws {@link Failure}.
 * Gives access to the root command's {@link Io}, daemon client and {@code --json} flag.
 */
abstract class Action implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        run();
        return ExitCode.OK.code;
    }

    abstract void run() throws Exception;

    CtlCommand root() { return (CtlCommand) spec.root().userObject(); }

    Io io() { return root().io(); }

    PrintStream out() { return io().out(); }

    boolean json() { return root().json; }

    boolean colour() { return io().colour(); }

    DaemonClient daemon() { return root().daemon(); }

    /** Prints the API's JSON as it came, on one line. */
    void printJson(byte[] body) {
        out().println(new String(body, StandardCharsets.UTF_8).strip());
    }

    void printJson(JsonNode node) {
        out().println(Json.writeString(node));
    }

    /** A name or id as one percent-encoded path segment. */
    static String segment(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                  .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    /** The {@code message} of an action result, or {@code fallback}. */
    static String message(JsonNode result, String fallback) {
        JsonNode m = result.path("message");
        return m.isTextual() && !m.asText().isBlank() ? m.asText() : fallback;
    }
}

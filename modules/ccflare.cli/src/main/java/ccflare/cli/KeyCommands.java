package ccflare.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ccflarectl keys create|list|revoke}: the client keys a shared proxy requires on {@code /v1/**}. */
final class KeyCommands {

    private KeyCommands() {}

    @Command(name = "keys", description = {
            "Client keys of a shared proxy: once any is defined, every /v1 request needs one",
            "(as x-api-key or Authorization: Bearer)."},
            subcommands = {KeyCommands.Create.class, KeyCommands.ListKeys.class, KeyCommands.Revoke.class})
    static final class Keys extends Action {
        @Override
        void run() {
            throw Failure.usage("keys: expected a subcommand: create, list or revoke");
        }
    }

    @Command(name = "create", description = {"Make a client key and print it, once: only its hash is kept."})
    static final class Create extends Action {
        @Parameters(paramLabel = "NAME", description = "A name for whom or what the key is for (letters, digits, . _ -).")
        String name;

        @Option(names = "--expires", paramLabel = "WHEN", description = "Stop working after an age (90m, 12h, 30d) or at an ISO-8601 instant.")
        String expires;

        @Option(names = "--rpm", paramLabel = "N", description = "At most N requests per minute (429 beyond).")
        Integer rpm;

        @Option(names = "--daily-usd", paramLabel = "X", description = "At most X US dollars of spend per UTC day (429 beyond).")
        Double dailyUsd;

        @Override
        void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (expires != null) body.put("expires", expires);
            if (rpm != null) body.put("requestsPerMinute", rpm);
            if (dailyUsd != null) body.put("dailyUsd", dailyUsd);
            var reply = daemon().call("POST", "/api/keys", body, "creating client keys");
            if (json()) {
                printJson(reply.body());
                return;
            }
            JsonNode k = reply.tree();
            out().println(k.path("key").asText());
            io().err().println("Client key '" + k.path("name").asText() + "' created. It is shown only this once:"
                    + " give it to its user as ANTHROPIC_API_KEY, OPENAI_API_KEY or a Bearer token.");
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the client keys: name, status, expiry, limits (never the keys).")
    static final class ListKeys extends Action {
        @Override
        void run() {
            var reply = daemon().get("/api/keys", "listing client keys");
            if (json()) {
                printJson(reply.body());
                return;
            }
            JsonNode keys = reply.tree();
            if (keys.isEmpty()) {
                out().println("No client keys: /v1 is open to every client that passes the Host check."
                        + " Make one with: ccflarectl keys create NAME");
                return;
            }
            Instant now = io().clock().instant();
            Table t = new Table("NAME", "ID", "STATUS", "CREATED", "EXPIRES", ">RPM", ">DAILY USD");
            for (JsonNode k : keys) {
                t.row(k.path("name").asText(), k.path("id").asText(), k.path("status").asText(),
                        Display.relative(k.path("created"), now, "?"),
                        k.hasNonNull("expires") ? k.path("expires").asText() : "never",
                        k.hasNonNull("requestsPerMinute") ? k.path("requestsPerMinute").asText() : "-",
                        k.hasNonNull("dailyUsd") ? Display.cost(k.path("dailyUsd").asDouble()) : "-");
            }
            t.print(out(), colour());
        }
    }

    @Command(name = "revoke", description = {"Revoke a client key: it stops working at once.",
            "Asks for confirmation on a terminal; scripts pass --yes."})
    static final class Revoke extends Action {
        @Parameters(paramLabel = "NAME", description = "Client key name or id.")
        String name;

        @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        void run() throws IOException {
            if (!yes) {
                AccountCommands.confirm(this, "Revoke client key '" + name + "'?", "client key '" + name + "' not revoked",
                        "not revoking '" + name + "' without confirmation, and there is no terminal to ask on (pass --yes)");
            }
            var reply = daemon().call("DELETE", "/api/keys/" + segment(name), null, "revoking client keys");
            if (json()) printJson(reply.body());
            else out().println("Client key '" + reply.tree().path("name").asText(name) + "' revoked.");
        }
    }
}

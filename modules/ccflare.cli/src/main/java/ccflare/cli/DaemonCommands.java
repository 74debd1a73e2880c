package ccflare.cli;

import static ccflare.cli.Table.Tone;

import ccflare.protocol.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The daemon itself: status, analyze, config, dashboard. */
final class DaemonCommands {

    private DaemonCommands() {}

    @Command(name = "status", description = "Whether the daemon is up and healthy, with account counts.")
    static final class Status extends Action {
        @Override
        void run() {
            var health = daemon().get("/health", "health checks");
            if (json()) {
                printJson(health.body());
                return;
            }
            JsonNode h = health.tree();
            JsonNode accounts = daemon().get("/api/accounts", "listing accounts").tree();
            int paused = 0;
            int limited = 0;
            int reauth = 0;
            for (JsonNode a : accounts) {
                if (a.path("needsReauth").asBoolean()) reauth++;
                else if (a.path("paused").asBoolean()) paused++;
                else if (AccountCommands.ListAccounts.status(a).tone() == Tone.BAD) limited++;
            }
            String state = h.path("status").asText("unknown");
            Table t = new Table("", "");
            t.row("daemon", new Table.Cell("ccflare " + h.path("version").asText("?") + ", " + state, state.equals("ok") ? Tone.GOOD : Tone.WARN));
            t.row("uptime", Display.span(Duration.ofMillis(h.path("uptimeMs").asLong())));
            t.row("socket", daemon().socket());
            String db = h.path("database").asText("?");
            t.row("database", new Table.Cell(db, db.equals("ok") ? Tone.GOOD : Tone.BAD));
            t.row("accounts", accounts.size() + " (" + paused + " paused, " + limited + " rate limited, " + reauth + " need re-auth)");
            if (h.path("needsReauth").isArray() && !h.path("needsReauth").isEmpty()) {
                List<String> names = new ArrayList<>();
                h.path("needsReauth").forEach(n -> names.add(n.asText()));
                t.row("re-auth", new Table.Cell(String.join(", ", names), Tone.BAD));
            }
            t.printRows(out(), colour(), t.widths(9));
        }
    }

    @Command(name = "analyze", description = "Database size, WAL size, row counts and an integrity check, and refresh the query planner's statistics.")
    static final class Analyze extends Action {
        @Override
        void run() {
            var reply = daemon().call("POST", "/api/maintenance/analyze", null, "database analysis", DaemonClient.MAINTENANCE_TIMEOUT);
            if (json()) {
                printJson(reply.body());
                return;
            }
            Table t = new Table("", "");
            flatten("", reply.tree(), t);
            if (t.isEmpty()) out().println("Analysis done.");
            else t.printRows(out(), colour(), t.widths(0));
        }

        /** Nested objects become dotted keys; byte counts also read as KiB/MiB. */
        private static void flatten(String prefix, JsonNode node, Table t) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                var e = it.next();
                String key = prefix + e.getKey();
                JsonNode v = e.getValue();
                if (v.isObject()) {
                    flatten(key + ".", v, t);
                } else if (v.isIntegralNumber() && key.toLowerCase(Locale.ROOT).contains("bytes")) {
                    t.row(key, Display.bytes(v.asLong()) + " (" + Display.count(v.asLong()) + " bytes)");
                } else if (v.isIntegralNumber()) {
                    t.row(key, Display.count(v.asLong()));
                } else {
                    t.row(key, v.isValueNode() ? v.asText() : Json.writeString(v));
                }
            }
        }
    }

    @Command(name = "config", description = "Read or change the daemon's runtime settings.",
            subcommands = {Config.Get.class, Config.Set.class})
    static final class Config extends Action {
        @Override
        void run() {
            spec.commandLine().usage(io().err());
            throw Failure.usage("config needs a subcommand: get [KEY] or set KEY VALUE");
        }

        @Command(name = "get", description = "Print every setting, or the value of KEY.")
        static final class Get extends Action {
            @Parameters(arity = "0..1", paramLabel = "KEY", description = "A setting name, as in the config file (e.g. data_retention_days).")
            String key;

            @Override
            void run() {
                var reply = daemon().get("/api/config", "reading the configuration");
                JsonNode settings = reply.tree();
                if (key == null) {
                    if (json()) {
                        printJson(reply.body());
                        return;
                    }
                    List<String> keys = new ArrayList<>();
                    settings.fieldNames().forEachRemaining(keys::add);
                    keys.sort(null);
                    Table t = new Table("", "");
                    for (String k : keys) t.row(k, text(settings.get(k)));
                    t.printRows(out(), false, t.widths(0));
                    return;
                }
                if (!settings.has(key)) {
                    List<String> keys = new ArrayList<>();
                    settings.fieldNames().forEachRemaining(keys::add);
                    keys.sort(null);
                    throw Failure.failed("no setting named '" + key + "' (settings: " + String.join(", ", keys) + ")");
                }
                if (json()) {
                    ObjectNode one = JsonNodeFactory.instance.objectNode();
                    one.set(key, settings.get(key));
                    printJson(one);
                } else {
                    out().println(text(settings.get(key)));
                }
            }
        }

        @Command(name = "set", description = {"Change one setting. VALUE is read as JSON when it parses"
                + " (numbers, true/false, null, objects), else as a string."})
        static final class Set extends Action {
            @Parameters(index = "0", paramLabel = "KEY")
            String key;

            @Parameters(index = "1", paramLabel = "VALUE")
            String value;

            @Override
            void run() {
                ObjectNode change = JsonNodeFactory.instance.objectNode();
                change.set(key, value(value));
                var reply = daemon().call("PATCH", "/api/config", change, "changing the configuration");
                if (json()) {
                    printJson(reply.body());
                    return;
                }
                JsonNode now = reply.tree().path(key);
                out().println(key + " = " + (now.isMissingNode() ? text(change.get(key)) : text(now)));
            }

            static JsonNode value(String raw) {
                try {
                    JsonNode parsed = Json.tree(raw.getBytes(StandardCharsets.UTF_8));
                    if (!parsed.isTextual()) return parsed;
                } catch (Json.BadJsonException e) {
                    // not JSON: a plain string such as INFO
                }
                return JsonNodeFactory.instance.textNode(raw);
            }
        }

        static String text(JsonNode v) {
            return v == null || v.isNull() ? "null" : v.isValueNode() ? v.asText() : Json.writeString(v);
        }
    }

    @Command(name = "dashboard", description = {"Print the web dashboard's URL with the admin token.",
            "The token is read from the daemon when it offers it, else from admin.token beside the database."})
    static final class Dashboard extends Action {
        @Override
        void run() {
            JsonNode config = daemon().get("/api/config", "reading the configuration").tree();
            String host = first(config, "host", "HOST").map(JsonNode::asText).orElse("127.0.0.1");
            // A wildcard bind is reached through loopback; the daemon only answers loopback Host headers.
            if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isBlank()) host = "127.0.0.1";
            if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
            int port = first(config, "port", "PORT").map(JsonNode::asInt).orElse(8080);
            String base = "http://" + host + ":" + port + "/";

            Optional<String> token = tokenFromDaemon();
            Path tokenFile = tokenFile(config);
            if (token.isEmpty()) token = readToken(tokenFile);
            if (json()) {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.put("url", token.map(t -> base + "?token=" + t).orElse(base));
                o.put("tokenIncluded", token.isPresent());
                if (token.isEmpty()) o.put("tokenFile", tokenFile.toString());
                printJson(o);
                return;
            }
            if (token.isPresent()) {
                out().println(base + "?token=" + token.get());
            } else {
                out().println(base);
                io().err().println("ccflarectl: the admin token is not readable here; it is in " + tokenFile
                        + " (readable by the daemon's user). Open " + base + "?token=<that token>");
            }
        }

        private Optional<String> tokenFromDaemon() {
            try {
                JsonNode t = daemon().get("/api/admin/token", "handing out the admin token").tree().path("token");
                return t.isTextual() && !t.asText().isBlank() ? Optional.of(t.asText()) : Optional.empty();
            } catch (Failure f) {
                if (f.exitCode() == ExitCode.UNREACHABLE) throw f;
                return Optional.empty(); // older daemon: fall back to the file
            }
        }

        /** admin.token beside the database, found the way the daemon finds the database. */
        private Path tokenFile(JsonNode config) {
            Map<String, String> env = io().env();
            Optional<String> db = first(config, "db_path", "CCFLARE_DB_PATH", "dbPath").map(JsonNode::asText)
                    .or(() -> Optional.ofNullable(env.get("CCFLARE_DB_PATH")).filter(s -> !s.isBlank()));
            if (db.isPresent()) {
                Path parent = Path.of(db.get()).toAbsolutePath().getParent();
                return parent.resolve("admin.token");
            }
            String state = env.get("STATE_DIRECTORY");
            if (state != null && !state.isBlank()) return Path.of(state.split(":")[0], "admin.token");
            String data = env.get("XDG_DATA_HOME");
            Path dir = data != null && !data.isBlank() ? Path.of(data, "ccflare") : io().home().resolve(".local/share/ccflare");
            return dir.resolve("admin.token");
        }

        private static Optional<String> readToken(Path file) {
            try {
                String t = Files.readString(file, StandardCharsets.UTF_8).strip();
                return t.isEmpty() || t.contains("\n") ? Optional.empty() : Optional.of(t);
            } catch (IOException | SecurityException e) {
                return Optional.empty();
            }
        }

        private static Optional<JsonNode> first(JsonNode config, String... keys) {
            for (String k : keys) {
                JsonNode v = config.path(k);
                if (!v.isMissingNode() && !v.isNull()) return Optional.of(v);
            }
            return Optional.empty();
        }
    }
}

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
import picocli.CommandLine.Option;
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
                else if (AccountCommands.ListAccounts.status(a, io().clock().instant(), java.time.ZoneId.systemDefault()).tone() == Tone.BAD) limited++;
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
            @Parameters(arity = "0..1", paramLabel = "KEY", completionCandidates = Completion.Settings.class, description = "A setting name, as in the config file (e.g. data_retention_days).")
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
            @Parameters(index = "0", paramLabel = "KEY", completionCandidates = Completion.Settings.class)
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

    @Command(name = "dashboard", description = {"Print a one-time link that signs a browser in to the web dashboard.",
            "The link works once, within 60 seconds; the visit trades it for a session cookie,",
            "so neither the link nor the admin token stays usable in the address bar or history."})
    static final class Dashboard extends Action {
        @Option(names = "--open", description = "Also open the link in the browser ($BROWSER, else xdg-open).")
        boolean open;

        @Override
        void run() {
            JsonNode login = daemon().post("/api/dashboard/login", Map.of(), "issuing dashboard login links").tree();
            String url = login.path("url").asText();
            String expiresAt = login.path("expiresAt").asText();
            if (url.isBlank()) throw Failure.failed("the daemon answered without a login link: " + Json.writeString(login));
            if (json()) {
                printJson(login);
            } else {
                out().println(url);
                io().err().println("ccflarectl: the link signs in one browser, once, until " + localTime(expiresAt)
                        + "; run ccflarectl dashboard again for another.");
            }
            if (open) openBrowser(url);
        }

        private String localTime(String iso) {
            try {
                return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                        .format(java.time.Instant.parse(iso).atZone(java.time.ZoneId.systemDefault()));
            } catch (RuntimeException e) {
                return iso;
            }
        }

        /** {@code $BROWSER URL} when set (the convention of xdg-utils and Python's webbrowser), else {@code xdg-open URL}. */
        private void openBrowser(String url) {
            String browser = io().env().getOrDefault("BROWSER", "").split(":")[0].strip();
            List<String> command = browser.isEmpty() ? List.of("xdg-open", url) : List.of(browser, url);
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() != 0) {
                    throw Failure.failed("could not open the browser: " + String.join(" ", command.getFirst())
                            + " exited with " + p.exitValue() + " (the link above still works: paste it into a browser)");
                }
            } catch (IOException e) {
                throw Failure.failed("could not open the browser: " + command.getFirst() + " is not available ("
                        + e.getMessage() + "); set BROWSER, or paste the link above into a browser");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

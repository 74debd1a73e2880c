package ccflare.cli;

import static ccflare.cli.Table.Tone;

import ccflare.protocol.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What the recorded traffic says: stats, requests, logs; and the commands that delete it. */
final class TrafficCommands {

    private TrafficCommands() {}

    @Command(name = "stats", description = "Totals over every recorded request: requests, success rate, tokens, cost.")
    static final class Stats extends Action {
        @Override
        void run() {
            var reply = daemon().get("/api/stats", "statistics");
            if (json()) {
                printJson(reply.body());
                return;
            }
            JsonNode s = reply.tree();
            var out = out();
            Table totals = new Table("", "");
            totals.row("Requests", Display.count(s.path("totalRequests").asLong()) + " (" + s.path("successRate").asInt() + "% success)");
            totals.row("Active accounts", s.path("activeAccounts").asInt());
            totals.row("Avg response", Display.duration(s.path("avgResponseTime").asLong()));
            JsonNode d = s.path("tokenDetails");
            String breakdown = d.isObject() ? String.format(Locale.ROOT, " (input %s, cache read %s, cache write %s, output %s)",
                    Display.count(d.path("inputTokens").asLong()), Display.count(d.path("cacheReadInputTokens").asLong()),
                    Display.count(d.path("cacheCreationInputTokens").asLong()), Display.count(d.path("outputTokens").asLong())) : "";
            totals.row("Tokens", Display.count(s.path("totalTokens").asLong()) + breakdown);
            totals.row("Cost", Display.cost(s.path("totalCostUsd").asDouble()));
            totals.row("Output speed", Display.tokensPerSecond(s.path("avgTokensPerSecond").asDouble()));
            totals.printRows(out, false, totals.widths(16));

            if (!s.path("topModels").isEmpty()) {
                out.println();
                Table models = new Table("MODEL", ">REQUESTS", ">SHARE");
                for (JsonNode m : s.path("topModels")) {
                    models.row(m.path("model").asText(), Display.count(m.path("count").asLong()),
                            String.format(Locale.ROOT, "%.1f%%", m.path("percentage").asDouble()));
                }
                models.print(out, colour());
            }
            if (!s.path("accounts").isEmpty()) {
                out.println();
                Table accounts = new Table("ACCOUNT", ">REQUESTS", ">SUCCESS");
                for (JsonNode a : s.path("accounts")) {
                    accounts.row(a.path("name").asText(), Display.count(a.path("requestCount").asLong()),
                            a.path("successRate").asInt() + "%");
                }
                accounts.print(out, colour());
            }
            if (!s.path("recentErrors").isEmpty()) {
                out.println();
                out.println("Recent errors:");
                for (JsonNode e : s.path("recentErrors")) out.println("  - " + e.asText());
            }
        }
    }

    @Command(name = "requests", subcommands = RequestShow.class,
            description = "The most recent requests, newest first; --follow prints new ones as they finish.")
    static final class Requests extends Action {
        @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "20", description = "How many (1..1000, default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = {"-f", "--follow"}, description = "Keep printing requests as they complete (Ctrl-C to stop).")
        boolean follow;

        @Option(names = "--account", paramLabel = "NAME", completionCandidates = Completion.Accounts.class, description = "Only the requests served by this account (name or id).")
        String account;

        @Option(names = "--status", paramLabel = "S",
                description = "Only these statuses: a code (429), a class (4xx), success or error.")
        String status;

        @Option(names = "--since", paramLabel = "WHEN",
                description = "Only requests received since WHEN: a time ago (30s, 15m, 2h, 7d) or an ISO-8601 instant.")
        String since;

        private static final String HEADER_TIME = "TIME";

        @Override
        void run() {
            if (limit < 1 || limit > 1000) throw Failure.usage("-n: " + limit + " (expected: 1..1000)");
            RequestFilter filter = RequestFilter.of(account, status, since, io().clock().instant());
            // The API filters by account, status code or class and time itself; for success/error
            // read as many as it gives (1000) and keep the first N that match.
            int fetch = filter.serverSide() ? limit : 1000;
            var reply = daemon().get("/api/requests?limit=" + fetch + filter.query(), "listing requests");
            List<JsonNode> rows = new ArrayList<>();
            for (JsonNode r : reply.tree()) {
                if (rows.size() < limit && filter.test(r)) rows.add(r);
            }
            // Newest first from the API; when following, print oldest first so new rows append naturally.
            if (follow) java.util.Collections.reverse(rows);
            Table table = table();
            int[] widths = null;
            if (json()) {
                if (follow || !filter.isEmpty()) {
                    // One object per line throughout when following, as the live part prints them;
                    // an array of the matching ones otherwise.
                    if (follow) rows.forEach(this::printJson);
                    else out().println(Json.writeString(rows));
                } else {
                    printJson(reply.body());
                }
            } else {
                Instant now = io().clock().instant();
                for (JsonNode r : rows) row(table, r, now);
                if (table.isEmpty() && !follow) {
                    out().println(filter.isEmpty() ? "No requests recorded." : "No recorded request matches.");
                    return;
                }
                widths = table.widths(8, 6, 24, 3, 20, 12, 7, 7, 6);
                table.printHeader(out(), colour(), widths);
                table.printRows(out(), colour(), widths);
            }
            if (!follow) return;
            out().flush();
            Set<String> seen = new HashSet<>();
            for (JsonNode r : rows) seen.add(r.path("id").asText(""));
            int[] w = widths;
            daemon().follow("/api/requests/stream", "following requests", event -> {
                if (event.name().equals("start") || event.name().equals("connected")) return true;
                JsonNode data;
                try {
                    data = Json.tree(event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (Json.BadJsonException e) {
                    return true; // a line this version does not understand; keep following
                }
                JsonNode r = data.has("statusCode") ? data : data.path("summary").has("statusCode") ? data.path("summary") : null;
                if (r == null || !filter.test(r) || !seen.add(r.path("id").asText(""))) return true;
                if (json()) {
                    out().println(Json.writeString(r));
                } else {
                    row(table, r, io().clock().instant());
                    table.printRows(out(), colour(), w);
                }
                out().flush();
                return true;
            });
        }

        static Table table() {
            return new Table(HEADER_TIME, "METHOD", "PATH", ">STATUS", "MODEL", "ACCOUNT", ">TOKENS", ">COST", ">TOOK");
        }

        static void row(Table t, JsonNode r, Instant now) {
            int status = r.path("statusCode").asInt();
            Tone tone = r.path("success").asBoolean(status / 100 == 2) ? Tone.GOOD : status / 100 == 4 ? Tone.WARN : Tone.BAD;
            long tokens = r.path("totalTokens").asLong(r.path("promptTokens").asLong() + r.path("completionTokens").asLong());
            String account = r.path("accountUsed").isNull() || r.path("accountUsed").asText("").isEmpty()
                    ? "(none)" : r.path("accountUsed").asText();
            String outcome = r.path("outcome").asText("ok");
            String statusText = status + (outcome.equals("ok") || outcome.isEmpty() ? "" : " " + outcome);
            t.row(Display.relative(r.path("timestamp"), now, "?"), r.path("method").asText(), r.path("path").asText(),
                    new Table.Cell(statusText, tone), r.path("model").asText("-"), account, Display.count(tokens),
                    Display.cost(r.path("costUsd").asDouble()),
                    r.has("responseTimeMs") ? Display.duration(r.path("responseTimeMs").asLong()) : "-");
        }
    }

    @Command(name = "logs", description = "The daemon's recent log lines; -f keeps printing new ones.")
    static final class Logs extends Action {
        @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "100", description = "How many history lines (default ${DEFAULT-VALUE}).")
        int lines;

        @Option(names = {"-f", "--follow"}, description = "Keep printing new log lines (Ctrl-C to stop).")
        boolean follow;

        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);

        @Override
        void run() {
            if (lines < 0) throw Failure.usage("-n: " + lines + " (expected: >= 0)");
            if (lines > 0) {
                var reply = daemon().get("/api/logs/history?limit=" + lines, "reading the log history");
                if (json() && !follow) {
                    printJson(reply.body());
                } else {
                    List<JsonNode> entries = new ArrayList<>();
                    reply.tree().forEach(entries::add);
                    for (JsonNode e : entries.subList(Math.max(0, entries.size() - lines), entries.size())) {
                        // Following with --json: one object per line throughout, history included, as the live lines are.
                        if (json()) out().println(Json.writeString(e));
                        else print(e);
                    }
                }
            }
            if (!follow) return;
            if (!json()) out().println("--- live ---");
            out().flush();
            daemon().follow("/api/logs/stream", "following the log", event -> {
                JsonNode e;
                try {
                    e = Json.tree(event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (Json.BadJsonException ex) {
                    out().println(event.data());
                    return true;
                }
                if (e.has("connected") && e.size() == 1 || event.name().equals("connected")) return true;
                if (json()) out().println(Json.writeString(e));
                else print(e);
                out().flush();
                return true;
            });
        }

        private void print(JsonNode e) {
            String level = e.path("level").asText("INFO").toUpperCase(Locale.ROOT);
            String msg = e.has("msg") ? e.path("msg").asText() : e.path("message").asText();
            JsonNode t = e.has("ts") ? e.path("ts") : e.has("timestamp") ? e.path("timestamp") : e.path("time");
            String when = Display.instant(t).map(i -> TIME.format(i.atZone(ZoneId.systemDefault()))).orElse("");
            String lvl = String.format(Locale.ROOT, "%-5s", level);
            if (colour()) {
                Tone tone = switch (level) {
                    case "ERROR" -> Tone.BAD;
                    case "WARN" -> Tone.WARN;
                    case "DEBUG", "TRACE" -> Tone.DIM;
                    default -> Tone.PLAIN;
                };
                lvl = tone.ansi + lvl + "\u001b[0m";
            }
            out().println((when.isEmpty() ? "" : when + " ") + lvl + " " + msg);
        }
    }

    @Command(name = "reset-stats", description = {"Delete every recorded request and zero the accounts' request counters.",
            "Asks for confirmation on a terminal; scripts pass --yes."})
    static final class ResetStats extends Action {
        @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        void run() throws java.io.IOException {
            if (!yes) {
                AccountCommands.confirm(this, "Delete every recorded request and zero the accounts' counters?", "statistics not reset",
                        "not resetting the statistics without confirmation, and there is no terminal to ask on (pass --yes)");
            }
            AccountCommands.simple(this, "/api/stats/reset", null, "resetting statistics");
        }
    }

    @Command(name = "clear-history", description = {"Delete every recorded request and payload; account counters stay.",
            "Asks for confirmation on a terminal; scripts pass --yes."})
    static final class ClearHistory extends Action {
        @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        void run() throws java.io.IOException {
            if (!yes) {
                AccountCommands.confirm(this, "Delete every recorded request and payload?", "request history not cleared",
                        "not clearing the request history without confirmation, and there is no terminal to ask on (pass --yes)");
            }
            var reply = daemon().call("DELETE", "/api/requests", null, "clearing the request history");
            if (json()) printJson(reply.body());
            else out().println(message(reply.tree(), "Request history cleared."));
        }
    }
}

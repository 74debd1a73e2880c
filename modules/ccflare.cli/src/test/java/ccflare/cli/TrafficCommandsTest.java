package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.protocol.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TrafficCommandsTest extends AgainstFakeDaemon {

    @Test
    void statsPrintsTotalsWithCostDurationAndTokenFormats() {
        daemon.on("GET /api/stats", 200, Samples.STATS);
        var r = cli.run("stats");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("1,234 (98% success)", "1.2s", "$0.0123", "1,234,567", "45.2 tok/s",
                "claude-sonnet-4-5", "81.0%", "upstream 529 overloaded");
        assertThat(r.out()).containsPattern("(?m)^Cost +\\$0\\.0123$");
    }

    @Test
    void statsJsonParses() {
        daemon.on("GET /api/stats", 200, Samples.STATS);
        var r = cli.run("stats", "--json");
        assertThat(r.code()).isZero();
        assertThat(Json.tree(r.out().getBytes(StandardCharsets.UTF_8)).path("totalRequests").asLong()).isEqualTo(1234);
    }

    @Test
    void requestsAsksForTheLimitAndPrintsATable() {
        daemon.on("GET /api/requests?limit=5", 200, Samples.REQUESTS);
        var r = cli.run("requests", "-n", "5");
        assertThat(r.code()).isZero();
        assertThat(daemon.lines()).containsExactly("GET /api/requests?limit=5");
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).contains("TIME", "METHOD", "PATH", "STATUS", "MODEL", "ACCOUNT", "TOKENS", "COST", "TOOK");
        assertThat(lines[1]).contains("1m ago", "POST", "/v1/messages", "200", "claude-sonnet-4-5", "work", "1,500", "$0.0123", "1.2s");
        assertThat(lines[2]).contains("1h ago", "429 rate_limited", "(none)", "$0.0000", "87ms");
        // Right-aligned numbers end in the same column.
        assertThat(lines[1].length()).isEqualTo(lines[2].length());
    }

    @Test
    void requestsRejectsALimitOutsideTheApiRange() {
        assertThat(cli.run("requests", "-n", "0").code()).isEqualTo(2);
        assertThat(cli.run("requests", "-n", "1001").code()).isEqualTo(2);
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void requestsFollowPrintsEachCompletedRequestOnceAsItArrives() {
        daemon.on("GET /api/requests?limit=1", 200, "[]");
        daemon.onStream("GET /api/requests/stream", """
                event: connected
                data: {"connected":true}

                event: start
                data: {"id":"r9","method":"POST","path":"/v1/messages"}

                event: summary
                data: {"id":"r9","timestamp":"2026-03-01T12:00:00Z","method":"POST","path":"/v1/messages","accountUsed":"work","statusCode":200,"success":true,"responseTimeMs":2500,"model":"claude-opus-4-1","totalTokens":10,"costUsd":0.5,"outcome":"ok","attempts":1}

                : keep-alive

                event: payload
                data: {"id":"r9","timestamp":"2026-03-01T12:00:00Z","method":"POST","path":"/v1/messages","statusCode":200,"outcome":"ok"}

                """);
        var r = cli.run("requests", "-n", "1", "--follow");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("TIME", "claude-opus-4-1", "$0.5000", "2.5s");
        assertThat(r.out().lines().filter(l -> l.contains("/v1/messages")).count()).isEqualTo(1);
    }

    @Test
    void requestsFollowOnADaemonWithoutTheStreamSaysItIsNotSupported() {
        daemon.on("GET /api/requests?limit=20", 200, Samples.REQUESTS);
        var r = cli.run("requests", "-f");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("this daemon does not support following requests");
    }

    @Test
    void logsPrintsTheLastLinesWithTimeAndLevel() {
        daemon.on("GET /api/logs/history?limit=2", 200, Samples.LOGS);
        var r = cli.run("logs", "-n", "2");
        assertThat(r.code()).isZero();
        var lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).endsWith("WARN  second");
        assertThat(lines.get(1)).endsWith("ERROR third");
    }

    @Test
    void logsFollowPrintsHistoryThenLiveLinesSkippingTheConnectedMessage() {
        daemon.on("GET /api/logs/history?limit=100", 200, Samples.LOGS);
        daemon.onStream("GET /api/logs/stream", """
                data: {"connected":true}

                data: {"ts":1772366403000,"level":"INFO","msg":"live one"}

                """);
        var r = cli.run("logs", "-f");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("first", "third", "--- live ---", "live one").doesNotContain("connected");
    }

    @Test
    void logsOnADaemonWithoutLogHistorySaysItIsNotSupported() {
        var r = cli.run("logs");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ccflarectl: this daemon does not support reading the log history"
                + " (GET /api/logs/history answered 404); upgrade ccflare\n");
    }

    @Test
    void resetStatsPostsToTheResetEndpoint() {
        daemon.on("POST /api/stats/reset", 200, Samples.action("Statistics reset"));
        var r = cli.run("reset-stats", "--yes");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Statistics reset\n");
        assertThat(daemon.lines()).containsExactly("POST /api/stats/reset");
    }

    @Test
    void clearHistoryDeletesTheRequests() {
        daemon.on("DELETE /api/requests", 200, Samples.action("Deleted 12 requests"));
        var r = cli.run("clear-history", "-y");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Deleted 12 requests\n");
        assertThat(daemon.lines()).containsExactly("DELETE /api/requests");
    }

    @Test
    void clearHistoryOnADaemonWithoutItSaysSo() {
        var r = cli.run("clear-history", "--yes");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("does not support clearing the request history");
    }

    @Test
    void resetStatsAndClearHistoryWithoutYesAndWithoutATerminalAreUsageErrorsAndDeleteNothing() {
        var reset = cli.run("reset-stats");
        assertThat(reset.code()).isEqualTo(2);
        assertThat(reset.err()).isEqualTo("ccflarectl: not resetting the statistics without confirmation, and there is no terminal"
                + " to ask on (pass --yes)\n");
        var clear = cli.run("clear-history");
        assertThat(clear.code()).isEqualTo(2);
        assertThat(clear.err()).contains("not clearing the request history", "--yes");
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void resetStatsAndClearHistoryOnATerminalAskAndActOnlyOnYes() {
        daemon.on("POST /api/stats/reset", 200, Samples.action("Statistics reset"))
              .on("DELETE /api/requests", 200, Samples.action("History cleared"));
        var declined = cli.interactive().stdin("n\n").run("reset-stats");
        assertThat(declined.code()).isEqualTo(1);
        assertThat(declined.err()).contains("Delete every recorded request and zero the accounts' counters? [y/N]", "not reset");
        assertThat(daemon.received).isEmpty();
        var reset = cli.interactive().stdin("yes\n").run("reset-stats");
        assertThat(reset.code()).isZero();
        var clear = cli.interactive().stdin("y\n").run("clear-history");
        assertThat(clear.code()).isZero();
        assertThat(clear.err()).contains("Delete every recorded request and payload? [y/N]");
        assertThat(daemon.lines()).containsExactly("POST /api/stats/reset", "DELETE /api/requests");
    }

    @Test
    void requestsAskTheDaemonToFilterAndKeepOnlyWhatMatches() {
        // The daemon filters by account, status and time; the answers here are what it would give
        // (and the CLI checks them again). success/error are kept by the CLI from the last 1000.
        String work = Samples.REQUESTS.replaceFirst("(?s),\\s*\\{\"id\":\"r1\".*\\]$", "]");
        daemon.on("GET /api/requests?limit=20&account=work", 200, work);
        daemon.on("GET /api/requests?limit=20&status=4xx", 200, Samples.REQUESTS);
        daemon.on("GET /api/requests?limit=20&status=200", 200, Samples.REQUESTS);
        daemon.on("GET /api/requests?limit=1000", 200, Samples.REQUESTS);
        daemon.on("GET /api/requests?limit=20&since=2026-03-01T11:30:00Z", 200, Samples.REQUESTS);
        daemon.on("GET /api/requests?limit=20&since=2026-03-01T10:00:00Z", 200, Samples.REQUESTS);
        daemon.on("GET /api/requests?limit=20&account=nobody", 200, "[]");
        var byAccount = cli.run("requests", "--account", "work");
        assertThat(byAccount.code()).as(byAccount.err()).isZero();
        assertThat(daemon.lines()).containsExactly("GET /api/requests?limit=20&account=work");
        assertThat(byAccount.out().lines().toList()).hasSize(2).last().asString().contains("work", "200");
        var limited = cli.run("requests", "--status", "4xx");
        assertThat(limited.out().lines().toList()).hasSize(2).last().asString().contains("429 rate_limited");
        assertThat(cli.run("requests", "--status", "error").out()).contains("429").doesNotContain(" 200 ");
        assertThat(daemon.lines()).contains("GET /api/requests?limit=1000");
        assertThat(cli.run("requests", "--status", "200").out()).contains("work").doesNotContain("429");
        // Cli.NOW is 12:00; r2 was received at 11:59 and r1 at 11:00.
        assertThat(cli.run("requests", "--since", "30m").out()).contains("1m ago").doesNotContain("1h ago");
        assertThat(cli.run("requests", "--since", "2026-03-01T10:00:00Z").out()).contains("1m ago", "1h ago");
        assertThat(cli.run("requests", "--account", "nobody").out()).isEqualTo("No recorded request matches.\n");
        var json = cli.run("requests", "--status", "success", "--json");
        assertThat(Json.tree(json.out().getBytes(StandardCharsets.UTF_8))).hasSize(1);
    }

    @Test
    void requestsRefusesAMalformedFilterNamingWhatIsExpected() {
        var status = cli.run("requests", "--status", "teapot");
        assertThat(status.code()).isEqualTo(2);
        assertThat(status.err()).contains("--status: 'teapot' (expected: a status code like 429, a class like 4xx, success or error)");
        var since = cli.run("requests", "--since", "yesterday");
        assertThat(since.code()).isEqualTo(2);
        assertThat(since.err()).contains("--since: 'yesterday'", "15m", "ISO-8601");
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void requestsShowPrintsOneRequestWithTimingsAttemptsUsageAndPayload() {
        daemon.on("GET /api/requests/r2", 200, """
                {"id":"r2","timestamp":"2026-03-01T11:59:00Z","method":"POST","path":"/v1/messages","accountUsed":"work",
                 "statusCode":200,"success":true,"responseTimeMs":1234,"failoverAttempts":1,"model":"claude-sonnet-4-5",
                 "inputTokens":1000,"cacheReadInputTokens":200,"outputTokens":300,"totalTokens":1500,"costUsd":0.0123,
                 "provider":"anthropic","outcome":"ok","attempts":2,"ttfbMs":456,"upstreamTtfbMs":400,"proxyOverheadMs":3,
                 "payload":{"request":{"headers":{"content-type":"application/json"},"body":"{\\"model\\":\\"claude-sonnet-4-5\\"}"},
                            "response":{"headers":{"content-type":"text/event-stream"},"body":"event: message_start"},
                            "streamed":true,"truncated":false}}""");
        var r = cli.run("requests", "show", "r2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(daemon.lines()).containsExactly("GET /api/requests/r2");
        assertThat(r.out()).containsPattern("(?m)^request +POST /v1/messages$")
                .containsPattern("(?m)^status +200 \\(success\\)$")
                .containsPattern("(?m)^account +work \\(anthropic\\)$")
                .containsPattern("(?m)^  upstream first byte +400ms$")
                .containsPattern("(?m)^  client first byte +456ms$")
                .containsPattern("(?m)^  total +1\\.2s$")
                .containsPattern("(?m)^  upstream attempts +2$")
                .containsPattern("(?m)^  failovers +1$")
                .containsPattern("(?m)^  cache read +200$")
                .containsPattern("(?m)^  cost +\\$0\\.0123$")
                .contains("Payload (streamed)", "Request headers", "  content-type: application/json",
                        "  {\"model\":\"claude-sonnet-4-5\"}", "Response body", "  event: message_start");
        var json = cli.run("requests", "show", "r2", "--json");
        assertThat(Json.tree(json.out().getBytes(StandardCharsets.UTF_8)).path("payload").path("streamed").asBoolean()).isTrue();
    }

    @Test
    void requestsShowOfAnUnknownIdFailsWithTheDaemonsReason() {
        daemon.on("GET /api/requests/nope", 404, "{\"error\":\"request 'nope' not found (it may be past retention)\"}");
        var r = cli.run("requests", "show", "nope");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ccflarectl: request 'nope' not found (it may be past retention)\n");
    }

    @Test
    void logsFollowWithJsonIsOneObjectPerLineHistoryIncluded() {
        daemon.on("GET /api/logs/history?limit=100", 200, Samples.LOGS);
        daemon.onStream("GET /api/logs/stream", """
                data: {"connected":true}

                data: {"ts":1772366403000,"level":"INFO","msg":"live one"}

                """);
        var r = cli.run("logs", "-f", "--json");
        assertThat(r.code()).isZero();
        var lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        for (String line : lines) assertThat(Json.tree(line.getBytes(StandardCharsets.UTF_8)).isObject()).as(line).isTrue();
        assertThat(lines.getFirst()).contains("first");
        assertThat(lines.getLast()).contains("live one");
    }
}

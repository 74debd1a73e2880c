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
        var r = cli.run("reset-stats");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Statistics reset\n");
        assertThat(daemon.lines()).containsExactly("POST /api/stats/reset");
    }

    @Test
    void clearHistoryDeletesTheRequests() {
        daemon.on("DELETE /api/requests", 200, Samples.action("Deleted 12 requests"));
        var r = cli.run("clear-history");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Deleted 12 requests\n");
        assertThat(daemon.lines()).containsExactly("DELETE /api/requests");
    }

    @Test
    void clearHistoryOnADaemonWithoutItSaysSo() {
        var r = cli.run("clear-history");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("does not support clearing the request history");
    }
}

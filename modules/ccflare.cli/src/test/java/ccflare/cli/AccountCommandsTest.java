package ccflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountCommandsTest extends AgainstFakeDaemon {

    static final String KEY = "sk-ant-api03-SECRET-do-not-print-1234567890";

    @Test
    void listPrintsAnAlignedTableWithRelativeTimesAndStatus() {
        daemon.on("GET /api/accounts", 200, Samples.ACCOUNTS);
        var r = cli.run("list");
        assertThat(r.code()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines[0]).startsWith("NAME").contains("PROVIDER", "PRIORITY", "STATUS", "REQUESTS", "LAST USED", "SESSION");
        assertThat(lines).hasSize(4);
        // Columns line up: PROVIDER starts at the same offset on every line.
        int col = lines[0].indexOf("PROVIDER");
        assertThat(lines[1].substring(col)).startsWith("anthropic");
        assertThat(lines[2].substring(col)).startsWith("claude-code");
        assertThat(lines[3].substring(col)).startsWith("openai");
        assertThat(lines[1]).contains("OK", "12/340", "5m ago", "12 req since 2h ago");
        assertThat(lines[2]).contains("paused", "never");
        String until = java.time.format.DateTimeFormatter.ofPattern("HH:mm")
                .format(Cli.NOW.plusSeconds(180).atZone(java.time.ZoneId.systemDefault()));
        assertThat(lines[3]).contains("cooling until " + until + " (rate_limited)", "2d ago");
        int baseUrl = lines[0].indexOf("BASE URL");
        assertThat(lines[1].substring(baseUrl)).startsWith("(default)");
        assertThat(r.out()).doesNotContain("\u001b[");
        assertThat(daemon.last().host()).isEqualTo("ccflare");
    }

    @Test
    void listShowsTheBaseUrlAndCallsAHealthyAccountsWindowResetOk() {
        daemon.on("GET /api/accounts", 200, """
                [{"id":"a1","name":"gw","provider":"openai","priority":0,"paused":false,"baseUrl":"https://gateway.example/v1",
                  "requestCount":0,"totalRequests":0,"rateLimitStatus":"allowed (42m)","needsReauth":false,"hasCredentials":true},
                 {"id":"a2","name":"max","provider":"claude-code","priority":1,"paused":false,
                  "requestCount":0,"totalRequests":0,"rateLimitStatus":"allowed_warning (10m)","needsReauth":false,"hasCredentials":true},
                 {"id":"a3","name":"hot","provider":"anthropic","priority":2,"paused":false,
                  "requestCount":0,"totalRequests":0,"rateLimitStatus":"rejected","needsReauth":false,"hasCredentials":true}]""");
        var r = cli.run("list");
        assertThat(r.code()).isZero();
        String[] lines = r.out().split("\n");
        int status = lines[0].indexOf("STATUS");
        assertThat(lines[1]).contains("https://gateway.example/v1");
        assertThat(lines[1].substring(status)).startsWith("OK ").doesNotContain("42m");
        assertThat(lines[2].substring(status)).startsWith("OK, near limit");
        assertThat(lines[3].substring(status)).startsWith("cooling (rejected)");
    }

    @Test
    void listWithJsonPrintsTheApiJsonThatParses() {
        daemon.on("GET /api/accounts", 200, Samples.ACCOUNTS);
        var r = cli.run("--json", "list");
        assertThat(r.code()).isZero();
        var tree = Json.tree(r.out().getBytes(StandardCharsets.UTF_8));
        assertThat(tree.size()).isEqualTo(3);
        assertThat(tree.get(0).path("name").asText()).isEqualTo("work");
    }

    @Test
    void jsonOptionIsAcceptedAfterTheSubcommandToo() {
        daemon.on("GET /api/accounts", 200, Samples.ACCOUNTS);
        var r = cli.run("list", "--json");
        assertThat(r.code()).isZero();
        assertThat(Json.tree(r.out().getBytes(StandardCharsets.UTF_8)).isArray()).isTrue();
    }

    @Test
    void listWithNoAccountsSaysHowToAddOne() {
        daemon.on("GET /api/accounts", 200, "[]");
        var r = cli.run("list");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("No accounts", "ccflarectl add");
    }

    @Test
    void pausePostsToThePauseEndpointOfTheNamedAccount() {
        daemon.on("POST /api/accounts/work/pause", 200, Samples.action("Account 'work' paused"));
        var r = cli.run("pause", "work");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("Account 'work' paused\n");
        assertThat(daemon.lines()).containsExactly("POST /api/accounts/work/pause");
    }

    @Test
    void resumePostsToTheResumeEndpoint() {
        daemon.on("POST /api/accounts/work/resume", 200, Samples.action("Account 'work' resumed"));
        var r = cli.run("resume", "work");
        assertThat(r.code()).isZero();
        assertThat(daemon.lines()).containsExactly("POST /api/accounts/work/resume");
    }

    @Test
    void accountNamesArePercentEncodedInThePath() {
        daemon.on("POST /api/accounts/my%20acct/pause", 200, Samples.action("ok"));
        var r = cli.run("pause", "my acct");
        assertThat(r.code()).isZero();
        assertThat(daemon.lines()).containsExactly("POST /api/accounts/my%20acct/pause");
    }

    @Test
    void renameSendsTheNewName() {
        daemon.on("POST /api/accounts/work/rename", 200, Samples.action("Account renamed from 'work' to 'job'"));
        var r = cli.run("rename", "work", "job");
        assertThat(r.code()).isZero();
        assertThat(Json.tree(daemon.last().body().getBytes(StandardCharsets.UTF_8)).path("name").asText()).isEqualTo("job");
        assertThat(r.out()).contains("renamed");
    }

    @Test
    void prioritySendsANumber() {
        daemon.on("POST /api/accounts/work/priority", 200, Samples.action("Account 'work' priority set to 3"));
        var r = cli.run("priority", "work", "3");
        assertThat(r.code()).isZero();
        var body = Json.tree(daemon.last().body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.path("priority").isInt()).isTrue();
        assertThat(body.path("priority").asInt()).isEqualTo(3);
    }

    @Test
    void priorityThatIsNotANumberIsAUsageError() {
        var r = cli.run("priority", "work", "high");
        assertThat(r.code()).isEqualTo(2);
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void anApiErrorIsPrintedAndExitsOne() {
        daemon.on("POST /api/accounts/ghost/pause", 404, "{\"error\":\"account 'ghost' not found\"}");
        var r = cli.run("pause", "ghost");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("ccflarectl: account 'ghost' not found\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void removeWithYesDeletesWithoutAsking() {
        daemon.on("DELETE /api/accounts/work", 200, Samples.action("Account 'work' removed"));
        var r = cli.run("remove", "work", "--yes");
        assertThat(r.code()).isZero();
        assertThat(daemon.lines()).containsExactly("DELETE /api/accounts/work");
        assertThat(r.out()).contains("removed");
    }

    @Test
    void removeWithoutYesAndWithoutATerminalIsAUsageErrorAndDeletesNothing() {
        var r = cli.run("remove", "work");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--yes");
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void removeOnATerminalAsksAndDeletesOnYes() {
        daemon.on("DELETE /api/accounts/work", 200, Samples.action("Account 'work' removed"));
        var r = cli.interactive().stdin("y\n").run("remove", "work");
        assertThat(r.err()).contains("Remove account 'work'? [y/N]");
        assertThat(r.code()).isZero();
        assertThat(daemon.lines()).containsExactly("DELETE /api/accounts/work");
    }

    @Test
    void removeOnATerminalKeepsTheAccountUnlessTheAnswerIsYes() {
        var r = cli.interactive().stdin("\n").run("remove", "work");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not removed");
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void addReadsTheKeyFromAFileAndNeverPrintsIt(@TempDir Path tmp) throws Exception {
        Path keyFile = tmp.resolve("key");
        Files.writeString(keyFile, KEY + "\n");
        daemon.on("POST /api/accounts", 201, "{\"id\":\"a9\",\"name\":\"work\",\"provider\":\"anthropic\",\"priority\":2}");
        var r = cli.run("add", "work", "--provider", "anthropic", "--api-key-file", keyFile.toString(),
                "--base-url", "https://gw.example/anthropic", "--priority", "2");
        assertThat(r.code()).isZero();
        var body = Json.tree(daemon.last().body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.path("apiKey").asText()).isEqualTo(KEY);
        assertThat(body.path("name").asText()).isEqualTo("work");
        assertThat(body.path("provider").asText()).isEqualTo("anthropic");
        assertThat(body.path("baseUrl").asText()).isEqualTo("https://gw.example/anthropic");
        assertThat(body.path("priority").asInt()).isEqualTo(2);
        assertThat(r.out()).isEqualTo("Account 'work' added (anthropic, priority 2).\n");
        assertThat(r.out() + r.err()).doesNotContain(KEY);
    }

    @Test
    void addReadsTheKeyFromStdin() {
        daemon.on("POST /api/accounts", 201, "{\"id\":\"a9\",\"name\":\"oa\",\"provider\":\"openai\",\"priority\":0}");
        var r = cli.stdin(KEY + "\n").run("add", "oa", "--provider", "openai", "--api-key-stdin");
        assertThat(r.code()).isZero();
        var body = Json.tree(daemon.last().body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.path("apiKey").asText()).isEqualTo(KEY);
        assertThat(body.has("baseUrl")).isFalse();
        assertThat(r.out() + r.err()).doesNotContain(KEY);
    }

    @Test
    void addRedactsTheKeyShouldTheDaemonEchoIt() {
        daemon.on("POST /api/accounts", 400, "{\"error\":\"apiKey: '" + KEY + "' looks wrong\"}");
        var r = cli.stdin(KEY).run("add", "oa", "--provider", "openai", "--api-key-stdin");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("[redacted]").doesNotContain(KEY);
    }

    @Test
    void addRefusesAKeyOnTheCommandLineWithoutEchoingIt() {
        var r = cli.run("add", "work", "--provider", "anthropic", "--api-key", KEY);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--api-key-file", "--api-key-stdin").doesNotContain(KEY);
        var inline = cli.run("add", "work", "--provider", "anthropic", "--api-key=" + KEY);
        assertThat(inline.code()).isEqualTo(2);
        assertThat(inline.err()).doesNotContain(KEY);
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void addWithoutAKeySourceAndWithoutATerminalIsAUsageError() {
        var r = cli.run("add", "work", "--provider", "anthropic");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--api-key-file");
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void addWithAnEmptyKeyFileIsAUsageError(@TempDir Path tmp) throws Exception {
        Path keyFile = tmp.resolve("key");
        Files.writeString(keyFile, "\n");
        assertThat(cli.run("add", "w", "--provider", "anthropic", "--api-key-file", keyFile.toString()).code()).isEqualTo(2);
        assertThat(cli.run("add", "w", "--provider", "anthropic", "--api-key-file", tmp.resolve("missing").toString()).code())
                .isEqualTo(2);
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void addWithBothKeySourcesOrAnUnknownProviderIsAUsageError(@TempDir Path tmp) throws Exception {
        Path keyFile = tmp.resolve("key");
        Files.writeString(keyFile, KEY);
        assertThat(cli.run("add", "w", "--provider", "anthropic", "--api-key-file", keyFile.toString(), "--api-key-stdin").code())
                .isEqualTo(2);
        var r = cli.run("add", "w", "--provider", "gemini", "--api-key-file", keyFile.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("expected: anthropic, openai, claude-code or codex");
        assertThat(cli.run("add", "w", "--api-key-file", keyFile.toString()).code()).isEqualTo(2);
        assertThat(daemon.received).isEmpty();
    }

    @Test
    void addOAuthAccountSaysSoWhenTheDaemonHasNoSignInYet() {
        var r = cli.run("add", "max", "--provider", "claude-code");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("does not support OAuth sign-in for claude-code accounts", "later release");
        assertThat(daemon.lines()).containsExactly("POST /api/auth/claude-code/init");
    }

    @Test
    void addOAuthAccountPrintsTheUrlAndSendsThePastedCode() {
        daemon.on("POST /api/auth/claude-code/init", 201, authStart("f-1", "claude-code"));
        daemon.on("POST /api/auth/claude-code/complete", 201, "{\"id\":\"a7\",\"name\":\"max\",\"provider\":\"claude-code\",\"priority\":1}");
        var r = cli.stdin("CODE123#STATE456\n").run("add", "max", "--provider", "claude-code", "--priority", "1");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("https://auth.example/authorize?x=1", "CODE#STATE", "Account 'max' added (claude-code).");
        var init = Json.tree(daemon.received.get(0).body().getBytes(StandardCharsets.UTF_8));
        assertThat(init.path("name").asText()).isEqualTo("max");
        assertThat(init.path("priority").asInt()).isEqualTo(1);
        var complete = Json.tree(daemon.last().body().getBytes(StandardCharsets.UTF_8));
        assertThat(complete.path("flowId").asText()).isEqualTo("f-1");
        assertThat(complete.path("code").asText()).isEqualTo("CODE123#STATE456");
    }

    static String authStart(String flowId, String provider) {
        return "{\"flowId\":\"" + flowId + "\",\"provider\":\"" + provider + "\",\"authorizeUrl\":\"https://auth.example/authorize?x=1\","
                + "\"expiresAt\":\"2026-03-01T12:10:00Z\",\"instructions\":\"Sign in, then come back.\"}";
    }

    @Test
    void addOAuthAccountWithoutAPastedCodeFailsWithoutCompleting() {
        daemon.on("POST /api/auth/claude-code/init", 201, authStart("f-2", "claude-code"));
        var r = cli.run("add", "max", "--provider", "claude-code");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no code entered");
        assertThat(daemon.lines()).containsExactly("POST /api/auth/claude-code/init");
    }

    @Test
    void addCodexAccountFinishesWhenTheDaemonCatchesTheRedirectItself() {
        daemon.on("POST /api/auth/codex/init", 201, authStart("f-3", "codex"));
        daemon.on("GET /api/auth/flows/f-3", 200, "{\"flowId\":\"f-3\",\"provider\":\"codex\",\"status\":\"completed\",\"accountId\":\"a5\"}");
        var r = cli.run("add", "cx", "--provider", "codex");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("https://auth.example/authorize?x=1", "Sign in, then come back.", "Account 'cx' added (codex).");
        assertThat(daemon.lines()).containsExactly("POST /api/auth/codex/init", "GET /api/auth/flows/f-3");
    }

    @Test
    void addCodexAccountSendsAPastedRedirectAddress() {
        daemon.on("POST /api/auth/codex/init", 201, authStart("f-4", "codex"));
        daemon.on("GET /api/auth/flows/f-4", 200, "{\"flowId\":\"f-4\",\"provider\":\"codex\",\"status\":\"pending\"}");
        daemon.on("POST /api/auth/codex/complete", 201, "{\"id\":\"a6\",\"name\":\"cx\",\"provider\":\"codex\",\"priority\":0}");
        var r = cli.stdin("http://localhost:1455/auth/callback?code=abc&state=xyz\n").run("add", "cx", "--provider", "codex");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Account 'cx' added (codex).");
        var complete = Json.tree(daemon.last().body().getBytes(StandardCharsets.UTF_8));
        assertThat(complete.path("flowId").asText()).isEqualTo("f-4");
        assertThat(complete.path("code").asText()).isEqualTo("http://localhost:1455/auth/callback?code=abc&state=xyz");
    }

    @Test
    void addCodexAccountReportsAFailedSignIn() {
        daemon.on("POST /api/auth/codex/init", 201, authStart("f-5", "codex"));
        daemon.on("GET /api/auth/flows/f-5", 200,
                "{\"flowId\":\"f-5\",\"provider\":\"codex\",\"status\":\"failed\",\"error\":\"state does not match this sign-in; start again\"}");
        var r = cli.run("add", "cx", "--provider", "codex");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("the sign-in failed: state does not match this sign-in");
    }
}

package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ApiDaemonTest extends AgainstApiFixture {

    @Test
    void healthIsOkWithVersionUptimeAccountsAndTimestamp() throws Exception {
        f.accounts.add("a1", "one", ProviderKind.ANTHROPIC, 0, "", new Credentials.ApiKey("k"));
        var r = f.get("/health");
        assertThat(r.status()).isEqualTo(200);
        JsonNode h = r.json();
        assertThat(h.path("status").asText()).isEqualTo("ok");
        assertThat(h.path("version").asText()).isEqualTo("0.1.0-test");
        assertThat(h.path("uptimeMs").asLong()).isEqualTo(90_000);
        assertThat(h.path("accounts").asInt()).isEqualTo(1);
        assertThat(h.path("database").asText()).isEqualTo("ok");
        assertThat(h.path("timestamp").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(h.has("needsReauth")).isFalse();
    }

    @Test
    void healthIsDegradedWhenTheDatabaseIsNotOkOrAnAccountNeedsReauth() throws Exception {
        f.daemon.databaseState = "database is locked; payloads shed";
        JsonNode h = f.get("/health").json();
        assertThat(h.path("status").asText()).isEqualTo("degraded");
        assertThat(h.path("database").asText()).isEqualTo("database is locked; payloads shed");

        f.daemon.databaseState = "ok";
        f.accounts.add("a2", "max", ProviderKind.CLAUDE_CODE, 0, "", new Credentials.OAuthTokens("at", "rt", 0));
        f.accounts.changeState("a2", a -> a.withNeedsReauth(true));
        var r = f.unix("GET", "/health", List.of("Host: ccflare"), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("degraded");
        assertThat(r.json().path("needsReauth")).extracting(JsonNode::asText).containsExactly("max");
    }

    @Test
    void configIsReadAndPatchedThroughTheRuntimeSettings() throws Exception {
        var get = f.get("/api/config");
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.json().path("data_retention_days").asInt()).isEqualTo(7);
        var patch = f.patch("/api/config", "{\"data_retention_days\":30,\"log_level\":\"DEBUG\"}");
        assertThat(patch.status()).isEqualTo(200);
        assertThat(patch.json().path("data_retention_days").asInt()).isEqualTo(30);
        assertThat(f.daemon.settings).containsEntry("log_level", "DEBUG");
    }

    @Test
    void aRejectedSettingIs400WithTheSettingsMessageAndChangesNothing() throws Exception {
        var r = f.patch("/api/config", "{\"data_retention_days\":0}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("data_retention_days: 0 (expected: 1..365)");
        assertThat(f.patch("/api/config", "{\"nope\":1}").error()).startsWith("nope: unknown setting");
        assertThat(f.patch("/api/config", "{}").error())
                .isEqualTo("body: no settings (expected: an object of setting names to new values)");
        assertThat(f.patch("/api/config", "\"x\"").error()).isEqualTo("body: a string (expected: a JSON object)");
        assertThat(f.daemon.settings).containsEntry("data_retention_days", 7);
    }

    @Test
    void maintenanceActionsReturnTheDaemonsResult() throws Exception {
        var cleanup = f.post("/api/maintenance/cleanup", null);
        assertThat(cleanup.status()).isEqualTo(200);
        assertThat(cleanup.json().path("removedRequests").asInt()).isEqualTo(3);
        assertThat(f.post("/api/maintenance/compact", null).json().path("action").asText()).isEqualTo("compact");
        assertThat(f.post("/api/maintenance/analyze", null).json().path("ok").asBoolean()).isTrue();
        var unknown = f.post("/api/maintenance/defrag", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("no such endpoint: POST /api/maintenance/defrag");
        assertThat(f.get("/api/maintenance/cleanup").status()).isEqualTo(405);
    }

    @Test
    void anUnexpectedFailureIs500WithAnIdThatTheErrorLogLineCarries() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(Api.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            f.queries.failure = new IllegalStateException("disk on fire");
            var r = f.get("/api/stats");
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.error()).matches("internal error \\(see the daemon log, id [0-9a-f]{8}\\)");
            String id = r.error().substring(r.error().length() - 9, r.error().length() - 1);
            assertThat(r.body()).doesNotContain("disk on fire");
            assertThat(appender.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.ERROR);
                assertThat(e.getFormattedMessage()).isEqualTo("api GET /api/stats failed (id " + id + ")");
                assertThat(e.getThrowableProxy().getMessage()).isEqualTo("disk on fire");
            });
        } finally {
            logger.detachAppender(appender);
        }
    }
}

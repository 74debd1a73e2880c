package ccflare.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutesTest {

    private final Routes.Endpoint a = call -> Reply.ok("a");
    private final Routes.Endpoint b = call -> Reply.ok("b");

    @Test
    void aLiteralSegmentBeatsAParameterWhateverTheOrderOfRegistration() {
        Routes routes = new Routes().add("GET", "/api/x/{id}", a).add("GET", "/api/x/special", b);
        assertThat(((Routes.Match.Found) routes.match("GET", "/api/x/special")).endpoint()).isSameAs(b);
        var found = (Routes.Match.Found) routes.match("GET", "/api/x/other");
        assertThat(found.endpoint()).isSameAs(a);
        assertThat(found.params()).containsExactly("other");
    }

    @Test
    void parametersArePercentDecodedAndATrailingSlashIsIgnored() {
        Routes routes = new Routes().add("POST", "/api/accounts/{id}/pause", a);
        var found = (Routes.Match.Found) routes.match("POST", "/api/accounts/my%20acct+1/pause/");
        assertThat(found.params()).containsExactly("my acct+1");
    }

    @Test
    void aKnownPathWithAnotherMethodListsTheAllowedMethods() {
        Routes routes = new Routes().add("GET", "/api/a", a).add("POST", "/api/a", b).add("DELETE", "/api/{x}", a);
        assertThat(routes.match("PUT", "/api/a")).isEqualTo(new Routes.Match.WrongMethod(Set.of("DELETE", "GET", "POST")));
        assertThat(routes.match("GET", "/api/a/b")).isEqualTo(new Routes.Match.NotFound());
        assertThat(routes.match("GET", "/api//")).isInstanceOf(Routes.Match.NotFound.class);
    }

    @Test
    void splitKeepsInnerEmptySegmentsSoTheyNeverMatchAParameter() {
        assertThat(Routes.split("/api//x")).containsExactly("api", "", "x");
        assertThat(Routes.split("/")).isEmpty();
        assertThat(Routes.split("/health")).containsExactly("health");
    }

    @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

    @Test
    void theApiPublishesItsRouteTable() throws Exception {
        try (var f = new ApiFixture(dir)) {
            assertThat(f.api.routes()).contains("GET /health", "GET /api/accounts", "POST /api/accounts",
                    "DELETE /api/accounts/{id}", "PATCH /api/accounts/{id}", "POST /api/accounts/{id}/pause",
                    "POST /api/accounts/{id}/resume", "POST /api/accounts/{id}/rename", "POST /api/accounts/{id}/priority",
                    "GET /api/stats", "POST /api/stats/reset", "GET /api/requests", "GET /api/requests/{id}",
                    "GET /api/analytics", "GET /api/config", "PATCH /api/config", "POST /api/maintenance/cleanup",
                    "POST /api/maintenance/compact", "POST /api/maintenance/analyze", "POST /api/maintenance/rotate-key", "POST /api/maintenance/import", "POST /api/auth/{provider}/init",
                    "POST /api/auth/{provider}/complete", "GET /api/auth/flows/{flowId}", "POST /api/accounts/{id}/reauthenticate",
                    "GET /ws/logs", "GET /ws/requests", "GET /api/logs/stream", "GET /api/requests/stream",
                    "GET /api/logs/history", "DELETE /api/requests", "GET /api/admin/token", "POST /api/dashboard/login", "GET /metrics",
                    "GET /api/keys", "POST /api/keys", "DELETE /api/keys/{id}");
            assertThat(f.api.routes()).hasSize(38);
        }
    }
}

package ccflare.api;

import ccflare.core.Account;
import ccflare.protocol.HealthView;
import ccflare.protocol.ImportRequest;
import ccflare.protocol.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The daemon itself: {@code /health}, {@code /api/config}, {@code /api/maintenance/*}. */
final class DaemonEndpoints {

    private final ApiContext context;

    DaemonEndpoints(ApiContext context) { this.context = context; }

    void register(Routes routes) {
        routes.add("GET", "/health", this::health)
              .add("GET", "/api/config", call -> Reply.ok(context.settings().view()))
              .add("PATCH", "/api/config", this::updateConfig)
              .add("GET", "/api/admin/token", this::adminToken)
              .add("POST", "/api/maintenance/import", this::importOriginal);
        for (String action : List.of("cleanup", "compact", "analyze", "rotate-key")) {
            routes.add("POST", "/api/maintenance/" + action, call -> maintenance(call, action));
        }
    }

    private Reply health(ApiCall call) {
        long now = context.clock().millis();
        List<Account> all = context.accounts().accounts();
        List<String> needsReauth = all.stream().filter(Account::needsReauth).map(Account::name).toList();
        String database = context.status().databaseState();
        boolean ok = "ok".equals(database) && needsReauth.isEmpty();
        return Reply.ok(new HealthView(ok ? "ok" : "degraded", context.status().version(),
                Math.max(0, now - context.status().startedAtMs()), all.size(), database, Views.iso(now), needsReauth));
    }

    /**
     * The admin token, for {@code ccflarectl dashboard}. Only over the Unix socket, whose directory
     * already decides who is an administrator; over TCP whoever holds the token has no need of it,
     * and handing it out there would turn one leaked request into a permanent credential.
     */
    private Reply adminToken(ApiCall call) {
        if (!call.overUnixSocket()) {
            throw new ApiException(403, "the admin token is handed out only over the admin socket (use ccflarectl dashboard)");
        }
        return Reply.ok(Map.of("token", context.adminToken()));
    }

    @SuppressWarnings("unchecked")
    private Reply updateConfig(ApiCall call) throws Exception {
        JsonBody body = call.jsonObject();
        if (body.isEmpty()) throw ApiException.badRequest("body: no settings (expected: an object of setting names to new values)");
        Map<String, Object> changes = new LinkedHashMap<>(Json.convert(body.tree(), Map.class));
        try {
            return Reply.ok(context.settings().update(changes));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static final Set<String> IMPORT_FIELDS = Set.of("from", "path", "withHistory", "dryRun", "rename");

    /** Imports from an original ccflare or better-ccflare database; a bad source is a 400 naming it. */
    private Reply importOriginal(ApiCall call) throws Exception {
        JsonBody body = call.jsonObject();
        body.allowOnly(IMPORT_FIELDS, "from, path, withHistory, dryRun, rename");
        String from = body.string("from").orElseThrow(
                () -> ApiException.badRequest("from: missing (expected: ccflare or better-ccflare)"));
        String path = body.string("path").filter(p -> !p.isBlank()).orElse(null);
        ImportRequest request = new ImportRequest(from, path, flag(body, "withHistory"), flag(body, "dryRun"), flag(body, "rename"));
        try {
            return Reply.ok(context.status().importOriginal(request));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private static boolean flag(JsonBody body, String field) {
        return body.bool(field).orElse(false);
    }

    private Reply maintenance(ApiCall call, String action) throws Exception {
        call.optionalJsonObject();
        try {
            return Reply.ok(context.status().maintenance(action));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            // The action cannot run in this set-up (e.g. the key belongs to systemd).
            throw new ApiException(409, e.getMessage());
        }
    }
}

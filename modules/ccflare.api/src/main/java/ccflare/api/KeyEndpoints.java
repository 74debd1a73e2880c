package ccflare.api;

import ccflare.core.ClientKey;
import ccflare.core.ClientKeys;
import ccflare.protocol.ClientKeyView;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/keys}: the client keys of a shared proxy: create (the key is shown once), list, revoke. */
final class KeyEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    private static final Set<String> NEW_FIELDS = Set.of("name", "expires", "requestsPerMinute", "dailyUsd");
    private static final Pattern AGE = Pattern.compile("([0-9]{1,6})([mhd])");

    private final ClientKeys keys;
    private final InstantSource clock;

    KeyEndpoints(ClientKeys keys, InstantSource clock) {
        this.keys = keys;
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.add("GET", "/api/keys", call -> Reply.ok(keys.snapshot().stream().map(k -> view(k, null)).toList()))
              .add("POST", "/api/keys", this::create)
              .add("DELETE", "/api/keys/{id}", this::revoke);
    }

    private Reply create(ApiCall call) throws Exception {
        JsonBody body = call.jsonObject();
        body.allowOnly(NEW_FIELDS, "name, expires, requestsPerMinute, dailyUsd");
        String name = body.string("name").orElseThrow(() -> ApiException.badRequest(
                "name: missing (expected: 1 to 64 letters, digits, '.', '_' or '-')"));
        long now = clock.millis();
        long expires = body.string("expires").map(v -> expiry(v, now)).orElse(0L);
        int rpm = body.nonNegativeInt("requestsPerMinute").orElse(0);
        double daily = body.nonNegativeNumber("dailyUsd").orElse(0.0);
        ClientKeys.Created created;
        try {
            created = keys.create(name, now, expires, rpm, daily);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().contains("already exists") ? new ApiException(409, e.getMessage())
                    : ApiException.badRequest(e.getMessage());
        }
        LOG.info("Client key '{}' created", name);
        return Reply.created(view(created.key(), created.secret()), "/api/keys/" + created.key().id());
    }

    private Reply revoke(ApiCall call) {
        String target = call.pathParam(0);
        ClientKey before = keys.find(target).orElseThrow(() -> ApiException.notFound("client key '" + target + "' not found"));
        if (before.revoked()) return Reply.ok(view(before, null));
        ClientKey revoked = keys.revoke(before.id(), clock.millis()).orElseThrow(
                () -> ApiException.notFound("client key '" + target + "' not found"));
        LOG.info("Client key '{}' revoked", revoked.name());
        return Reply.ok(view(revoked, null));
    }

    /** {@code 30d}, {@code 12h}, {@code 90m} from now, or an ISO-8601 instant. */
    static long expiry(String raw, long nowMs) {
        String v = raw.trim();
        Matcher m = AGE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            if (n == 0) throw ApiException.badRequest("expires: '" + raw + "' (expected: a positive age such as 30d)");
            long unit = switch (m.group(2)) {
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            return nowMs + n * unit;
        }
        try {
            long at = Instant.parse(v).toEpochMilli();
            if (at <= nowMs) throw ApiException.badRequest("expires: '" + raw + "' is in the past");
            return at;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("expires: '" + raw
                    + "' (expected: an age such as 90m, 12h or 30d, or an ISO-8601 instant such as 2027-01-01T00:00:00Z)");
        }
    }

    ClientKeyView view(ClientKey k, String secret) {
        long now = clock.millis();
        String status = k.revoked() ? "revoked" : k.expiredAt(now) ? "expired" : "active";
        return new ClientKeyView(k.id(), k.name(), status, Instant.ofEpochMilli(k.createdAtMs()).toString(),
                k.expiresAtMs() == 0 ? null : Instant.ofEpochMilli(k.expiresAtMs()).toString(),
                k.revoked() ? Instant.ofEpochMilli(k.revokedAtMs()).toString() : null,
                k.requestsPerMinute() == 0 ? null : k.requestsPerMinute(), k.dailyUsd() == 0 ? null : k.dailyUsd(), secret);
    }
}

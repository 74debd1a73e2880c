package ccflare.proxy;

import ccflare.core.ClientKey;
import ccflare.core.ClientKeyGate;
import ccflare.core.ClientKeys;
import ccflare.core.RequestLog;
import ccflare.core.RequestRecord;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The client-key step of admission: which key a request presented ({@code x-api-key} or
 * {@code Authorization: Bearer}, whichever carries a {@code ccf_} key), the gate's decision on the
 * keys' snapshot, then the key's limits. Keeps each key's requests of the last minute and spend of
 * the day in memory; the day's spend is read from the database once, at start.
 */
final class ClientAdmission {

    /** The verdict: {@code status} 0 when admitted. {@code keyId} is the key's id when one matched. */
    record Verdict(String keyId, int status, String type, String message, long retryAfterSeconds) {
        boolean admitted() { return status == 0; }
    }

    static final Verdict OPEN = new Verdict("", 0, "", "", 0);

    private final ClientKeys keys;
    private final InstantSource clock;
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();
    private final Map<String, Double> spentAtStart;
    private final long startDay;

    ClientAdmission(ClientKeys keys, InstantSource clock) {
        this.keys = keys;
        this.clock = clock;
        long now = clock.millis();
        this.startDay = Math.floorDiv(now, KeyLimits.DAY_MS);
        this.spentAtStart = keys.required() ? Map.copyOf(keys.spendSince(startDay * KeyLimits.DAY_MS)) : Map.of();
    }

    /** One key's recent use. Guarded by itself. */
    private final class Usage {
        final ArrayDeque<Long> starts = new ArrayDeque<>();
        long day;
        double spent;

        Usage(String keyId) {
            day = startDay;
            spent = spentAtStart.getOrDefault(keyId, 0.0);
        }

        void rollDay(long nowMs) {
            long today = Math.floorDiv(nowMs, KeyLimits.DAY_MS);
            if (today != day) {
                day = today;
                spent = 0;
            }
        }
    }

    Verdict admit(HttpFields headers, long nowMs) {
        if (!keys.required()) return OPEN;
        var decision = ClientKeyGate.decide(keys.snapshot(), presented(headers), nowMs);
        return switch (decision) {
            case ClientKeyGate.Decision.Open open -> OPEN;
            case ClientKeyGate.Decision.Refused refused -> new Verdict("", 401, ErrorBodies.AUTHENTICATION, refused.reason(), 0);
            case ClientKeyGate.Decision.Allowed allowed -> limit(allowed.key(), nowMs);
        };
    }

    private Verdict limit(ClientKey key, long nowMs) {
        if (key.requestsPerMinute() == 0 && key.dailyUsd() == 0) return new Verdict(key.id(), 0, "", "", 0);
        Usage u = usage.computeIfAbsent(key.id(), Usage::new);
        KeyLimits.Verdict v;
        synchronized (u) {
            u.rollDay(nowMs);
            while (!u.starts.isEmpty() && u.starts.peekFirst() <= nowMs - KeyLimits.WINDOW_MS) u.starts.pollFirst();
            v = KeyLimits.decide(key, u.starts.isEmpty() ? nowMs : u.starts.peekFirst(), u.starts.size(), u.spent, nowMs);
            if (v instanceof KeyLimits.Verdict.Admit && key.requestsPerMinute() > 0) u.starts.addLast(nowMs);
        }
        if (v instanceof KeyLimits.Verdict.Limited(long retryAfter, String message)) {
            return new Verdict(key.id(), 429, ErrorBodies.RATE_LIMIT, message, retryAfter);
        }
        return new Verdict(key.id(), 0, "", "", 0);
    }

    /** Adds a finished request's cost to its key's spend of the day. */
    void spent(String keyId, double usd, long atMs) {
        if (keyId.isEmpty() || !(usd > 0)) return;
        Usage u = usage.computeIfAbsent(keyId, Usage::new);
        synchronized (u) {
            u.rollDay(atMs);
            if (Math.floorDiv(atMs, KeyLimits.DAY_MS) == u.day) u.spent += usd;
        }
    }

    /** {@code log}, noting each record's cost against its client key first. */
    RequestLog counting(RequestLog log) {
        return new RequestLog() {
            @Override
            public boolean append(RequestRecord record) {
                spent(record.clientKeyId(), record.costUsd(), clock.millis());
                return log.append(record);
            }

            @Override
            public void started(String requestId, long receivedAtMs, String method, String path) {
                log.started(requestId, receivedAtMs, method, path);
            }
        };
    }

    /** The key a request presented: a {@code ccf_} one in either header first, else whatever it sent. */
    static String presented(HttpFields headers) {
        String apiKey = headers.get("x-api-key");
        String bearer = bearer(headers.get(HttpHeader.AUTHORIZATION));
        if (apiKey != null && apiKey.startsWith(ClientKeyGate.PREFIX)) return apiKey;
        if (bearer != null && bearer.startsWith(ClientKeyGate.PREFIX)) return bearer;
        return apiKey != null && !apiKey.isBlank() ? apiKey.trim() : bearer;
    }

    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7) return null;
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        return authorization.substring(7).trim();
    }

    /** Whether a header value carries a client key, which must never reach an upstream. */
    static boolean carriesClientKey(HttpHeader known, String value) {
        if (value == null) return false;
        if (known == HttpHeader.AUTHORIZATION) {
            String token = bearer(value);
            return token != null && token.startsWith(ClientKeyGate.PREFIX);
        }
        return value.startsWith(ClientKeyGate.PREFIX);
    }
}

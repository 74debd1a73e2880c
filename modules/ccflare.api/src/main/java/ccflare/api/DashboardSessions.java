package ccflare.api;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The dashboard's session cookie, {@value #COOKIE}. Its value is {@code v1.<expiry>.<mac>}:
 * the expiry in epoch seconds and an HMAC-SHA256 over {@code v1.<expiry>} with a key derived from
 * the admin token. Nothing is stored, so a session survives a daemon restart (a dashboard left
 * open for months keeps working); rotating the admin token changes the key and ends every
 * session at once. A session lasts {@link #LIFETIME}.
 *
 * <p>{@link #revoke} ({@code POST /logout}) refuses that one cookie value for the rest of the
 * daemon's life, in memory and bounded; after a restart a copied cookie would be accepted again
 * until it expires. Rotating the admin token is the way to end every session for good.
 */
final class DashboardSessions {

    static final String COOKIE = "ccflare_session";
    static final Duration LIFETIME = Duration.ofDays(30);
    static final int MAX_REVOKED = 1024;
    private static final String VERSION = "v1";
    private static final String KEY_LABEL = "ccflare dashboard session key v1";

    private final InstantSource clock;
    private final SecretKeySpec key;
    // Revoked cookie values to their expiry (epoch seconds), oldest first.
    private final Map<String, Long> revoked = new LinkedHashMap<>();

    DashboardSessions(String adminToken, InstantSource clock) {
        requireNonNull(adminToken, "adminToken");
        this.clock = requireNonNull(clock, "clock");
        // The key is an HMAC of a fixed label under the token: not the token itself, so a cookie
        // MAC never serves as an oracle for the bearer token's own uses.
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(adminToken.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                KEY_LABEL), "HmacSHA256");
    }

    /** A new cookie value, valid for {@link #LIFETIME} from now. */
    String issue() {
        long expiry = clock.millis() / 1000 + LIFETIME.toSeconds();
        String signed = VERSION + "." + expiry;
        return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, signed));
    }

    /** Whether {@code value} is a cookie this daemon issued, not expired and not revoked. */
    boolean valid(String value) {
        return expiry(value).isPresent();
    }

    /** The epoch second a valid cookie expires; empty for a forged, expired, revoked or malformed one. */
    Optional<Long> expiry(String value) {
        if (value == null || value.length() > 200) return Optional.empty();
        String[] parts = value.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION) || parts[1].isEmpty() || parts[1].length() > 12) return Optional.empty();
        long expiry;
        try {
            expiry = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        byte[] mac;
        try {
            mac = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac, hmac(key, parts[0] + "." + parts[1]))) return Optional.empty();
        if (clock.millis() / 1000 >= expiry) return Optional.empty();
        synchronized (revoked) {
            if (revoked.containsKey(value)) return Optional.empty();
        }
        return Optional.of(expiry);
    }

    /** Refuses {@code value} from now on (until the daemon restarts); a value that is not valid is ignored. */
    void revoke(String value) {
        Optional<Long> expiry = expiry(value);
        if (expiry.isEmpty()) return;
        long now = clock.millis() / 1000;
        synchronized (revoked) {
            revoked.values().removeIf(e -> e <= now);
            if (revoked.size() >= MAX_REVOKED) {
                Iterator<String> oldest = revoked.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            revoked.put(value, expiry.get());
        }
    }

    private static byte[] hmac(SecretKeySpec key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }
}

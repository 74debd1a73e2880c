package ccflare.api;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one-time login codes {@code ccflarectl dashboard} puts in the dashboard URL
 * ({@code /?login=CODE}). A code is 256 random bits, valid for {@link #VALIDITY} and for one visit
 * only; only its SHA-256 digest is kept, so a heap dump does not hold a usable code. At most
 * {@link #MAX_OUTSTANDING} are kept: issuing one more drops the oldest, so a script that asks in a
 * loop cannot grow the daemon's memory. A redeemed code is remembered (as used) until it would have
 * expired, so the sign-in page can say "already used" rather than "unknown".
 */
final class LoginCodes {

    static final Duration VALIDITY = Duration.ofSeconds(60);
    static final int MAX_OUTSTANDING = 32;
    private static final int CODE_BYTES = 32;

    /** What a visit with a code gets. */
    sealed interface Redemption {
        /** The code was valid; it is now used. */
        record Accepted() implements Redemption {}

        /** The code was issued and already traded for a session. */
        record AlreadyUsed() implements Redemption {}

        /** The code was issued but is older than {@link #VALIDITY}. */
        record Expired() implements Redemption {}

        /** Never issued by this daemon (or issued before a restart, or dropped as the oldest). */
        record Unknown() implements Redemption {}
    }

    /** A new code and when it stops working. */
    record Issued(String code, Instant expiresAt) {
        @Override public String toString() { return "Issued[code=redacted, expiresAt=" + expiresAt + "]"; }
    }

    private static final class Entry {
        final long expiresAtMs;
        boolean used;

        Entry(long expiresAtMs) { this.expiresAtMs = expiresAtMs; }
    }

    private final InstantSource clock;
    private final SecureRandom random;
    // Insertion order = issue order, so the first entry is the oldest. Keyed by the hex digest of the code.
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    LoginCodes(InstantSource clock, SecureRandom random) {
        this.clock = requireNonNull(clock, "clock");
        this.random = requireNonNull(random, "random");
    }

    /** Issues a new code, valid from now for {@link #VALIDITY}. */
    synchronized Issued issue() {
        long now = clock.millis();
        forgetExpired(now);
        while (entries.size() >= MAX_OUTSTANDING) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        byte[] bytes = new byte[CODE_BYTES];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long expires = now + VALIDITY.toMillis();
        entries.put(digest(code), new Entry(expires));
        return new Issued(code, Instant.ofEpochMilli(expires));
    }

    /** Trades a code for the right to a session: accepted once, then {@link Redemption.AlreadyUsed}. */
    synchronized Redemption redeem(String code) {
        requireNonNull(code, "code");
        long now = clock.millis();
        Entry e = entries.get(digest(code));
        if (e == null) return new Redemption.Unknown();
        if (e.used) return new Redemption.AlreadyUsed();
        if (now >= e.expiresAtMs) return new Redemption.Expired();
        e.used = true;
        return new Redemption.Accepted();
    }

    /** Codes kept right now, used ones included; for tests of the bound. */
    synchronized int kept() { return entries.size(); }

    /** Entries are kept one more {@link #VALIDITY} after they expire, so a late visit hears "expired". */
    private void forgetExpired(long now) {
        entries.values().removeIf(e -> now >= e.expiresAtMs + VALIDITY.toMillis());
    }

    private static String digest(String code) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}

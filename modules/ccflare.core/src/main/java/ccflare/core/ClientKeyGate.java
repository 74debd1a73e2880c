package ccflare.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Whether a request may use the proxy, by the client key it presented: a pure function of the
 * defined keys, the presented key and the time. No key defined: open. Any key defined (even a
 * revoked one): a valid key is required.
 */
public final class ClientKeyGate {

    private ClientKeyGate() {}

    /** Every client key starts with this. */
    public static final String PREFIX = "ccf_";

    /** The verdict on one request. */
    public sealed interface Decision {
        /** No client key is defined: anyone who passes the Host/Origin check may use the proxy. */
        record Open() implements Decision {}

        record Allowed(ClientKey key) implements Decision {}

        /** {@code reason} is the sentence the client is given. */
        record Refused(String reason) implements Decision {}
    }

    static final Decision OPEN = new Decision.Open();

    /**
     * @param keys      every defined key (revoked ones too)
     * @param presented the key the client sent, null when it sent none
     */
    public static Decision decide(List<ClientKey> keys, String presented, long nowMs) {
        if (keys.isEmpty()) return OPEN;
        if (presented == null || presented.isBlank()) {
            return new Decision.Refused("this proxy requires a client key: send it as x-api-key or as"
                    + " Authorization: Bearer (an administrator makes one with: ccflarectl keys create NAME)");
        }
        byte[] hash = hashBytes(presented);
        ClientKey found = null;
        // Every key is compared, in constant time each, so the time taken says nothing about which matched.
        for (ClientKey k : keys) {
            if (MessageDigest.isEqual(hash, HexFormat.of().parseHex(k.hash())) && found == null) found = k;
        }
        if (found == null) return new Decision.Refused("unknown client key");
        if (found.revoked()) return new Decision.Refused("client key '" + found.name() + "' was revoked");
        if (found.expiredAt(nowMs)) {
            return new Decision.Refused("client key '" + found.name() + "' expired at "
                    + Instant.ofEpochMilli(found.expiresAtMs()));
        }
        return new Decision.Allowed(found);
    }

    /** The stored form of a key: hex SHA-256 of its UTF-8 bytes. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(hashBytes(key));
    }

    private static byte[] hashBytes(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}

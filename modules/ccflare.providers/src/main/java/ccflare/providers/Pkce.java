package ccflare.providers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * PKCE (RFC 7636, S256) and the anti-forgery {@code state} of one sign-in. The state is its own
 * random value: the original sent the verifier as the state, which hands the secret half of PKCE
 * to anything that sees the redirect.
 */
record Pkce(String verifier, String challenge, String state) {

    private static final SecureRandom RANDOM = new SecureRandom();

    static Pkce generate() {
        String verifier = random();
        return new Pkce(verifier, challenge(verifier), random());
    }

    /** base64url without padding of SHA-256 over the verifier's ASCII bytes. */
    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** 32 random bytes as base64url without padding: 43 characters. */
    static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Compares without leaking, through timing, how much of a guessed state was right. */
    static boolean sameState(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    @Override public String toString() { return "Pkce[redacted]"; }
}

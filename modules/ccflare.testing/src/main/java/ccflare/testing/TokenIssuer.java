package ccflare.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The OAuth token endpoint's state: PKCE expectations, live refresh tokens (single use), issued pairs. */
final class TokenIssuer {
    /** An answer of the token endpoint. */
    record Answer(int status, String json) {}

    private final Map<String, String> expectedCodes = new HashMap<>(); // code -> challenge ("" = no PKCE check)
    private final Set<String> liveRefreshTokens = new HashSet<>();
    private final List<FakeUpstream.Tokens> issued = new ArrayList<>();
    private boolean codesRegistered;
    private int counter;

    synchronized void expect(String code, String challenge) { 
        expectedCodes.put(code, challenge == null ? "" : challenge);
        codesRegistered = true;
    }

    synchronized FakeUpstream.Tokens issue(long expiresIn) {
        counter++;
        FakeUpstream.Tokens t = new FakeUpstream.Tokens("fake-access-" + counter, "fake-refresh-" + counter, expiresIn);
        liveRefreshTokens.add(t.refreshToken());
        issued.add(t);
        return t;
    }

    synchronized List<FakeUpstream.Tokens> issued() { return List.copyOf(issued); }

    synchronized void reset() {
        expectedCodes.clear();
        codesRegistered = false;
        liveRefreshTokens.clear();
        issued.clear();
    }

    synchronized Answer grant(Map<String, String> params, long expiresIn, boolean withIdToken) {
        String grantType = params.getOrDefault("grant_type", "");
        switch (grantType) {
            case "authorization_code" -> {
                String code = params.get("code");
                if (code == null || code.isBlank()) return error("invalid_request", "code is required");
                if (codesRegistered) {
                    String challenge = expectedCodes.get(code);
                    if (challenge == null) return error("invalid_grant", "Invalid authorization code");
                    if (!challenge.isEmpty()) {
                        String verifier = params.get("code_verifier");
                        if (verifier == null || !challenge.equals(s256(verifier)))
                            return error("invalid_grant", "Invalid code verifier");
                    }
                    expectedCodes.remove(code); // codes are single-use
                }
            }
            case "refresh_token" -> {
                String rt = params.get("refresh_token");
                if (rt == null || !liveRefreshTokens.remove(rt)) return error("invalid_grant", "Invalid refresh token");
            }
            default -> {
                return error("unsupported_grant_type", "Unsupported grant_type");
            }
        }
        FakeUpstream.Tokens t = issue(expiresIn);
        ObjectNode body = Transcripts.JSON.createObjectNode()
                .put("token_type", "Bearer")
                .put("access_token", t.accessToken())
                .put("refresh_token", t.refreshToken())
                .put("expires_in", t.expiresInSeconds())
                .put("scope", "user:inference user:profile");
        if (withIdToken) body.put("id_token", idToken());
        return new Answer(200, Transcripts.write(body));
    }

    private static Answer error(String error, String description) {
        return new Answer(400, Transcripts.write(Transcripts.JSON.createObjectNode()
                .put("error", error).put("error_description", description)));
    }

    /** The PKCE S256 challenge of a verifier: base64url, no padding, of SHA-256 over its ASCII bytes. */
    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned JWT shaped like the one auth.openai.com returns, so Codex clients can read the account id. */
    private static String idToken() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"email\":\"fake@example.com\",\"https://api.openai.com/auth\":"
                + "{\"chatgpt_account_id\":\"acct-fake\",\"chatgpt_plan_type\":\"pro\"}}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }
}

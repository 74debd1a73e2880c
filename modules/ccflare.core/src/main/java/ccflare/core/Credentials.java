package ccflare.core;

import static java.util.Objects.requireNonNull;

/**
 * An account's secret material. {@link #toString()} never prints a secret, so a credential that
 * ends up in a log line or an exception message leaks nothing.
 */
public sealed interface Credentials {

    /** A static API key ({@code anthropic}, {@code openai}). */
    record ApiKey(String key) implements Credentials {
        public ApiKey {
            requireNonNull(key, "key");
            if (key.isBlank()) throw new IllegalArgumentException("apiKey: empty (expected: a key)");
        }
        @Override public String toString() { return "ApiKey[redacted]"; }
    }

    /**
     * OAuth tokens. {@code refreshToken} may be empty when the provider issued none;
     * {@code expiresAtMs} is epoch milliseconds, 0 when unknown (forces a refresh on first use).
     */
    record OAuthTokens(String accessToken, String refreshToken, long expiresAtMs) implements Credentials {
        public OAuthTokens {
            requireNonNull(accessToken, "accessToken");
            requireNonNull(refreshToken, "refreshToken");
        }
        @Override public String toString() { return "OAuthTokens[redacted, expiresAtMs=" + expiresAtMs + "]"; }
    }
}

package ccflare.providers;

import ccflare.core.AccountRegistry;
import ccflare.core.Config;
import ccflare.core.OAuthFlows;
import ccflare.core.TokenSource;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;

/**
 * OAuth for the subscription kinds ({@code claude-code}, {@code codex}): signing accounts in
 * ({@link #flows}) and keeping their access tokens fresh ({@link #tokens}). Both talk to the token
 * endpoints of {@link Config.OAuth} with the given client (each request times out after 15 s)
 * and read every time from the given clock. Log lines go to the logger {@code ccflare.providers.OAuth}
 * and never carry a code, verifier, state or token.
 */
public final class OAuth {

    private OAuth() {}

    /**
     * The sign-in flows. A {@code codex} flow listens on {@code 127.0.0.1:}{@link Config.OAuth#codexCallbackPort()}
     * while it is pending (the listener closes by itself when no codex flow is pending).
     */
    public static OAuthFlows flows(Config.OAuth config, AccountRegistry accounts, InstantSource clock, HttpClient http) {
        return new SignInFlows(config, accounts, clock, http);
    }

    /** The token source of the proxy; create one per daemon, since its single-flight and backoff state are per instance. */
    public static TokenSource tokens(Config.OAuth config, AccountRegistry accounts, InstantSource clock, HttpClient http) {
        return new TokenRefresher(config, accounts, clock, http);
    }

    /** A client suited to token endpoints: 10 s connect timeout, redirects not followed. */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}

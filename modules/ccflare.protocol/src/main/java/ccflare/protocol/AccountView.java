package ccflare.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One account as {@code GET /api/accounts} shows it. Never carries a secret: {@code hasCredentials}
 * says whether one is held, {@code tokenExpiresAt} when an OAuth access token runs out.
 * Times are ISO-8601 strings; fractions are 0..1.
 *
 * @param baseUrl           the account's own upstream base URL; absent when it uses the provider default
 * @param lastUsed          null when never used
 * @param sessionStart      start of the current sticky session; null when none
 * @param rateLimitStatus   for example {@code OK}, {@code allowed_warning (42m)}, {@code rate_limited (3m)}
 * @param rateLimitReset    when the provider's reported limit resets; null when unknown
 * @param rateLimitRemaining remaining requests/tokens the provider reported; null when unknown
 * @param usage5h           utilisation of the 5-hour window; absent when the provider does not report it
 * @param usage7d           utilisation of the 7-day window; absent when unknown
 * @param tokenExpiresAt    OAuth accounts only: when the access token expires; absent when unknown
 * @param hasCredentials    whether usable credentials are held (false when they could not be decrypted)
 */
public record AccountView(String id, String name, String provider, int priority, boolean paused,
                          String baseUrl, String created,
                          @JsonInclude(JsonInclude.Include.ALWAYS) String lastUsed,
                          long requestCount, long totalRequests,
                          @JsonInclude(JsonInclude.Include.ALWAYS) String sessionStart,
                          long sessionRequestCount, String rateLimitStatus,
                          @JsonInclude(JsonInclude.Include.ALWAYS) String rateLimitReset,
                          @JsonInclude(JsonInclude.Include.ALWAYS) Long rateLimitRemaining,
                          Double usage5h, String usage5hReset, Double usage7d, String usage7dReset,
                          boolean needsReauth, String tokenExpiresAt, boolean hasCredentials) {
    public AccountView {
        requireNonNull(id, "id");
        requireNonNull(name, "name");
        requireNonNull(provider, "provider");
        baseUrl = baseUrl == null || baseUrl.isEmpty() ? null : baseUrl;
    }
}

package ccflare.providers;

import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the proxy needs to know about one upstream kind. Stateless and thread-safe; obtained from
 * {@link Providers#adapter(ProviderKind)}.
 */
public interface ProviderAdapter {

    ProviderKind kind();

    /**
     * The one header that carries this credential upstream, e.g. {@code x-api-key: sk-…} or
     * {@code authorization: Bearer …}. Header names are lower case.
     */
    Map.Entry<String, String> credentialHeader(Credentials credentials);

    /** Values this kind adds to the {@code anthropic-beta} set (e.g. {@code oauth-2025-04-20}); may be empty. */
    List<String> requiredBetas();

    /**
     * Reads the rate-limit headers of a response.
     *
     * @param status   the upstream status
     * @param header   looks a response header up by lower-case name; null when absent
     * @param nowMs    current epoch ms
     * @param previous the account's state before this response
     */
    RateLimitReading readRateLimit(int status, Function<String, String> header, long nowMs, RateLimitState previous);

    /**
     * Whether a 2xx response nevertheless says the provider refused this request (for Anthropic: a
     * hard {@code anthropic-ratelimit-unified-status}), so it may be retried on another account. A
     * 2xx that merely exhausts the account (a bucket at 0, a window at 100 %) is served work and
     * answers false: it is delivered, and the account rests afterwards.
     *
     * @param header looks a response header up by lower-case name; null when absent
     */
    default boolean refusedDespiteSuccess(Function<String, String> header) { return false; }

    /**
     * A fresh scanner for one response body of the given content type (may be empty); it reads
     * {@code clock} to time the first and last tokens.
     */
    UsageScanner newUsageScanner(String contentType, InstantSource clock);
}

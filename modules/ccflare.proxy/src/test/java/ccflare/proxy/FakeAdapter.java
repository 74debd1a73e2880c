package ccflare.proxy;

import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import ccflare.core.Usage;
import ccflare.providers.ProviderAdapter;
import ccflare.providers.RateLimitReading;
import ccflare.providers.UsageScanner;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A small stand-in for the real provider adapters: API keys as x-api-key (anthropic) or bearer,
 * OAuth as bearer with the oauth beta, 429 (and the "rate_limited" unified status) limited until
 * retry-after, usage read from "input_tokens"/"output_tokens"/"model" anywhere in the body.
 */
final class FakeAdapter implements ProviderAdapter {
    private final ProviderKind kind;

    FakeAdapter(ProviderKind kind) { this.kind = kind; }

    static ProviderAdapter of(ProviderKind kind) { return new FakeAdapter(kind); }

    @Override public ProviderKind kind() { return kind; }

    @Override public Map.Entry<String, String> credentialHeader(Credentials credentials) {
        return switch (credentials) {
            case Credentials.ApiKey k -> kind == ProviderKind.ANTHROPIC ? Map.entry("x-api-key", k.key())
                    : Map.entry("authorization", "Bearer " + k.key());
            case Credentials.OAuthTokens t -> Map.entry("authorization", "Bearer " + t.accessToken());
        };
    }

    @Override public List<String> requiredBetas() {
        return kind == ProviderKind.CLAUDE_CODE ? List.of("oauth-2025-04-20") : List.of();
    }

    @Override public boolean refusedDespiteSuccess(Function<String, String> header) {
        return "rate_limited".equals(header.apply("anthropic-ratelimit-unified-status"));
    }

    @Override public RateLimitReading readRateLimit(int status, Function<String, String> header, long nowMs,
                                                    RateLimitState previous) {
        String unified = header.apply("anthropic-ratelimit-unified-status");
        boolean limited = status == 429 || "rate_limited".equals(unified)
                || "0".equals(header.apply("x-ratelimit-remaining-requests"));
        long until = 0;
        String retryAfter = header.apply("retry-after");
        if (limited && retryAfter != null) until = nowMs + Long.parseLong(retryAfter.trim()) * 1000;
        RateLimitState state = new RateLimitState(unified == null ? previous.status() : unified, 0, -1,
                limited ? until : previous.limitedUntilMs(), -1, 0, -1, 0);
        return new RateLimitReading(state, limited, until);
    }

    @Override public UsageScanner newUsageScanner(String contentType, InstantSource clock) {
        return new UsageScanner() {
            private final StringBuilder seen = new StringBuilder();
            @Override public void accept(byte[] bytes, int offset, int length) {
                if (seen.length() < 100_000) seen.append(new String(bytes, offset, length, StandardCharsets.UTF_8));
            }
            @Override public void finish() {}
            @Override public Usage usage() {
                return new Usage(last("\"input_tokens\":"), last("\"output_tokens\":"), 0, 0, 0);
            }
            @Override public String model() {
                int i = seen.indexOf("\"model\":\"");
                if (i < 0) return "";
                int start = i + 9;
                return seen.substring(start, seen.indexOf("\"", start));
            }
            @Override public long firstTokenAtMs() { return 0; }
            @Override public long lastTokenAtMs() { return 0; }
            private long last(String key) {
                int i = seen.lastIndexOf(key);
                if (i < 0) return 0;
                int j = i + key.length();
                int k = j;
                while (k < seen.length() && Character.isDigit(seen.charAt(k))) k++;
                return k == j ? 0 : Long.parseLong(seen.substring(j, k));
            }
        };
    }
}

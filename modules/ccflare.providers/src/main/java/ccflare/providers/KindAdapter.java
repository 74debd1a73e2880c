package ccflare.providers;

import static java.util.Objects.requireNonNull;

import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The adapter of one provider kind: how its credential is sent, which betas it needs, whose
 * rate-limit headers it reads and which usage dialect its bodies speak. Stateless.
 */
final class KindAdapter implements ProviderAdapter {

    /** Reads one family's rate-limit headers. */
    @FunctionalInterface
    interface LimitReader {
        RateLimitReading read(int status, Function<String, String> header, long nowMs, RateLimitState previous);
    }

    /** Claude OAuth tokens are refused by the API unless this beta is present. */
    static final String OAUTH_BETA = "oauth-2025-04-20";

    private final ProviderKind kind;
    private final List<String> betas;
    private final LimitReader limits;
    private final ScanDialect dialect;

    private KindAdapter(ProviderKind kind, List<String> betas, LimitReader limits, ScanDialect dialect) {
        this.kind = kind;
        this.betas = List.copyOf(betas);
        this.limits = limits;
        this.dialect = dialect;
    }

    static KindAdapter of(ProviderKind kind) {
        return switch (kind) {
            case ANTHROPIC -> new KindAdapter(kind, List.of(), AnthropicLimits::read, ScanDialect.ANTHROPIC);
            case CLAUDE_CODE -> new KindAdapter(kind, List.of(OAUTH_BETA), AnthropicLimits::read, ScanDialect.ANTHROPIC);
            case OPENAI -> new KindAdapter(kind, List.of(), OpenAiLimits::read, ScanDialect.OPENAI);
            case CODEX -> new KindAdapter(kind, List.of(), CodexLimits::read, ScanDialect.OPENAI);
        };
    }

    @Override public ProviderKind kind() { return kind; }

    /**
     * {@code x-api-key} for Anthropic API keys, {@code authorization: Bearer} for everything else.
     *
     * @throws IllegalArgumentException when the credential is not of this kind's sort (an API key for
     *         an OAuth kind or the reverse) or the OAuth access token is empty; the message names no secret
     */
    @Override
    public Map.Entry<String, String> credentialHeader(Credentials credentials) {
        requireNonNull(credentials, "credentials");
        if (kind.oauth()) {
            if (!(credentials instanceof Credentials.OAuthTokens tokens)) {
                throw new IllegalArgumentException("credentials: an API key (expected: OAuth tokens for " + kind.id() + ")");
            }
            if (tokens.accessToken().isBlank()) {
                throw new IllegalArgumentException("credentials: empty access token (expected: a token; refresh first)");
            }
            return Map.entry("authorization", "Bearer " + tokens.accessToken());
        }
        if (!(credentials instanceof Credentials.ApiKey key)) {
            throw new IllegalArgumentException("credentials: OAuth tokens (expected: an API key for " + kind.id() + ")");
        }
        return kind == ProviderKind.ANTHROPIC
                ? Map.entry("x-api-key", key.key())
                : Map.entry("authorization", "Bearer " + key.key());
    }

    @Override public List<String> requiredBetas() { return betas; }

    /**
     * Also sets {@code coolUntilMs} on a response that is not {@code limited}: when a 529 or 5xx
     * carried {@code retry-after}, it is the instant asked for (clamped to 1 s … 24 h), else 0.
     * {@code limited} can be true on a 2xx (an OpenAI bucket at 0, a Codex window at 100 %, a hard
     * unified status): that response is good to deliver, the account just rests afterwards.
     * Never throws on header values; garbage is ignored.
     */
    @Override
    public boolean refusedDespiteSuccess(Function<String, String> header) {
        if (kind.family() != ProviderKind.Family.ANTHROPIC) return false;
        String status = header.apply("anthropic-ratelimit-unified-status");
        return status != null && AnthropicLimits.HARD.contains(status.trim());
    }

    @Override
    public RateLimitReading readRateLimit(int status, Function<String, String> header, long nowMs, RateLimitState previous) {
        requireNonNull(header, "header");
        requireNonNull(previous, "previous");
        return limits.read(status, header, nowMs, previous);
    }

    @Override
    public UsageScanner newUsageScanner(String contentType, InstantSource clock) {
        requireNonNull(clock, "clock");
        return dialect.newScanner(contentType, clock);
    }

    @Override public String toString() { return "ProviderAdapter[" + kind.id() + "]"; }
}

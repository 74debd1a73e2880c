package ccflare.proxy;

import ccflare.core.ProviderKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where a {@code /v1/**} request goes. A path is read once, with plain string operations (no
 * regex on the hot path):
 * <ul>
 *   <li>{@code /v1/{anthropic|openai|claude-code|codex}/rest} strips {@code /v1/{provider}} once
 *       and sends {@code /rest} to that provider's base URL, with only that provider's accounts;</li>
 *   <li>{@code /v1/{other}/v1/...} looks like a provider prefix we do not know: refused with 404;</li>
 *   <li>any other {@code /v1/rest} is the drop-in Anthropic route, forwarded unchanged, served by
 *       the Anthropic family (claude-code and anthropic accounts).</li>
 * </ul>
 */
sealed interface Route {

    String V1 = "/v1/";

    /**
     * A proxied request.
     *
     * @param kinds        the account kinds that may serve it
     * @param primary      the kind whose base URL and adapter serve a pass-through (no account)
     * @param upstreamPath the path appended to the base URL (raw, still percent-encoded)
     */
    record Match(Set<ProviderKind> kinds, ProviderKind primary, String upstreamPath) implements Route {}

    /** {@code /v1/{name}/v1/...} with an unknown {@code name}. */
    record UnknownPrefix(String name) implements Route {}

    /** Not a {@code /v1/**} path: another handler's business. */
    record NotProxied() implements Route {}

    /**
     * The kinds that serve the drop-in route. Shared by every such {@link Match}, so read-only;
     * an {@link EnumSet} underneath keeps {@code contains} a bit test.
     */
    Set<ProviderKind> ANTHROPIC_FAMILY =
            Collections.unmodifiableSet(EnumSet.of(ProviderKind.CLAUDE_CODE, ProviderKind.ANTHROPIC));

    /** {@code ProviderKind.values()} clones its array on every call; routing runs per request. */
    ProviderKind[] KINDS = ProviderKind.values();

    /** Routes a raw request path (no query). */
    static Route of(String path) {
        if (path == null || !path.startsWith(V1)) return new NotProxied();
        int segmentEnd = path.indexOf('/', V1.length());
        String segment = segmentEnd < 0 ? path.substring(V1.length()) : path.substring(V1.length(), segmentEnd);
        String rest = segmentEnd < 0 ? "" : path.substring(segmentEnd);
        for (ProviderKind kind : KINDS) {
            if (kind.id().equals(segment)) return new Match(EnumSet.of(kind), kind, rest);
        }
        if (!segment.isEmpty() && rest.startsWith(V1)) return new UnknownPrefix(segment);
        return new Match(ANTHROPIC_FAMILY, ProviderKind.ANTHROPIC, path);
    }
}

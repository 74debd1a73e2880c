package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ccflare.core.Account;
import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.core.RateLimitState;

/**
 * What an import of an original's accounts will do, decided before anything is written: each
 * source account becomes an {@link Step.Add} (with the account and credentials it will have
 * here) or a {@link Step.Skip} with the reason. {@link #of} is a pure function of the source rows,
 * the accounts that exist here and the rename option.
 *
 * <p>Rules: an account whose id exists here was imported before (the id is kept, which makes a
 * second import add nothing); a name in use (here, or earlier in the source, which allows
 * repeats) is skipped unless {@code rename}, which appends {@code -2}, {@code -3}…; a name outside
 * the account-name rule is skipped, or with {@code rename} has the other characters replaced by
 * {@code -}; a provider without a counterpart here, or an account without usable credentials,
 * is skipped. Priority comes from better-ccflare, paused from both; tiers, sessions and
 * rate-limit state are not kept (they are stale or, for tiers, had no effect).
 */
record ImportPlan(OriginalSchema schema, List<Step> steps) {

    /** The account-name rule of the API: 1–100 of {@code [a-zA-Z0-9 _\-@.+]}. */
    static final int MAX_NAME_LENGTH = 100;

    ImportPlan {
        requireNonNull(schema, "schema");
        steps = List.copyOf(steps);
    }

    /** One decision per source account. */
    sealed interface Step {
        /** The source account is added as {@code account}; {@code notes} say what changed on the way. */
        record Add(OriginalAccount from, Account account, Credentials credentials, List<String> notes) implements Step {
            public Add {
                requireNonNull(from, "from");
                requireNonNull(account, "account");
                requireNonNull(credentials, "credentials");
                notes = List.copyOf(notes);
            }
        }

        /** The source account named {@code name} is left out, for {@code reason}. */
        record Skip(String name, String reason) implements Step {
            public Skip {
                requireNonNull(name, "name");
                requireNonNull(reason, "reason");
            }
        }
    }

    List<Step.Add> additions() {
        return steps.stream().filter(s -> s instanceof Step.Add).map(s -> (Step.Add) s).toList();
    }

    List<Step.Skip> skips() {
        return steps.stream().filter(s -> s instanceof Step.Skip).map(s -> (Step.Skip) s).toList();
    }

    /** Decides every source account, in source order. */
    static ImportPlan of(OriginalSchema schema, List<OriginalAccount> source, List<Account> existing, boolean rename) {
        requireNonNull(schema, "schema");
        requireNonNull(source, "source");
        requireNonNull(existing, "existing");
        Map<String, Account> byId = new HashMap<>();
        Set<String> taken = new HashSet<>();
        for (Account a : existing) {
            byId.put(a.id(), a);
            taken.add(a.name());
        }
        Set<String> seenIds = new HashSet<>();
        List<Step> steps = new ArrayList<>();
        for (OriginalAccount from : source) {
            steps.add(decide(schema, from, byId, taken, seenIds, rename));
        }
        return new ImportPlan(schema, steps);
    }

    private static Step decide(OriginalSchema schema, OriginalAccount from, Map<String, Account> byId,
                               Set<String> taken, Set<String> seenIds, boolean rename) {
        String shown = from.name().isBlank() ? "(unnamed, id " + from.id() + ")" : from.name();
        if (from.id().isEmpty()) return new Step.Skip(shown, "it has no id");
        Account here = byId.get(from.id());
        if (here != null) {
            return new Step.Skip(shown, "already imported (it is account '" + here.name() + "' here)");
        }
        if (!seenIds.add(from.id())) return new Step.Skip(shown, "its id " + from.id() + " repeats in the source");

        List<String> notes = new ArrayList<>();
        ProviderKind kind;
        switch (kind(from)) {
            case Counterpart.None none -> { return new Step.Skip(shown, none.why()); }
            case Counterpart.Kind k -> kind = k.kind();
        }
        if (!kind.id().equals(from.provider())) notes.add("provider '" + from.provider() + "' becomes " + kind.id());

        Credentials credentials;
        if (kind.oauth()) {
            if (!from.hasTokens()) return new Step.Skip(shown, "no OAuth tokens stored; add it again with ccflarectl add");
            credentials = new Credentials.OAuthTokens(from.accessToken(), from.refreshToken(), Math.max(0, from.expiresAtMs()));
            if (from.expiresAtMs() <= 0) notes.add("token expiry unknown: refreshed on first use");
            if (from.refreshToken().isEmpty()) notes.add("no refresh token: sign in again when the access token expires");
        } else {
            if (!from.hasApiKey()) return new Step.Skip(shown, "no API key stored; add it again with ccflarectl add");
            credentials = new Credentials.ApiKey(from.apiKey());
        }

        String baseUrl = "";
        if (!from.endpoint().isEmpty()) {
            if (!isHttpUrl(from.endpoint())) {
                return new Step.Skip(shown, "its endpoint '" + from.endpoint() + "' is not an absolute http(s) URL");
            }
            baseUrl = from.endpoint();
        }
        if (from.tier() > 1) notes.add("tier " + from.tier() + " not kept (tiers change nothing here)");

        String name = from.name().trim();
        if (!fitsNameRule(name)) {
            if (!rename) {
                return new Step.Skip(shown, "the name does not fit the rule here (1-" + MAX_NAME_LENGTH
                        + " characters: letters, digits, space and _ - @ . +); import with --rename");
            }
            name = tidy(name);
        }
        if (taken.contains(name)) {
            if (!rename) return new Step.Skip(shown, "an account named '" + name + "' exists; import with --rename to add it under another name");
            name = freeName(name, taken);
        }
        if (!name.equals(from.name())) notes.add("renamed from '" + from.name() + "'");
        taken.add(name);

        int priority = schema == OriginalSchema.BETTER_CCFLARE ? Math.max(0, from.priority()) : 0;
        Account account = new Account(from.id(), name, kind, priority, from.paused(), baseUrl,
                from.createdAtMs() > 0 ? from.createdAtMs() : 1, Math.max(0, from.lastUsedMs()),
                Math.max(0, from.requestCount()), Math.max(0, from.totalRequests()), 0, 0, RateLimitState.NONE, false);
        return new Step.Add(from, account, credentials, notes);
    }

    /** The kind here of a source provider, or why there is none. */
    private sealed interface Counterpart {
        record Kind(ProviderKind kind) implements Counterpart {}
        record None(String why) implements Counterpart {}
    }

    private static Counterpart kind(OriginalAccount from) {
        String p = from.provider().toLowerCase(Locale.ROOT);
        return switch (p) {
            // The original's only provider: OAuth (Claude Max/Pro), or an API key for "console" accounts.
            case "anthropic" -> new Counterpart.Kind(from.hasTokens() && !from.hasApiKey() ? ProviderKind.CLAUDE_CODE
                    : from.hasApiKey() ? ProviderKind.ANTHROPIC : ProviderKind.CLAUDE_CODE);
            case "claude-console-api", "console" -> new Counterpart.Kind(ProviderKind.ANTHROPIC);
            case "claude-code", "claude-oauth" -> new Counterpart.Kind(ProviderKind.CLAUDE_CODE);
            case "openai" -> new Counterpart.Kind(ProviderKind.OPENAI);
            case "codex" -> new Counterpart.Kind(ProviderKind.CODEX);
            case "anthropic-compatible" -> from.endpoint().isEmpty()
                    ? new Counterpart.None("provider 'anthropic-compatible' without an endpoint")
                    : new Counterpart.Kind(ProviderKind.ANTHROPIC);
            case "openai-compatible" -> from.endpoint().isEmpty()
                    ? new Counterpart.None("provider 'openai-compatible' without an endpoint")
                    : new Counterpart.Kind(ProviderKind.OPENAI);
            default -> new Counterpart.None("provider '" + from.provider() + "' has no counterpart here (kinds: anthropic,"
                    + " claude-code, openai, codex)");
        };
    }

    static boolean fitsNameRule(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) return false;
        for (int i = 0; i < name.length(); i++) {
            if (!allowed(name.charAt(i))) return false;
        }
        return true;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == ' ' || c == '_' || c == '-' || c == '@' || c == '.' || c == '+';
    }

    /** Characters outside the rule become '-'; an empty name becomes "imported". */
    private static String tidy(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length() && b.length() < MAX_NAME_LENGTH - 4; i++) {
            char c = name.charAt(i);
            b.append(allowed(c) ? c : '-');
        }
        String t = b.toString().trim();
        return t.isEmpty() ? "imported" : t;
    }

    private static String freeName(String name, Set<String> taken) {
        String base = name.length() > MAX_NAME_LENGTH - 4 ? name.substring(0, MAX_NAME_LENGTH - 4) : name;
        for (int n = 2; ; n++) {
            String candidate = base + "-" + n;
            if (!taken.contains(candidate)) return candidate;
        }
    }

    private static boolean isHttpUrl(String s) {
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}

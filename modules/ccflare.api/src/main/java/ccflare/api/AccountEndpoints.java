package ccflare.api;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.AccountStore;
import ccflare.core.Credentials;
import ccflare.core.ProviderKind;
import ccflare.protocol.AccountView;
import ccflare.protocol.ActionResult;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /api/accounts/**}: list, add (API-key accounts), remove, pause, resume, rename, priority, base URL. */
final class AccountEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(Api.class);

    static final int MAX_NAME_LENGTH = 100;
    private static final Set<String> NEW_FIELDS = Set.of("name", "provider", "apiKey", "baseUrl", "priority");
    private static final Set<String> PATCH_FIELDS = Set.of("baseUrl", "priority", "name", "paused");

    private final AccountRegistry accounts;
    private final InstantSource clock;

    AccountEndpoints(AccountRegistry accounts, InstantSource clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    void register(Routes routes) {
        routes.add("GET", "/api/accounts", this::list)
              .add("POST", "/api/accounts", this::add)
              .add("GET", "/api/accounts/{id}", this::get)
              .add("DELETE", "/api/accounts/{id}", this::remove)
              .add("PATCH", "/api/accounts/{id}", this::patch)
              .add("POST", "/api/accounts/{id}/pause", call -> setPaused(call, true))
              .add("POST", "/api/accounts/{id}/resume", call -> setPaused(call, false))
              .add("POST", "/api/accounts/{id}/rename", this::rename)
              .add("POST", "/api/accounts/{id}/priority", this::priority);
    }

    private Reply list(ApiCall call) {
        long now = clock.millis();
        List<AccountView> views = accounts.accounts().stream().map(a -> view(a, now)).toList();
        return Reply.ok(views);
    }

    private Reply get(ApiCall call) {
        return Reply.ok(view(find(call), clock.millis()));
    }

    private Reply add(ApiCall call) throws Exception {
        JsonBody body = call.jsonObject();
        body.allowOnly(NEW_FIELDS, "name, provider, apiKey, baseUrl, priority");
        String name = validName(body.string("name").orElseThrow(
                () -> ApiException.badRequest("name: missing (expected: " + NAME_RULE + ")")));
        String providerId = body.string("provider").orElseThrow(
                () -> ApiException.badRequest("provider: missing (expected: anthropic or openai)"));
        ProviderKind provider = ProviderKind.byId(providerId).orElseThrow(() -> ApiException.badRequest(
                "provider: '" + providerId + "' (expected: anthropic or openai, or claude-code/codex through"
                        + " POST /api/auth/{provider}/init)"));
        if (provider.oauth()) {
            throw ApiException.badRequest("provider: '" + provider.id() + "' signs in with OAuth"
                    + " (use POST /api/auth/" + provider.id() + "/init)");
        }
        String apiKey = body.secret("apiKey").map(String::trim).filter(k -> !k.isEmpty()).orElseThrow(
                () -> ApiException.badRequest("apiKey: missing (expected: the " + provider.id() + " API key)"));
        String baseUrl = body.string("baseUrl").map(AccountEndpoints::validBaseUrl).orElse("");
        int priority = body.nonNegativeInt("priority").orElse(0);
        Account added = accounts.add(UUID.randomUUID().toString(), name, provider, priority, baseUrl,
                new Credentials.ApiKey(apiKey));
        LOG.info(AccountChanges.added(added));
        return Reply.created(view(added, clock.millis()), "/api/accounts/" + added.id());
    }

    private Reply remove(ApiCall call) {
        Account a = find(call);
        if (!accounts.remove(a.id())) throw notFound(call.pathParam(0));
        LOG.info(AccountChanges.removed(a));
        return Reply.ok(ActionResult.ok("Account '" + a.name() + "' removed"));
    }

    private Reply setPaused(ApiCall call, boolean paused) throws Exception {
        call.optionalJsonObject();
        Account a = find(call);
        String verb = paused ? "paused" : "resumed";
        if (a.paused() == paused) {
            return Reply.ok(ActionResult.ok("Account '" + a.name() + "' was already " + verb, view(a, clock.millis())));
        }
        Account changed = change(call, a, x -> x.withPaused(paused));
        return Reply.ok(ActionResult.ok("Account '" + a.name() + "' " + verb, view(changed, clock.millis())));
    }

    private Reply rename(ApiCall call) throws Exception {
        JsonBody body = call.jsonObject();
        body.allowOnly(Set.of("name"), "name");
        String name = validName(body.string("name").orElseThrow(
                () -> ApiException.badRequest("name: missing (expected: the new name, " + NAME_RULE + ")")));
        Account a = find(call);
        if (a.name().equals(name)) {
            return Reply.ok(ActionResult.ok("Account '" + name + "' already has that name", view(a, clock.millis())));
        }
        Account changed = change(call, a, x -> x.withName(name));
        return Reply.ok(ActionResult.ok("Account renamed from '" + a.name() + "' to '" + name + "'",
                view(changed, clock.millis())));
    }

    private Reply priority(ApiCall call) throws Exception {
        JsonBody body = call.jsonObject();
        body.allowOnly(Set.of("priority"), "priority");
        OptionalInt p = body.nonNegativeInt("priority");
        if (p.isEmpty()) throw ApiException.badRequest("priority: missing (expected: an integer >= 0)");
        Account a = find(call);
        Account changed = change(call, a, x -> x.withPriority(p.getAsInt()));
        return Reply.ok(ActionResult.ok("Account '" + a.name() + "' priority set to " + p.getAsInt(),
                view(changed, clock.millis())));
    }

    private Reply patch(ApiCall call) throws Exception {
        JsonBody body = call.jsonObject();
        body.allowOnly(PATCH_FIELDS, "baseUrl, priority, name, paused");
        if (body.isEmpty()) throw ApiException.badRequest("body: no fields (expected: one or more of baseUrl, priority, name, paused)");
        // Validate every field before changing anything, so a bad field leaves the account as it was.
        UnaryOperator<Account> change = UnaryOperator.identity();
        if (body.has("baseUrl")) {
            String url = body.isNull("baseUrl") ? "" : validBaseUrl(body.string("baseUrl").orElseThrow());
            change = then(change, a -> a.withBaseUrl(url));
        }
        OptionalInt priority = body.nonNegativeInt("priority");
        if (body.has("priority") && priority.isEmpty()) throw ApiException.badRequest("priority: null (expected: an integer >= 0)");
        if (priority.isPresent()) change = then(change, a -> a.withPriority(priority.getAsInt()));
        if (body.has("name")) {
            String name = validName(body.string("name").orElseThrow(
                    () -> ApiException.badRequest("name: null (expected: " + NAME_RULE + ")")));
            change = then(change, a -> a.withName(name));
        }
        if (body.has("paused")) {
            boolean paused = body.bool("paused").orElseThrow(
                    () -> ApiException.badRequest("paused: null (expected: true or false)"));
            change = then(change, a -> a.withPaused(paused));
        }
        Account a = find(call);
        return Reply.ok(view(change(call, a, change), clock.millis()));
    }

    private static UnaryOperator<Account> then(UnaryOperator<Account> first, UnaryOperator<Account> next) {
        return a -> next.apply(first.apply(a));
    }

    private Account change(ApiCall call, Account a, UnaryOperator<Account> change) {
        try {
            Account after = accounts.changeSettings(a.id(), change).orElseThrow(() -> notFound(call.pathParam(0)));
            String what = AccountChanges.describe(a, after);
            if (!what.isEmpty()) LOG.info(what);
            return after;
        } catch (AccountStore.DuplicateNameException e) {
            throw new ApiException(409, e.getMessage());
        }
    }

    private Account find(ApiCall call) {
        String idOrName = call.pathParam(0);
        return accounts.find(idOrName).orElseThrow(() -> notFound(idOrName));
    }

    static ApiException notFound(String idOrName) {
        return ApiException.notFound("account '" + idOrName + "' not found (expected: an account id or name)");
    }

    private AccountView view(Account a, long now) {
        return Views.account(a, accounts.credentials(a.id()), now);
    }

    static final String NAME_RULE = "1-" + MAX_NAME_LENGTH + " characters: letters, digits, space and _ - @ . +";

    /** The name trimmed, when it is 1–100 characters of {@code [a-zA-Z0-9 _\-@.+]}. */
    static String validName(String raw) {
        String name = raw.trim();
        if (name.isEmpty()) throw ApiException.badRequest("name: '' (expected: " + NAME_RULE + ")");
        if (name.length() > MAX_NAME_LENGTH) {
            throw ApiException.badRequest("name: " + name.length() + " characters (expected: " + NAME_RULE + ")");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == ' ' || c == '_' || c == '-' || c == '@' || c == '.' || c == '+';
            if (!ok) {
                String shown = c < 0x20 || c == 0x7f || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'";
                throw ApiException.badRequest("name: contains " + shown + " (expected: " + NAME_RULE + ")");
            }
        }
        return name;
    }

    /**
     * An absolute http(s) URL with a host and no credentials, query or fragment, trailing slashes
     * removed (the proxy appends the request path). Link-local and unspecified addresses are
     * refused: they reach cloud metadata services, never an LLM endpoint.
     */
    static String validBaseUrl(String raw) {
        String s = raw.trim();
        if (s.isEmpty()) throw ApiException.badRequest("baseUrl: '' (expected: an absolute http(s) URL, or null for the provider default)");
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("baseUrl: '" + s + "' is not a URL: " + e.getReason()
                    + " (expected: an absolute http(s) URL such as https://api.example.com)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.badRequest("baseUrl: '" + s + "' (expected: an absolute http(s) URL such as https://api.example.com)");
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.badRequest("baseUrl: user:password in the URL is refused (expected: the account's key carries the credential)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw ApiException.badRequest("baseUrl: '" + s + "' has no host (expected: an absolute http(s) URL)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw ApiException.badRequest("baseUrl: '" + s + "' has a query or fragment (expected: scheme, host, port and path only)");
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("169.254.") || h.startsWith("[fe80:") || h.equals("0.0.0.0") || h.equals("[::]")
                || h.equals("metadata.google.internal")) {
            throw ApiException.badRequest("baseUrl: host " + host + " is link-local or unspecified (expected: an LLM API endpoint)");
        }
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }
}

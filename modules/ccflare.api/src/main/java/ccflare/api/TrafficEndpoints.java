package ccflare.api;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.ClientKey;
import ccflare.core.ClientKeys;
import ccflare.core.RequestQueries;
import ccflare.core.RequestQueries.AnalyticsQuery;
import ccflare.protocol.ActionResult;
import ccflare.protocol.AnalyticsView;
import ccflare.protocol.StatsView;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the recorded traffic says: {@code /api/stats}, {@code /api/requests}, {@code /api/analytics}. */
final class TrafficEndpoints {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
    /** The pseudo account name of pass-through requests (no account was used). */
    static final String NO_ACCOUNT = "no_account";
    /** The pseudo key name of requests that presented no client key. */
    static final String NO_KEY = "no_key";

    /** One accepted {@code range}: how far back, the bucket width and its label. */
    private record Range(String name, long rangeMs, long bucketMs, String bucket) {}

    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final List<Range> RANGES = List.of(
            new Range("1h", HOUR, MINUTE, "1m"),
            new Range("6h", 6 * HOUR, 5 * MINUTE, "5m"),
            new Range("24h", DAY, HOUR, "1h"),
            new Range("7d", 7 * DAY, HOUR, "1h"),
            new Range("30d", 30 * DAY, DAY, "1d"));

    private final AccountRegistry accounts;
    private final RequestQueries queries;
    private final InstantSource clock;
    private final ClientKeys clientKeys;

    TrafficEndpoints(AccountRegistry accounts, RequestQueries queries, InstantSource clock, ClientKeys clientKeys) {
        this.accounts = accounts;
        this.queries = queries;
        this.clock = clock;
        this.clientKeys = clientKeys;
    }

    void register(Routes routes) {
        routes.add("GET", "/api/stats", this::stats)
              .add("POST", "/api/stats/reset", this::resetStats)
              .add("GET", "/api/requests", this::requests)
              .add("DELETE", "/api/requests", this::clearHistory)
              .add("GET", "/api/requests/{id}", this::request)
              .add("GET", "/api/analytics", this::analytics);
    }

    private Reply stats(ApiCall call) {
        RequestQueries.Stats s = queries.stats();
        int active = (int) accounts.accounts().stream().filter(a -> a.requestCount() > 0).count();
        List<StatsView.ModelShare> models = s.topModels().stream()
                .map(m -> new StatsView.ModelShare(m.model(), m.count(), round2(m.percentage()))).toList();
        List<StatsView.AccountShare> perAccount = s.accounts().stream()
                .map(a -> new StatsView.AccountShare(accountName(a), a.requests(), percent(a.successful(), a.requests()),
                        a.totalTokens(), round6(a.costUsd())))
                .toList();
        var u = s.usage();
        return Reply.ok(new StatsView(s.totalRequests(), percent(s.successfulRequests(), s.totalRequests()), active,
                Math.round(s.avgResponseTimeMs()), s.totalTokens(), round6(s.totalCostUsd()),
                tokensPerSecond(s.avgTokensPerSecond()),
                new StatsView.TokenDetails(u.inputTokens(), u.cacheReadInputTokens(), u.cacheCreationInputTokens(),
                        u.outputTokens(), u.reasoningTokens()),
                models, perAccount, s.recentErrors()));
    }

    private Reply resetStats(ApiCall call) throws Exception {
        call.optionalJsonObject();
        queries.resetStats();
        accounts.resetCounters();
        return Reply.ok(ActionResult.ok("Statistics reset"));
    }

    /** Deletes the recorded requests and payloads; unlike a stats reset the accounts' counters stay. */
    private Reply clearHistory(ApiCall call) throws Exception {
        call.optionalJsonObject();
        long removed;
        try {
            removed = queries.clearHistory();
        } catch (UnsupportedOperationException e) {
            throw new ApiException(501, "this daemon's store cannot clear the request history (" + e.getMessage() + ")");
        }
        return Reply.ok(ActionResult.ok("Request history cleared (" + removed + " request" + (removed == 1 ? "" : "s")
                + " deleted)"));
    }

    private Reply requests(ApiCall call) {
        var query = HistoryParams.parse(call::query, DEFAULT_LIMIT, MAX_LIMIT, v -> accountIdFilter("account", v),
                clock.millis());
        String key = call.query("key").map(String::trim).filter(v -> !v.isEmpty()).map(v -> keyIdFilter("key", v)).orElse(null);
        if (key != null) {
            query = new RequestQueries.HistoryQuery(query.limit(), query.beforeId(), query.accountId(), query.model(),
                    query.statusCode(), query.statusClass(), query.outcome(), query.sinceMs(), key);
        }
        return Reply.ok(queries.history(query).stream().map(r -> Views.summary(r, accounts)).toList());
    }

    private Reply request(ApiCall call) {
        String id = call.pathParam(0);
        return Reply.ok(queries.find(id).map(r -> Views.detail(r, accounts))
                .orElseThrow(() -> ApiException.notFound("request '" + id + "' not found (it may be past retention)")));
    }

    private Reply analytics(ApiCall call) {
        String rangeName = call.query("range").orElse("24h");
        Range range = RANGES.stream().filter(r -> r.name().equals(rangeName)).findFirst().orElseThrow(
                () -> ApiException.badRequest("range: '" + rangeName + "' (expected: 1h, 6h, 24h, 7d or 30d)"));
        String status = oneOf(call, "status", "all", List.of("all", "success", "error"));
        boolean cumulative = oneOf(call, "mode", "normal", List.of("normal", "cumulative")).equals("cumulative");
        boolean breakdown = oneOf(call, "modelBreakdown", "false", List.of("true", "false")).equals("true");
        List<String> accountIds = list(call, "accounts").stream().map(v -> accountIdFilter("accounts", v)).toList();
        List<String> models = list(call, "models");
        List<String> keyIds = list(call, "key").stream().map(v -> keyIdFilter("key", v)).toList();

        RequestQueries.Analytics a = queries.analytics(new AnalyticsQuery(clock.millis(), range.rangeMs(),
                range.bucketMs(), accountIds, models, status, breakdown, keyIds));
        var u = a.usage();
        return Reply.ok(new AnalyticsView(
                new AnalyticsView.Meta(range.name(), range.bucket(), cumulative),
                new AnalyticsView.Totals(a.totalRequests(), percent(a.successfulRequests(), a.totalRequests()),
                        a.activeAccounts(), Math.round(a.avgResponseTimeMs()), a.p50ResponseTimeMs(),
                        a.p95ResponseTimeMs(), a.totalTokens(), round6(a.totalCostUsd()),
                        tokensPerSecond(a.avgTokensPerSecond())),
                timeSeries(a.timeSeries(), breakdown, cumulative),
                new AnalyticsView.TokenBreakdown(u.inputTokens(), u.cacheReadInputTokens(), u.cacheCreationInputTokens(),
                        u.outputTokens()),
                a.modelDistribution().stream().map(m -> new AnalyticsView.ModelCount(m.model(), m.count())).toList(),
                a.accounts().stream().map(s -> new AnalyticsView.AccountPerformance(accountName(s), s.requests(),
                        percent(s.successful(), s.requests()), s.totalTokens(), round6(s.costUsd()))).toList(),
                a.costByModel().stream().map(c -> new AnalyticsView.ModelCost(c.model(), round6(c.costUsd()),
                        c.requests(), c.totalTokens())).toList(),
                a.modelPerformance().stream().map(p -> new AnalyticsView.ModelPerformance(p.model(),
                        Math.round(p.avgResponseTimeMs()), Math.round(p.p95ResponseTimeMs()),
                        round2(rate(p.errors(), p.requests())), tokensPerSecond(p.avgTokensPerSecond()),
                        tokensPerSecond(p.minTokensPerSecond()), tokensPerSecond(p.maxTokensPerSecond()))).toList()));
    }

    /**
     * Buckets in time order (then model). In cumulative mode requests, tokens and cost become
     * running sums, per model when the series is broken down by model; rates stay per bucket.
     */
    private static List<AnalyticsView.Point> timeSeries(List<RequestQueries.Bucket> buckets, boolean breakdown,
                                                        boolean cumulative) {
        List<RequestQueries.Bucket> sorted = new ArrayList<>(buckets);
        sorted.sort(Comparator.comparingLong(RequestQueries.Bucket::ts)
                .thenComparing(b -> b.model() == null ? "" : b.model()));
        record Running(long requests, long tokens, double cost) {}
        Map<String, Running> running = new HashMap<>();
        List<AnalyticsView.Point> out = new ArrayList<>(sorted.size());
        for (RequestQueries.Bucket b : sorted) {
            long requests = b.requests();
            long tokens = b.tokens();
            double cost = b.costUsd();
            if (cumulative) {
                String key = breakdown && b.model() != null ? b.model() : "";
                Running r = running.merge(key, new Running(requests, tokens, cost),
                        (x, y) -> new Running(x.requests() + y.requests(), x.tokens() + y.tokens(), x.cost() + y.cost()));
                requests = r.requests();
                tokens = r.tokens();
                cost = r.cost();
            }
            double success = rate(b.successful(), b.requests());
            out.add(new AnalyticsView.Point(b.ts(), breakdown && b.model() != null && !b.model().isEmpty() ? b.model() : null,
                    requests, tokens, round6(cost), round2(success), b.requests() == 0 ? 0 : round2(100 - success),
                    round2(rate(b.cacheReadTokens(), b.promptTokens())), Math.round(b.avgResponseTimeMs()),
                    tokensPerSecond(b.avgTokensPerSecond())));
        }
        return out;
    }

    /** An {@code accounts} filter value as an account id: name or id of a live account, a deleted account's id, or "" for pass-through. */
    private String accountIdFilter(String param, String value) {
        if (value.equals(NO_ACCOUNT)) return "";
        return accounts.find(value).map(Account::id).orElseGet(() -> {
            if (looksLikeUuid(value)) return value; // a deleted account's id still filters its history
            throw ApiException.badRequest(param + ": no account named '" + value + "' (expected: account names or ids, or "
                    + NO_ACCOUNT + ")");
        });
    }

    /** A client key's name or id to its id; {@value #NO_KEY} for requests that presented none. */
    private String keyIdFilter(String param, String value) {
        if (value.equals(NO_KEY)) return "";
        return clientKeys.find(value).map(ClientKey::id).orElseThrow(() -> ApiException.badRequest(
                param + ": no client key named '" + value + "' (expected: client key names or ids, or " + NO_KEY + ")"));
    }

    private String accountName(RequestQueries.AccountStats s) {
        if (s.accountId().isEmpty()) return NO_ACCOUNT;
        return accounts.byId(s.accountId()).map(Account::name)
                .orElse(s.name() != null && !s.name().isEmpty() ? s.name() : s.accountId());
    }

    private static String oneOf(ApiCall call, String param, String dflt, List<String> allowed) {
        String v = call.query(param).orElse(dflt);
        if (!allowed.contains(v)) {
            throw ApiException.badRequest(param + ": '" + v + "' (expected: " + String.join(" or ", allowed) + ")");
        }
        return v;
    }

    private static List<String> list(ApiCall call, String param) {
        return call.query(param).map(v -> java.util.Arrays.stream(v.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).distinct().toList()).orElse(List.of());
    }

    private static boolean looksLikeUuid(String s) {
        try {
            return java.util.UUID.fromString(s).toString().equalsIgnoreCase(s);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int percent(long part, long whole) { return whole <= 0 ? 0 : (int) Math.round(100.0 * part / whole); }

    private static double rate(double part, double whole) { return whole <= 0 ? 0 : 100.0 * part / whole; }

    private static double round2(double v) { return Math.round(v * 100) / 100.0; }

    private static double round6(double v) { return Math.round(v * 1_000_000) / 1_000_000.0; }

    /** A measured tokens/s, or null when nothing measured it (zero, negative or NaN). */
    private static Double tokensPerSecond(double v) { return v > 0 ? round2(v) : null; }
}

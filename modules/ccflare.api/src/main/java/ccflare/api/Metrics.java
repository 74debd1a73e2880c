package ccflare.api;

import static java.util.Objects.requireNonNull;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.Outcome;
import ccflare.core.RateLimitState;
import ccflare.core.RequestLog;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.SummaryWithCallback;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The daemon's Prometheus metrics, served at {@code GET /metrics} (see {@code docs/metrics.md}
 * for every series). Request series are updated once per finished request, from
 * {@link #onRecord}, where the proxy hands its {@link RequestRecord} to the request log: a few
 * counter and histogram updates through data points held per label set (one map lookup). Account
 * state, rate limits, in-flight requests, the database writer and the live feed are read when a
 * scrape asks, through callbacks, never on the request path.
 *
 * <p>Labels are bounded: provider and outcome are small enums, status is an HTTP code, account
 * is one of the configured accounts, and model keeps its first {@value #MAX_MODELS} distinct
 * values, later ones reported as {@code other}. No request or session id is ever a label.
 *
 * <p>Thread-safe. Build one with {@link #builder}, register it as a {@link RequestLog.Listener}
 * of the request log, and give it to {@link Api}.
 */
public final class Metrics implements RequestLog.Listener {

    /** Distinct model names kept as label values; clients choose them, so they must be capped. */
    public static final int MAX_MODELS = 64;
    /** What a label is set to when the record has no value (no provider reached, pass-through). */
    static final String NONE = "none";
    static final String OTHER = "other";

    /** Seconds: from 5 ms (a cached reply, the proxy's own overhead) to 10 minutes (a long stream). */
    private static final double[] SECONDS_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
    /** Tokens per request, powers of 4 from 1 to 4^10 (about a million): the OpenTelemetry advice is powers of 4 too. */
    private static final double[] TOKEN_BOUNDS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AccountRegistry accounts;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, String> models = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SeriesKey, Series> series = new ConcurrentHashMap<>();

    private final Counter requests;
    private final Histogram operationDuration;
    private final Histogram upstreamFirstByte;
    private final Histogram clientFirstByte;
    private final Histogram total;
    private final Histogram proxyOverhead;
    private final Histogram tokenUsage;
    private final Counter cost;
    private final Counter attempts;
    private final Counter failovers;
    private final Counter retries;
    private final boolean jvm;
    private volatile boolean jvmRegistered;

    private Metrics(Builder b) {
        this.accounts = b.accounts;
        this.clock = b.clock;
        requests = Counter.builder().name("ccflare_requests_total")
                .help("Client requests finished, by the provider and account that served them, the model asked for, the status sent and how it ended")
                .labelNames("provider", "account", "model", "status", "outcome").withoutExemplars().register(registry);
        operationDuration = seconds("gen_ai_client_operation_duration_seconds",
                "GenAI operation duration (OpenTelemetry gen_ai.client.operation.duration): receipt to the end of the response",
                "gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "error_type");
        upstreamFirstByte = seconds("ccflare_upstream_first_byte_seconds",
                "Receipt of the request to the first byte of the upstream response", "provider");
        clientFirstByte = seconds("ccflare_client_first_byte_seconds",
                "Receipt of the request to the first byte written to the client", "provider");
        total = seconds("ccflare_request_duration_seconds",
                "Receipt of the request to the end of the response", "provider", "outcome");
        proxyOverhead = seconds("ccflare_proxy_overhead_seconds",
                "Time spent in the proxy before the first upstream attempt was sent", "provider");
        tokenUsage = Histogram.builder().name("gen_ai_client_token_usage")
                .help("Tokens used per request (OpenTelemetry gen_ai.client.token.usage), by token type: input, output, cache_read, cache_creation")
                .labelNames("gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_token_type")
                .classicUpperBounds(TOKEN_BOUNDS).classicOnly().withoutExemplars().register(registry);
        cost = Counter.builder().name("ccflare_cost_usd_total")
                .help("Estimated cost of the requests in US dollars, from the price table")
                .labelNames("provider", "account", "model").withoutExemplars().register(registry);
        attempts = Counter.builder().name("ccflare_upstream_attempts_total")
                .help("Upstream attempts made (a request that failed over or was retried makes more than one)")
                .labelNames("provider").withoutExemplars().register(registry);
        failovers = Counter.builder().name("ccflare_failovers_total")
                .help("Times a request moved to another account").labelNames("provider").withoutExemplars().register(registry);
        retries = Counter.builder().name("ccflare_retries_total")
                .help("Upstream attempts beyond the first that stayed on the same account (for example after an OAuth refresh)")
                .labelNames("provider").withoutExemplars().register(registry);
        registerAccountGauges();
        if (b.inFlight != null) {
            LongSupplier inFlight = b.inFlight;
            GaugeWithCallback.builder().name("ccflare_requests_in_flight")
                    .help("Proxied requests accepted and not yet finished")
                    .callback(cb -> cb.call(inFlight.getAsLong())).register(registry);
        }
        if (b.writer != null) registerWriter(b.writer);
        if (b.live != null) {
            LiveFeed live = b.live;
            CounterWithCallback.builder().name("ccflare_live_events_dropped_total")
                    .help("Live-view events dropped because a subscriber did not keep up, by topic")
                    .labelNames("topic")
                    .callback(cb -> {
                        cb.call(live.dropped("logs"), "logs");
                        cb.call(live.dropped("requests"), "requests");
                    }).register(registry);
            GaugeWithCallback.builder().name("ccflare_live_subscribers")
                    .help("Live-view streams open now (dashboard, ccflarectl logs -f, /ws/** and the SSE twins), by topic")
                    .labelNames("topic")
                    .callback(cb -> {
                        cb.call(live.subscriberCount(LiveFeed.Topic.LOGS), "logs");
                        cb.call(live.subscriberCount(LiveFeed.Topic.REQUESTS), "requests");
                    }).register(registry);
        }
        this.jvm = b.jvm;
    }

    /**
     * The JVM series are registered at the first scrape, not at start: the collectors start the
     * JDK's management beans (JMX, ≈ 250 classes and a notification thread), which the daemon's
     * start and its first requests never need. They read the JVM's own cumulative figures, so
     * nothing is lost by registering late, except {@code jvm_memory_pool_allocated_bytes_total},
     * which counts from the first scrape on.
     */
    private void registerJvmSeries() {
        if (!jvm || jvmRegistered) return;
        synchronized (this) {
            if (jvmRegistered) return;
            JvmMetrics.builder().register(registry);
            jvmRegistered = true;
        }
    }

    /**
     * Starts a set of metrics over {@code accounts} (the per-account gauges, and the account names
     * used as label values).
     */
    public static Builder builder(AccountRegistry accounts, InstantSource clock) {
        return new Builder(requireNonNull(accounts, "accounts"), requireNonNull(clock, "clock"));
    }

    /** Nothing: the request counts once it is finished. */
    @Override
    public void onStart(String requestId, long receivedAtMs, String method, String path) {}

    /** Counts one finished request. Never blocks, never throws for a well-formed record. */
    @Override
    public void onRecord(RequestRecord r) {
        if (r == null) return;
        Series s = series(r);
        ((CounterDataPoint) s.point(REQUESTS)).inc();
        // Durations the record marks as never happened (negative) are not observed; the first
        // use of a label set creates its series, so the check comes first.
        if (r.totalMs() >= 0) {
            ((DistributionDataPoint) s.point(OPERATION)).observe(r.totalMs() / 1000.0);
            ((DistributionDataPoint) s.point(TOTAL)).observe(r.totalMs() / 1000.0);
        }
        if (r.upstreamFirstByteMs() >= 0) ((DistributionDataPoint) s.point(UPSTREAM_FIRST_BYTE)).observe(r.upstreamFirstByteMs() / 1000.0);
        if (r.clientFirstByteMs() >= 0) ((DistributionDataPoint) s.point(CLIENT_FIRST_BYTE)).observe(r.clientFirstByteMs() / 1000.0);
        if (r.attempts() > 0 && r.proxyOverheadMs() >= 0) ((DistributionDataPoint) s.point(PROXY_OVERHEAD)).observe(r.proxyOverheadMs() / 1000.0);
        Usage u = r.usage();
        if (!u.isEmpty()) {
            ((DistributionDataPoint) s.point(TOKENS_INPUT)).observe(u.inputTokens());
            ((DistributionDataPoint) s.point(TOKENS_OUTPUT)).observe(u.outputTokens());
            ((DistributionDataPoint) s.point(TOKENS_CACHE_READ)).observe(u.cacheReadInputTokens());
            ((DistributionDataPoint) s.point(TOKENS_CACHE_CREATION)).observe(u.cacheCreationInputTokens());
        }
        if (r.costUsd() > 0) ((CounterDataPoint) s.point(COST)).inc(r.costUsd());
        if (r.attempts() > 0) {
            ((CounterDataPoint) s.point(ATTEMPTS)).inc(r.attempts());
            if (r.failovers() > 0) ((CounterDataPoint) s.point(FAILOVERS)).inc(r.failovers());
            int sameAccount = r.attempts() - 1 - r.failovers();
            if (sameAccount > 0) ((CounterDataPoint) s.point(RETRIES)).inc(sameAccount);
        }
    }

    // The data points one label set of ccflare_requests_total uses, by slot.
    private static final int REQUESTS = 0, OPERATION = 1, TOTAL = 2, UPSTREAM_FIRST_BYTE = 3, CLIENT_FIRST_BYTE = 4,
            PROXY_OVERHEAD = 5, TOKENS_INPUT = 6, TOKENS_OUTPUT = 7, TOKENS_CACHE_READ = 8, TOKENS_CACHE_CREATION = 9,
            COST = 10, ATTEMPTS = 11, FAILOVERS = 12, RETRIES = 13, SLOTS = 14;

    private record SeriesKey(String provider, String account, String model, int status, Outcome outcome) {}

    /**
     * The data points of one label set of {@code ccflare_requests_total} (every other request
     * series' labels are a subset of it), each looked up in the client library once, on first
     * use, and then held: the request path does one map lookup instead of one per series. As
     * bounded as the counter's label sets.
     */
    private final class Series {
        private final SeriesKey key;
        private final String status;
        private final AtomicReferenceArray<DataPoint> points = new AtomicReferenceArray<>(SLOTS);

        Series(SeriesKey key) {
            this.key = key;
            this.status = Integer.toString(key.status());
        }

        DataPoint point(int slot) {
            DataPoint p = points.get(slot);
            if (p != null) return p;
            // A race makes the same lookup twice; the client returns the same data point to both.
            p = create(slot);
            points.set(slot, p);
            return p;
        }

        private DataPoint create(int slot) {
            String provider = key.provider(), model = key.model(), outcome = key.outcome().wireName();
            return switch (slot) {
                case REQUESTS -> requests.labelValues(provider, key.account(), model, status, outcome);
                // error_type is empty on success, which PromQL treats as the label being absent (as OpenTelemetry has it).
                case OPERATION -> operationDuration.labelValues("chat", provider, model,
                        key.outcome() == Outcome.OK && key.status() >= 200 && key.status() < 300 ? "" : outcome);
                case TOTAL -> total.labelValues(provider, outcome);
                case UPSTREAM_FIRST_BYTE -> upstreamFirstByte.labelValues(provider);
                case CLIENT_FIRST_BYTE -> clientFirstByte.labelValues(provider);
                case PROXY_OVERHEAD -> proxyOverhead.labelValues(provider);
                case TOKENS_INPUT -> tokenUsage.labelValues("chat", provider, model, "input");
                case TOKENS_OUTPUT -> tokenUsage.labelValues("chat", provider, model, "output");
                case TOKENS_CACHE_READ -> tokenUsage.labelValues("chat", provider, model, "cache_read");
                case TOKENS_CACHE_CREATION -> tokenUsage.labelValues("chat", provider, model, "cache_creation");
                case COST -> cost.labelValues(provider, key.account(), model);
                case ATTEMPTS -> attempts.labelValues(provider);
                case FAILOVERS -> failovers.labelValues(provider);
                case RETRIES -> retries.labelValues(provider);
                default -> throw new IllegalArgumentException("slot: " + slot);
            };
        }
    }

    private Series series(RequestRecord r) {
        SeriesKey key = new SeriesKey(orNone(r.provider()), accountLabel(r.accountId()), modelLabel(r.model()), r.status(),
                r.outcome());
        Series s = series.get(key);
        return s != null ? s : series.computeIfAbsent(key, Series::new);
    }

    /** A scrape's body and content type. */
    record Exposition(String contentType, byte[] body) {}

    /**
     * Writes every series in the format {@code accept} asks for: OpenMetrics text when it names
     * {@code application/openmetrics-text}, else the Prometheus text format 0.0.4.
     */
    Exposition scrape(String accept) {
        ExpositionFormatWriter writer = OPEN_METRICS.accepts(accept) ? OPEN_METRICS : PROMETHEUS_TEXT;
        registerJvmSeries();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new Exposition(writer.getContentType(), out.toByteArray());
    }

    private static final OpenMetricsTextFormatWriter OPEN_METRICS = OpenMetricsTextFormatWriter.create();
    private static final PrometheusTextFormatWriter PROMETHEUS_TEXT = PrometheusTextFormatWriter.create();

    /** The account's name (what a dashboard shows), its id when it was removed meanwhile, none for pass-through. */
    String accountLabel(String accountId) {
        if (accountId.isEmpty()) return NONE;
        return accounts.byId(accountId).map(Account::name).orElse(accountId);
    }

    /** The model as asked for while fewer than {@value #MAX_MODELS} are known, else {@code other}. */
    String modelLabel(String model) {
        if (model.isEmpty()) return NONE;
        String known = models.get(model);
        if (known != null) return known;
        if (models.size() >= MAX_MODELS) return OTHER;
        // Two racing first sightings may take the set a little over the cap; bounded all the same.
        models.putIfAbsent(model, model);
        return model;
    }

    /** The state an account is in at {@code nowMs}, one of {@code active, paused, cooling, needs_reauth}. */
    static String state(Account a, long nowMs) {
        if (a.paused()) return "paused";
        if (a.needsReauth()) return "needs_reauth";
        if (a.rateLimit().limitedAt(nowMs)) return "cooling";
        return "active";
    }

    static final String[] STATES = {"active", "paused", "cooling", "needs_reauth"};

    private void registerAccountGauges() {
        GaugeWithCallback.builder().name("ccflare_account_state")
                .help("1 for the state each account is in (active, paused, cooling, needs_reauth), 0 for the others")
                .labelNames("provider", "account", "state")
                .callback(cb -> {
                    long now = clock.millis();
                    for (Account a : accounts.accounts()) {
                        String current = state(a, now);
                        for (String s : STATES) cb.call(s.equals(current) ? 1 : 0, a.provider().id(), a.name(), s);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("ccflare_account_rate_limit_utilisation_ratio")
                .help("The provider's last reported utilisation of the account's window (0..1); absent when it never reported one")
                .unit(Unit.RATIO)
                .labelNames("provider", "account", "window")
                .callback(cb -> {
                    for (Account a : accounts.accounts()) {
                        RateLimitState r = a.rateLimit();
                        if (r.fiveHourUtilisation() >= 0) cb.call(r.fiveHourUtilisation(), a.provider().id(), a.name(), "5h");
                        if (r.sevenDayUtilisation() >= 0) cb.call(r.sevenDayUtilisation(), a.provider().id(), a.name(), "7d");
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("ccflare_account_rate_limit_reset_timestamp_seconds")
                .help("When the account's window resets, Unix time; absent when unknown. window=limit is the reset of the limit it last hit")
                .unit(Unit.SECONDS)
                .labelNames("provider", "account", "window")
                .callback(cb -> {
                    for (Account a : accounts.accounts()) {
                        RateLimitState r = a.rateLimit();
                        String p = a.provider().id();
                        if (r.fiveHourResetAtMs() > 0) cb.call(r.fiveHourResetAtMs() / 1000.0, p, a.name(), "5h");
                        if (r.sevenDayResetAtMs() > 0) cb.call(r.sevenDayResetAtMs() / 1000.0, p, a.name(), "7d");
                        if (r.resetAtMs() > 0) cb.call(r.resetAtMs() / 1000.0, p, a.name(), "limit");
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("ccflare_account_cooling_until_timestamp_seconds")
                .help("Until when the account is not selected after a rate limit, Unix time; only accounts cooling now")
                .unit(Unit.SECONDS)
                .labelNames("provider", "account")
                .callback(cb -> {
                    long now = clock.millis();
                    for (Account a : accounts.accounts()) {
                        if (a.rateLimit().limitedAt(now)) cb.call(a.rateLimit().limitedUntilMs() / 1000.0, a.provider().id(), a.name());
                    }
                }).register(registry);
    }

    private void registerWriter(Supplier<WriterFigures> writer) {
        GaugeWithCallback.builder().name("ccflare_db_writer_queue_depth")
                .help("Request records waiting for the database writer")
                .callback(cb -> cb.call(writer.get().queued())).register(registry);
        SummaryWithCallback.builder().name("ccflare_db_writer_commit_duration_seconds")
                .help("Time inside each batch transaction of the database writer (BEGIN IMMEDIATE to COMMIT)")
                .unit(Unit.SECONDS)
                .callback(cb -> {
                    WriterFigures f = writer.get();
                    cb.call(f.commits(), f.commitNanos() / 1e9, Quantiles.EMPTY);
                }).register(registry);
        CounterWithCallback.builder().name("ccflare_db_records_dropped_total")
                .help("Request records the database writer lost (queue full, failed batches)")
                .callback(cb -> cb.call(writer.get().dropped())).register(registry);
        CounterWithCallback.builder().name("ccflare_db_payloads_shed_total")
                .help("Request records stored without their payload because the writer's queue was at least half full")
                .callback(cb -> cb.call(writer.get().shed())).register(registry);
    }

    private Histogram seconds(String name, String help, String... labels) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS).labelNames(labels)
                .classicUpperBounds(SECONDS_BOUNDS).classicOnly().withoutExemplars().register(registry);
    }

    private static String orNone(String s) {
        return s.isEmpty() ? NONE : s;
    }

    /**
     * The database writer's figures at a scrape, cumulative since the daemon started except
     * {@code queued}.
     *
     * @param commitNanos time spent inside {@code commits} batch transactions
     */
    public record WriterFigures(long queued, long dropped, long shed, long commits, long commitNanos) {}

    /** Which sources the metrics read; each one left out leaves its series out, never reports a made-up zero. */
    public static final class Builder {
        private final AccountRegistry accounts;
        private final InstantSource clock;
        private LongSupplier inFlight;
        private Supplier<WriterFigures> writer;
        private LiveFeed live;
        private boolean jvm;

        private Builder(AccountRegistry accounts, InstantSource clock) {
            this.accounts = accounts;
            this.clock = clock;
        }

        /** {@code ccflare_requests_in_flight} from the proxy's count. */
        public Builder inFlight(LongSupplier inFlight) {
            this.inFlight = requireNonNull(inFlight, "inFlight");
            return this;
        }

        /** The {@code ccflare_db_*} series, read from {@code writer} at each scrape. */
        public Builder writer(Supplier<WriterFigures> writer) {
            this.writer = requireNonNull(writer, "writer");
            return this;
        }

        /** {@code ccflare_live_events_dropped_total} from the live feed. */
        public Builder liveFeed(LiveFeed live) {
            this.live = requireNonNull(live, "live");
            return this;
        }

        /** The client library's JVM series ({@code jvm_*}, {@code process_*}), registered at the first scrape. */
        public Builder jvm() {
            this.jvm = true;
            return this;
        }

        public Metrics build() { return new Metrics(this); }
    }
}

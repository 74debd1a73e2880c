package ccflare.server;

import static java.util.Objects.requireNonNull;

import ccflare.api.DaemonStatus;
import ccflare.core.AccountRegistry;
import ccflare.db.OriginalImport;
import ccflare.protocol.DaemonLocations;
import ccflare.protocol.ImportReport;
import ccflare.protocol.ImportRequest;
import ccflare.protocol.OriginalLocations;
import ccflare.core.RequestQueries;
import ccflare.core.Version;
import ccflare.db.Database;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon reports about itself, and the database upkeep it runs: the retention purge
 * every hour, a WAL checkpoint every five minutes, and the same actions on demand
 * ({@code POST /api/maintenance/cleanup|compact|analyze|rotate-key}).
 */
final class DaemonState implements DaemonStatus {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonState.class);
    private static final long DAY_MS = 86_400_000L;

    /** The first purge waits a little: a daemon restarted in a loop should not start with a big delete. */
    static final long PURGE_FIRST_DELAY_MINUTES = 5;
    static final long PURGE_EVERY_MINUTES = 60;
    static final long CHECKPOINT_EVERY_MINUTES = 5;

    private final Database db;
    private final LiveSettings settings;
    private final CredentialKey key;
    private final IntSupplier inFlight;
    private final InstantSource clock;
    private final long startedAtMs;
    private final AccountRegistry accounts;
    private final Map<String, String> env;
    private final int payloadMaxBytes;
    private volatile URI browserUri;

    DaemonState(Database db, LiveSettings settings, CredentialKey key, IntSupplier inFlight, InstantSource clock,
                AccountRegistry accounts, Map<String, String> env, int payloadMaxBytes) {
        this.payloadMaxBytes = payloadMaxBytes;
        this.db = requireNonNull(db, "db");
        this.accounts = requireNonNull(accounts, "accounts");
        this.env = Map.copyOf(requireNonNull(env, "env"));
        this.settings = requireNonNull(settings, "settings");
        this.key = requireNonNull(key, "key");
        this.inFlight = requireNonNull(inFlight, "inFlight");
        this.clock = requireNonNull(clock, "clock");
        this.startedAtMs = clock.millis();
    }

    /** Schedules the periodic upkeep on the maintenance thread. */
    void schedule(ScheduledExecutorService maintenance) {
        maintenance.scheduleWithFixedDelay(() -> guarded("retention purge", this::purge),
                PURGE_FIRST_DELAY_MINUTES, PURGE_EVERY_MINUTES, TimeUnit.MINUTES);
        maintenance.scheduleWithFixedDelay(() -> guarded("checkpoint", db::checkpoint),
                CHECKPOINT_EVERY_MINUTES, CHECKPOINT_EVERY_MINUTES, TimeUnit.MINUTES);
    }

    /** Records where a browser reaches the TCP listener, once it is bound. */
    void listeningAt(URI uri) { browserUri = requireNonNull(uri, "uri"); }

    @Override
    public Optional<URI> browserUri() { return Optional.ofNullable(browserUri); }

    @Override
    public String version() { return Version.current(); }

    @Override
    public long startedAtMs() { return startedAtMs; }

    @Override
    public String databaseState() {
        Database.Health h = db.health();
        if (!h.ok()) return h.reason();
        return CredentialKey.undecryptable(db, key.box()).orElse("ok");
    }

    @Override
    public int inFlight() { return inFlight.getAsInt(); }

    @Override
    public Map<String, Object> maintenance(String action) {
        requireNonNull(action, "action");
        Map<String, Object> result = new LinkedHashMap<>();
        switch (action) {
            case "cleanup" -> {
                long now = clock.millis();
                long payloadCutoff = now - settings.dataRetentionDays() * DAY_MS;
                long requestCutoff = now - settings.requestRetentionDays() * DAY_MS;
                RequestQueries.Purge purge = db.queries().purge(payloadCutoff, requestCutoff);
                result.put("removedRequests", purge.removedRequests());
                result.put("removedPayloads", purge.removedPayloads());
                result.put("cutoffIso", Instant.ofEpochMilli(Math.max(payloadCutoff, requestCutoff)).toString());
            }
            case "compact" -> {
                // Freed pages go back to the file system through auto_vacuum=INCREMENTAL as rows are
                // purged; a live full VACUUM would stop the writer for minutes on a big file.
                db.checkpoint();
                Database.Report report = db.analyze();
                result.put("ok", true);
                result.put("dbBytes", report.dbBytes());
                result.put("walBytes", report.walBytes());
            }
            case "analyze" -> {
                Database.Report report = db.analyze();
                result.put("dbBytes", report.dbBytes());
                result.put("walBytes", report.walBytes());
                result.put("rowCounts", report.rowCounts());
                result.put("integrity", report.integrity());
                Database.Health h = db.health();
                result.put("recording", Map.of("ok", h.ok(), "queued", h.queued(), "written", h.written(), "dropped", h.dropped()));
            }
            case "rotate-key" -> result.putAll(key.rotate(db));
            default -> throw new IllegalArgumentException("action: '" + action + "' (expected: cleanup, compact, analyze or rotate-key)");
        }
        return result;
    }

    /**
     * Imports from an original's database: the plan is made against the live accounts while no
     * other settings change runs, the accounts added become live right after the commit.
     */
    @Override
    public ImportReport importOriginal(ImportRequest request) {
        requireNonNull(request, "request");
        String from = OriginalLocations.checkFrom(request.from());
        Path source = request.path() == null ? OriginalLocations.defaultDatabase(from, env)
                : Path.of(DaemonLocations.expandHome(request.path(), DaemonLocations.home(env)));
        if (source.toAbsolutePath().normalize().equals(db.file())) {
            throw new IllegalArgumentException(source + ": is this daemon's own database (expected: the original's)");
        }
        long now = clock.millis();
        // Rows the next retention run would purge are left out; payloads are capped like captured ones.
        OriginalImport.History history = new OriginalImport.History(now - settings.requestRetentionDays() * DAY_MS,
                now - settings.dataRetentionDays() * DAY_MS, new OriginalPayloads(payloadMaxBytes));
        OriginalImport.Request r = new OriginalImport.Request(source, request.history(), request.dry(), request.renaming(), history);
        OriginalImport.Result result = accounts.addStored(current -> db.importOriginal(r, current), OriginalImport.Result::stored);
        OriginalImport.Report rep = result.report();
        for (OriginalImport.Added a : rep.added()) {
            if (!rep.dryRun()) LOG.info("Account '{}' imported from {} ({})", a.name(), rep.family(), a.provider());
        }
        return new ImportReport(rep.source().toString(), rep.schema(), rep.family(), rep.readFromCopy(), rep.dryRun(),
                rep.withHistory(),
                rep.added().stream().map(a -> new ImportReport.Added(a.name(), a.originalName(), a.provider(),
                        a.originalProvider(), a.notes())).toList(),
                rep.skipped().stream().map(s -> new ImportReport.Skipped(s.name(), s.reason())).toList(),
                rep.requests(), rep.requestsPresent(), rep.sourceRequests(), rep.sourcePayloads(), rep.payloads(), rep.tooOld());
    }

    /** The hourly retention job, with the windows in force now (they can change at run time). */
    void purge() {
        long now = clock.millis();
        RequestQueries.Purge p = db.queries().purge(now - settings.dataRetentionDays() * DAY_MS,
                now - settings.requestRetentionDays() * DAY_MS);
        if (p.removedRequests() > 0 || p.removedPayloads() > 0) {
            LOG.info("Retention removed {} requests and {} payloads", p.removedRequests(), p.removedPayloads());
        }
    }

    /** A failing periodic job is logged and tried again next time; an exception must not cancel the schedule. */
    private static void guarded(String what, Runnable job) {
        try {
            job.run();
        } catch (RuntimeException e) {
            LOG.warn("Maintenance: {} failed: {}", what, e.getMessage(), e);
        }
    }
}

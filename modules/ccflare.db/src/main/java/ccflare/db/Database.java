package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import ccflare.core.AccountStore;
import ccflare.core.ClientKeyStore;
import ccflare.core.RequestLog;
import ccflare.core.RequestQueries;
import ccflare.core.SecretBox;

/**
 * The SQLite database of one ccflare daemon: accounts, recorded requests and their payloads.
 *
 * <p>Every write goes through one writer thread (from the factory given to {@link #open}) in
 * {@code BEGIN IMMEDIATE} transactions; reads use their own connections. The file is in WAL mode
 * with {@code synchronous=NORMAL} (a power cut may lose the last recorded requests, never
 * consistency), except credential writes, which are synced before they return. The file and its
 * {@code -wal}/{@code -shm} companions are readable by the owner only (0600), the directory 0700.
 *
 * <p>API keys and OAuth tokens are stored sealed with a {@link SecretBox} (AES-256-GCM, bound to
 * the account id), never in plain text; expiry times stay plain. The writer connection turns
 * {@code secure_delete} on only around writes to the accounts table (credential inserts,
 * replacements and deletions, key rotation, account state updates) and maintenance, so replaced or
 * deleted secret cells are zeroed in the main file; request records are written with it off
 * (zeroing their freed pages would cost on every write and protect nothing secret). The WAL is
 * truncated after every credential replacement, account deletion and key rotation.
 * An account whose secrets cannot be opened with the key loads without credentials, is listed by
 * {@link #undecryptableAccounts()}, and keeps its stored values untouched.
 *
 * <p>Nothing here schedules work: the owner calls {@link RequestQueries#purge} and
 * {@link #checkpoint()} periodically and {@link #close()} at shutdown.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** Written into the header of a new file, so tools can tell a ccflare database ("ccfl"). */
    private static final int APPLICATION_ID = 0x6363666c;
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final List<String> TABLES = List.of("accounts", "requests", "request_payloads", "oauth_sessions");

    /**
     * The state of request recording.
     *
     * @param ok      false while writes fail (the reason says why) or after close
     * @param reason  empty when ok
     * @param queued  records waiting for the writer
     * @param written request rows committed since open
     * @param dropped records lost since open: queue full, failed batches, closed
     */
    public record Health(boolean ok, String reason, long queued, long written, long dropped) {
        public Health {
            reason = reason == null ? "" : reason;
        }
    }

    /**
     * The request writer's running figures since open, for {@code /metrics}.
     *
     * @param queued      records waiting for the writer now
     * @param written     request rows committed
     * @param dropped     records lost (queue full, failed batches, closed)
     * @param shed        records stored without their payload because the queue was at least half full
     * @param commits     batch transactions committed
     * @param commitNanos time spent inside those transactions, from BEGIN IMMEDIATE to COMMIT
     */
    public record WriterStats(long queued, long written, long dropped, long shed, long commits, long commitNanos) {}

    /**
     * What {@link #analyze()} found.
     *
     * @param dbBytes   size of the main file
     * @param walBytes  size of the {@code -wal} file, 0 when absent
     * @param rowCounts rows per table
     * @param integrity the result of {@code PRAGMA integrity_check}: "ok" or the problems, one per line
     */
    public record Report(long dbBytes, long walBytes, Map<String, Long> rowCounts, String integrity) {
        public Report {
            rowCounts = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(rowCounts, "rowCounts")));
            requireNonNull(integrity, "integrity");
        }
    }

    /**
     * What {@link #rotateKey} did.
     *
     * @param rotated accounts whose secrets are now sealed with the new key
     * @param skipped names of the accounts whose secrets the old key could not open; left as they were
     */
    public record KeyRotation(int rotated, List<String> skipped) {
        public KeyRotation {
            if (rotated < 0) throw new IllegalArgumentException("rotated: " + rotated + " (expected: >= 0)");
            skipped = List.copyOf(requireNonNull(skipped, "skipped"));
        }
    }

    /** The key file {@link #open(Path, InstantSource, ThreadFactory)} uses, beside the database file. */
    public static final String KEY_FILE_NAME = "ccflare.key";

    /** Limits and timings; tests shrink them. */
    record Tuning(int queueCapacity, int batchSize, int busyTimeoutMs, List<Duration> retryBackoff, int purgeBatch,
                  Duration closeTimeout, Duration callTimeout, Duration integrityBudget) {

        /**
         * The start-up {@code quick_check} gets {@link IntegrityCheck#DEFAULT_BUDGET}: enough for a
         * few hundred MB here; on a bigger file it is skipped (and says so) rather than holding the
         * start for minutes.
         */
        static final Tuning DEFAULT = new Tuning(8192, 1000, 5000,
                List.of(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(2)), 500,
                Duration.ofSeconds(10), Duration.ofSeconds(30), IntegrityCheck.DEFAULT_BUDGET);

        Tuning {
            if (queueCapacity < 1) throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
            if (batchSize < 1) throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: >= 1)");
            if (busyTimeoutMs < 0) throw new IllegalArgumentException("busyTimeoutMs: " + busyTimeoutMs + " (expected: >= 0)");
            if (purgeBatch < 1) throw new IllegalArgumentException("purgeBatch: " + purgeBatch + " (expected: >= 1)");
            retryBackoff = List.copyOf(retryBackoff);
            requireNonNull(closeTimeout, "closeTimeout");
            requireNonNull(callTimeout, "callTimeout");
            requireNonNull(integrityBudget, "integrityBudget");
        }

        Tuning withQueueCapacity(int n) {
            return new Tuning(n, batchSize, busyTimeoutMs, retryBackoff, purgeBatch, closeTimeout, callTimeout, integrityBudget);
        }

        Tuning withBusyTimeout(int ms, List<Duration> backoff) {
            return new Tuning(queueCapacity, batchSize, ms, backoff, purgeBatch, closeTimeout, callTimeout, integrityBudget);
        }

        Tuning withIntegrityBudget(Duration budget) {
            return new Tuning(queueCapacity, batchSize, busyTimeoutMs, retryBackoff, purgeBatch, closeTimeout, callTimeout, budget);
        }

        Tuning withPurgeBatch(int n) {
            return new Tuning(queueCapacity, batchSize, busyTimeoutMs, retryBackoff, n, closeTimeout, callTimeout, integrityBudget);
        }
    }

    private final Path file;
    private final Tuning tuning;
    private final SingleWriter writer;
    private final Readers readers;
    private final SqliteAccountStore accounts;
    private final SqliteRequestQueries queries;
    private final SqliteClientKeyStore clientKeys;
    private final String integrityAtOpen;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CompletableFuture<Void> pendingProbe;

    private Database(Path file, Tuning tuning, SingleWriter writer, Readers readers, SqliteAccountStore accounts,
                     String integrityAtOpen) {
        this.file = file;
        this.integrityAtOpen = integrityAtOpen;
        this.tuning = tuning;
        this.writer = writer;
        this.readers = readers;
        this.accounts = accounts;
        this.queries = new SqliteRequestQueries(writer, readers, tuning.purgeBatch());
        this.clientKeys = new SqliteClientKeyStore(writer, readers);
    }

    /**
     * Opens (creating when missing) the database at {@code dbFile} with the key in
     * {@value #KEY_FILE_NAME} beside it, created (0600) when missing: credentials are encrypted
     * whichever way the database is opened. Otherwise as {@link #open(Path, InstantSource, ThreadFactory, SecretBox)}.
     *
     * @throws SecretBox.KeyFileException when the key file is unsafe (readable by others), malformed or cannot be created
     */
    public static Database open(Path dbFile, InstantSource clock, ThreadFactory writerThreads) {
        return open(dbFile, clock, writerThreads, null, Tuning.DEFAULT);
    }

    /**
     * Opens (creating when missing) the database at {@code dbFile}, brings its schema up to date,
     * seals any credentials an older build stored in plain text (one transaction, then the free
     * pages and the WAL are scrubbed of them), and starts the writer thread.
     *
     * <p>Accounts whose secrets {@code secrets} cannot open (another key, altered values) are
     * logged once by name and listed by {@link #undecryptableAccounts()}; they load without
     * credentials and nothing of theirs is lost.
     *
     * @param clock         stamps the health reason
     * @param writerThreads makes the one writer thread (name it; make it a daemon or not, as the owner prefers)
     * @param secrets       seals and opens the stored API keys and tokens
     * @throws StorageException naming the file and the problem: it cannot be created, is not a database,
     *                          is corrupt, or its schema is newer than this version
     */
    public static Database open(Path dbFile, InstantSource clock, ThreadFactory writerThreads, SecretBox secrets) {
        return open(dbFile, clock, writerThreads, requireNonNull(secrets, "secrets"), Tuning.DEFAULT);
    }

    static Database open(Path dbFile, InstantSource clock, ThreadFactory writerThreads, Tuning tuning) {
        return open(dbFile, clock, writerThreads, null, tuning);
    }

    /** @param secrets null: the key file beside the database, created when missing */
    static Database open(Path dbFile, InstantSource clock, ThreadFactory writerThreads, SecretBox secrets, Tuning tuning) {
        requireNonNull(dbFile, "dbFile");
        requireNonNull(clock, "clock");
        requireNonNull(writerThreads, "writerThreads");
        requireNonNull(tuning, "tuning");
        Path file = dbFile.toAbsolutePath().normalize();
        boolean fresh = prepareFile(file);
        SecretBox box = secrets != null ? secrets : SecretBox.loadOrCreate(file.resolveSibling(KEY_FILE_NAME));
        if (fresh) initialise(file, tuning);
        // Before Flyway: a damaged file is refused in one sentence, not by Flyway's own output.
        String integrity = fresh ? "ok" : IntegrityCheck.atOpen(file, tuning.busyTimeoutMs(), tuning.integrityBudget());
        Migrations.bringUpToDate(file, dataSource(file, tuning, SQLiteConfig.TransactionMode.IMMEDIATE), clock);

        Connection connection;
        Map<String, String> undecryptable;
        try {
            connection = dataSource(file, tuning, SQLiteConfig.TransactionMode.IMMEDIATE).getConnection();
        } catch (SQLException e) {
            throw new StorageException(file + ": cannot open the database: " + e.getMessage(), e);
        }
        try {
            SqlWork.execute(connection, "SELECT count(*) FROM sqlite_schema"); // opens the -wal and -shm files
            undecryptable = SqliteAccountStore.sealPlaintext(connection, file, box);
            // The writer's own cache: 16 MiB keeps the hot pages of the request tables and their
            // indexes in memory under sustained load (the default 2 MiB thrashes); readers keep the default.
            SqlWork.execute(connection, "PRAGMA cache_size = -16384");
            SqlWork.execute(connection, "PRAGMA temp_store = MEMORY");
        } catch (SQLException e) {
            try { connection.close(); } catch (SQLException ignored) { /* already failing */ }
            throw new StorageException(file + ": cannot open the database: " + e.getMessage(), e);
        }
        restrictCompanions(file);
        Readers readers = new Readers(file, dataSource(file, tuning, SQLiteConfig.TransactionMode.DEFERRED));
        SingleWriter writer;
        try {
            writer = new SingleWriter(file, connection, clock, tuning, writerThreads, readers);
        } catch (RuntimeException e) {
            try { connection.close(); } catch (SQLException ignored) { /* already failing */ }
            throw e;
        }
        SqliteAccountStore accounts = new SqliteAccountStore(file, writer, readers, box, undecryptable);
        writer.start();
        LOG.info("Opened database {} (credential key {})", file, box.keyId());
        return new Database(file, tuning, writer, readers, accounts, integrity);
    }

    /** Durable storage of accounts and credentials. */
    public AccountStore accounts() { return accounts; }

    /** The client keys of a shared proxy ({@code client_keys}). */
    public ClientKeyStore clientKeys() { return clientKeys; }

    /** Where finished requests are recorded; {@link RequestLog#append} never blocks. */
    public RequestLog requestLog() { return writer; }

    /** Reads for the API, plus the reset and retention purge. */
    public RequestQueries queries() { return queries; }

    public Health health() { return writer.health(); }

    /**
     * Caps the bytes of stored payload bodies (request plus response) at {@code maxBytes}: past it
     * the writer deletes the oldest payloads, in small batches, until they are under 90% of the cap.
     * Request rows are kept. No cap until this is called.
     *
     * @throws IllegalArgumentException when {@code maxBytes} is not positive
     */
    public void limitPayloads(long maxBytes) { writer.limitPayloads(maxBytes); }

    /**
     * What the {@code quick_check} at open found: {@code "ok"}, or {@code "skipped: …"} when the
     * file was too big to check within the budget (a corrupt file is refused by {@link #open}).
     */
    public String integrityAtOpen() { return integrityAtOpen; }

    /** The request writer's queue depth, counts and commit time so far. Cheap; never blocks. */
    public WriterStats writerStats() { return writer.stats(); }

    /**
     * Names of the accounts whose stored secrets cannot be decrypted with the current key (wrong or
     * missing key file, altered values), in load order; empty when all are readable. Set at open and
     * by every {@link AccountStore#loadAll()} and {@link #rotateKey} (the accounts it skipped stay
     * listed); an account leaves it when it gets new credentials or is deleted.
     */
    public List<String> undecryptableAccounts() { return accounts.undecryptableAccounts(); }

    /**
     * Re-encrypts every stored secret with {@code newBox} in one {@code BEGIN IMMEDIATE}
     * transaction, synced before it returns, then makes {@code newBox} the key for later writes and
     * loads and truncates the WAL. Accounts whose secrets the current key cannot open are left
     * untouched and named in the result. Writing the new key file is the caller's job; keep the old
     * key until this returns (a failure here leaves everything sealed with the old key).
     *
     * @throws StorageException when the transaction fails; nothing changed then
     */
    public KeyRotation rotateKey(SecretBox newBox) {
        return accounts.rotateKey(newBox);
    }

    /**
     * Imports the accounts (and with {@link OriginalImport.Request#withHistory()} the request rows)
     * of an original ccflare or better-ccflare database. The source is opened read-only and never
     * changed (a private copy is read when it is locked); what happens to each account is decided
     * first by {@link ImportPlan} against {@code existing}, the accounts as the caller holds them.
     * Everything is written in one {@code BEGIN IMMEDIATE} transaction, synced before this returns
     * (it holds credentials): a failure leaves nothing imported. Credentials are sealed like any
     * other. Account and request ids are kept, so a second import adds nothing. A dry run reads,
     * decides and counts, and writes nothing.
     *
     * @throws IllegalArgumentException naming the source and its problem (missing, not a database,
     *         corrupt, not an original's, unreadable)
     * @throws StorageException when writing fails; nothing was imported then
     */
    public OriginalImport.Result importOriginal(OriginalImport.Request request, List<ccflare.core.Account> existing) {
        requireNonNull(request, "request");
        List<ccflare.core.Account> current = List.copyOf(requireNonNull(existing, "existing"));
        try (OriginalDatabase src = OriginalDatabase.open(request.source())) {
            ImportPlan plan = ImportPlan.of(src.schema(), src.accounts(), current, request.rename());
            long sourceRequests = src.count("requests");
            long sourcePayloads = src.count("request_payloads");
            OriginalImport.HistoryCounts history = OriginalImport.HistoryCounts.NONE;
            List<AccountStore.Stored> stored = new ArrayList<>();
            if (request.dryRun()) {
                if (request.withHistory()) {
                    history = readers.read("counting the requests to import",
                            c -> OriginalImport.countNewRequests(src, c, request.history()));
                }
            } else {
                List<ccflare.core.Account> all = new ArrayList<>(current);
                for (ImportPlan.Step.Add a : plan.additions()) all.add(a.account());
                history = writer.call("importing from " + src.file(), c -> {
                    SqlWork.execute(c, "PRAGMA synchronous = FULL");
                    try {
                        return SqlWork.immediate(c, tx -> {
                            for (ImportPlan.Step.Add a : plan.additions()) accounts.insertIn(tx, a.account(), a.credentials());
                            return request.withHistory() ? OriginalImport.copyRequests(src, tx, all, request.history())
                                    : OriginalImport.HistoryCounts.NONE;
                        });
                    } finally {
                        SqlWork.execute(c, "PRAGMA synchronous = NORMAL");
                    }
                });
                for (ImportPlan.Step.Add a : plan.additions()) stored.add(new AccountStore.Stored(a.account(), a.credentials()));
                LOG.info("Imported {} accounts, {} requests and {} payloads from the {} database {} ({} accounts skipped)",
                        plan.additions().size(), history.imported(), history.payloads(), src.schema().label(), src.file(),
                        plan.skips().size());
            }
            OriginalImport.Report report = new OriginalImport.Report(src.file(), src.schema().label(),
                    src.schema().family(), src.readFromCopy(), request.dryRun(), request.withHistory(),
                    OriginalImport.added(plan), OriginalImport.skipped(plan), history.imported(), history.present(),
                    sourceRequests, sourcePayloads, history.payloads(), history.tooOld());
            return new OriginalImport.Result(report, stored);
        }
    }

    /**
     * Whether the database can be written now: the writer thread is alive, its last writes
     * succeeded, and it takes the write lock ({@code BEGIN IMMEDIATE}, then a rollback: nothing is
     * written) within {@code within}. A probe that has not finished is waited on again rather than
     * queued twice, so a wedged or locked database does not pile probes up in front of the writer.
     * For one caller at a time (the daemon's health check).
     *
     * @return empty when writable, else why not
     */
    public Optional<String> writeProbe(Duration within) {
        requireNonNull(within, "within");
        Health h = writer.health();
        if (!h.ok()) return Optional.of("database writer: " + h.reason());
        CompletableFuture<Void> probe = pendingProbe;
        if (probe == null || probe.isDone()) {
            probe = writer.submit("write probe", c -> {
                SqlWork.execute(c, "BEGIN IMMEDIATE");
                SqlWork.execute(c, "ROLLBACK");
                return null;
            });
            pendingProbe = probe;
        }
        try {
            probe.get(within.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of("the database writer did not take the write lock within " + within.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (ExecutionException e) {
            return Optional.of("database not writable: " + String.valueOf(e.getCause().getMessage()));
        }
    }

    /**
     * Waits until every record and account state queued before this call is committed.
     *
     * @return false when the timeout elapsed first, recording is failing (see {@link #health()}) or the database is closed
     */
    public boolean flush(Duration timeout) {
        requireNonNull(timeout, "timeout");
        return writer.flush(timeout);
    }

    /**
     * Copies the WAL into the main file and truncates it ({@code wal_checkpoint(TRUNCATE)}), on the
     * writer thread. Call periodically: readers can keep the automatic checkpoints from finishing.
     */
    public void checkpoint() {
        writer.call("checkpoint", c -> {
            if (!SqlWork.truncateWal(c)) LOG.debug("Checkpoint of {} was blocked by a reader; will retry", file);
            return null;
        });
    }

    /** File sizes, row counts and a full integrity check. Slow on a large database: run it on demand only. */
    public Report analyze() {
        Map<String, Long> counts = new LinkedHashMap<>();
        String integrity = readers.read("analysing", c -> {
            for (String table : TABLES) counts.put(table, SqliteRequestQueries.singleLong(c, "SELECT count(*) FROM " + table));
            List<String> problems = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) problems.add(rs.getString(1));
            }
            return String.join("\n", problems);
        });
        return new Report(sizeOf(file), sizeOf(companion(file, "-wal")), counts, integrity);
    }

    /** The database file (absolute). */
    public Path file() { return file; }

    /**
     * Stops accepting records, lets the writer commit what is queued (for at most about 10 s),
     * checkpoints the WAL into the main file and closes every connection. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        readers.close();
        writer.close(tuning.closeTimeout());
        Health h = writer.health();
        LOG.info("Closed database {} ({} requests written, {} dropped)", file, h.written(), h.dropped());
    }

    // ---------------------------------------------------------------- opening

    /** Creates the directory (0700) and the file (0600) when missing; returns whether the file is new (empty). */
    private static boolean prepareFile(Path file) {
        Path dir = file.getParent();
        boolean posix = Files.getFileAttributeView(dir == null ? file.getRoot() : dir.getRoot(),
                PosixFileAttributeView.class) != null;
        if (dir != null && !Files.isDirectory(dir)) {
            try {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                    Files.setPosixFilePermissions(dir, OWNER_DIR); // the creation attribute is subject to the umask
                } else {
                    Files.createDirectories(dir);
                }
            } catch (IOException e) {
                throw new StorageException(file + ": cannot create the directory " + dir + ": " + describe(e), e);
            }
        }
        if (Files.isDirectory(file)) {
            throw new StorageException(file + ": is a directory, not a database file", null);
        }
        try {
            if (Files.notExists(file)) {
                FileAttribute<?>[] attrs = posix
                        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)} : new FileAttribute<?>[0];
                Files.createFile(file, attrs);
                if (posix) Files.setPosixFilePermissions(file, OWNER_FILE);
                return true;
            }
            if (posix) restrict(file);
            return Files.size(file) == 0;
        } catch (IOException e) {
            throw new StorageException(file + ": cannot create the database file: " + describe(e), e);
        }
    }

    /**
     * Sets incremental auto-vacuum on a new file. It only takes effect before the first table
     * exists (Flyway's history table comes first), and without it freed pages are never returned
     * except by a full VACUUM, which blocks the writer for minutes on a big file.
     */
    private static void initialise(Path file, Tuning tuning) {
        SQLiteDataSource plain = new SQLiteDataSource();
        plain.setUrl("jdbc:sqlite:" + file);
        plain.setBusyTimeout(tuning.busyTimeoutMs());
        try (Connection c = plain.getConnection()) {
            SqlWork.execute(c, "PRAGMA auto_vacuum = INCREMENTAL");
            // Writing the header creates the database page with the auto-vacuum flag set.
            SqlWork.execute(c, "PRAGMA application_id = " + APPLICATION_ID);
            SqlWork.execute(c, "PRAGMA journal_mode = WAL");
        } catch (SQLException e) {
            throw new StorageException(file + ": cannot initialise the database: " + e.getMessage(), e);
        }
    }

    private static SQLiteDataSource dataSource(Path file, Tuning tuning, SQLiteConfig.TransactionMode mode) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setBusyTimeout(tuning.busyTimeoutMs());
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.enforceForeignKeys(true);
        // Zeroes deleted and overwritten cells and freed pages, so a replaced token's old sealed
        // value does not stay readable in the main file (the WAL is truncated after such writes).
        config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
        config.setTransactionMode(mode);
        // Nothing reads generated keys; with them on, sqlite-jdbc runs a regex over the SQL and a
        // "select last_insert_rowid()" statement after every insert (a third of the writer's CPU).
        config.setGetGeneratedKeys(false);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        return source;
    }

    /** The {@code -wal} and {@code -shm} files inherit the main file's mode from SQLite; make sure of it. */
    private static void restrictCompanions(Path file) {
        for (String suffix : List.of("-wal", "-shm")) {
            Path p = companion(file, suffix);
            if (Files.exists(p) && Files.getFileAttributeView(p, PosixFileAttributeView.class) != null) restrict(p);
        }
    }

    private static void restrict(Path p) {
        try {
            Files.setPosixFilePermissions(p, OWNER_FILE);
        } catch (IOException e) {
            LOG.warn("Cannot make {} readable by its owner only: {}", p, describe(e));
        }
    }

    private static Path companion(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String describe(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) return fse.getReason();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}

package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import ccflare.core.Account;
import ccflare.core.RequestLog;
import ccflare.core.RequestRecord;

/**
 * The only thread that writes to the database. Request records arrive through a bounded queue and
 * are committed in batches; account state is coalesced per account; synchronous writes (account
 * settings, credentials, maintenance) run as tasks between batches. One writer means no write-lock
 * contention inside the process, and every transaction is {@code BEGIN IMMEDIATE}.
 */
final class SingleWriter implements RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger(SingleWriter.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * How long a short batch waits for more records before it commits. Each commit costs a WAL
     * frame per touched page, so under load 20 ms turn many small transactions into one big one (about
     * 100 records at 5,000 req/s); a flush does not wait for it, and nobody reads a record that fast.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Payload bytes after which a batch is committed without taking more records (see {@link #drain}). */
    static final long BATCH_PAYLOAD_BYTES = 1024 * 1024;

    private final Path file;
    private final Connection connection;
    private final InstantSource clock;
    private final Database.Tuning tuning;
    private final ArrayBlockingQueue<RequestRecord> records;
    private final int shedThreshold;
    private final ConcurrentHashMap<String, Account> pendingStates = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Task<?>> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Object progress = new Object();
    /** Callers inside {@link #flush}; while any wait, the writer commits what it has without gathering. */
    private final AtomicInteger flushing = new AtomicInteger();
    /**
     * True only while the writer is parked with nothing to do: an append wakes it then and only
     * then. While it works or gathers a batch, appends just queue — waking a thread per request
     * cost a futex call and a context switch each, more than the row insert itself.
     */
    private volatile boolean idle;

    /** Records past the closed check; each one is settled exactly once (written or dropped). */
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong stateRows = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();
    private final AtomicLong stateRequested = new AtomicLong();
    private volatile long stateDone;
    private volatile String failure;
    private volatile boolean stopping;
    /** Re-armed when the queue empties, so a burst of overload logs one line each, not one per record. */
    private final AtomicBoolean fullLogged = new AtomicBoolean();
    private final AtomicBoolean shedLogged = new AtomicBoolean();

    // Writer-thread only.
    private String lastLoggedFailure;
    private PreparedStatement insertRequest;
    private PreparedStatement insertPayload;
    private PreparedStatement updateState;
    private final WalGuard walGuard;
    private final PayloadCap payloadCap;

    SingleWriter(Path file, Connection connection, InstantSource clock, Database.Tuning tuning, ThreadFactory threads,
                 Readers readers) {
        this.file = requireNonNull(file, "file");
        this.connection = requireNonNull(connection, "connection");
        this.clock = requireNonNull(clock, "clock");
        this.tuning = requireNonNull(tuning, "tuning");
        this.records = new ArrayBlockingQueue<>(tuning.queueCapacity());
        this.shedThreshold = Math.max(1, tuning.queueCapacity() / 2);
        this.walGuard = new WalGuard(file, tuning.busyTimeoutMs(), readers);
        this.payloadCap = new PayloadCap(file, tuning.purgeBatch());
        Thread t = threads.newThread(this::run);
        if (t == null) throw new StorageException(file + ": the thread factory refused to create the writer thread", null);
        this.thread = t;
    }

    void start() { thread.start(); }

    // ---------------------------------------------------------------- producers (any thread)

    /**
     * Never blocks: offers to the queue, sheds the payload from half full on, drops and counts when
     * full. Shedding starts well before the queue fills so that, under overload, payloads go long
     * before any request row is lost.
     */
    @Override
    public boolean append(RequestRecord record) {
        requireNonNull(record, "record");
        if (stopping) {
            dropped.incrementAndGet();
            return false;
        }
        // Queued and not yet settled, without the queue's lock (size() takes it, and so contends
        // with the writer's drain on every request); close enough for a threshold.
        boolean shedding = record.payload() != null && submitted.get() - settled.get() >= shedThreshold;
        RequestRecord toQueue = shedding ? withoutPayload(record) : record;
        // Counted before the offer: a flush that starts after this append returns must wait for it.
        submitted.incrementAndGet();
        if (!records.offer(toQueue)) {
            dropped.incrementAndGet();
            settle(1);
            if (fullLogged.compareAndSet(false, true)) {
                LOG.warn("Recording queue of {} is full; dropping request records until it drains", file);
            }
            return false;
        }
        if (shedding) {
            shed.incrementAndGet();
            if (shedLogged.compareAndSet(false, true)) {
                LOG.warn("Recording queue of {} is over half full; storing new requests without payloads", file);
            }
        }
        if (idle) LockSupport.unpark(thread);
        return true;
    }

    /** Queues the latest live state of an account; a burst for one account is written once. Never blocks. */
    void saveStateLater(Account account) {
        requireNonNull(account, "account");
        if (stopping) {
            LOG.debug("Database {} is closed; state of account {} not saved", file, account.id());
            return;
        }
        pendingStates.put(account.id(), account);
        stateRequested.incrementAndGet();
        LockSupport.unpark(thread);
    }

    /**
     * Runs {@code work} on the writer thread and waits for it. Work that writes opens its own
     * transaction with {@link SqlWork#immediate}.
     *
     * @param what names the operation in an error message
     */
    <T> T call(String what, SqlWork<T> work) {
        if (Thread.currentThread() == thread) {
            try {
                return work.run(connection);
            } catch (SQLException e) {
                throw new StorageException(file + ": " + what + " failed: " + e.getMessage(), e);
            }
        }
        if (stopping) throw new StorageException(file + ": " + what + " failed: the database is closed", null);
        Task<T> task = new Task<>(work);
        tasks.add(task);
        LockSupport.unpark(thread);
        try {
            return task.result.get(tuning.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StorageException(file + ": " + what + " did not finish within " + tuning.callTimeout(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(file + ": " + what + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new StorageException(file + ": " + what + " failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * Queues {@code work} for the writer thread without waiting for it; the future fails with a
     * {@link StorageException} when the work fails or the database is closed.
     */
    <T> CompletableFuture<T> submit(String what, SqlWork<T> work) {
        if (stopping || terminated.getCount() == 0) {
            return CompletableFuture.failedFuture(new StorageException(file + ": " + what + " failed: the database is closed", null));
        }
        Task<T> task = new Task<>(work);
        tasks.add(task);
        LockSupport.unpark(thread);
        // A task queued as the writer stopped is failed by the writer's own clean-up.
        return task.result;
    }

    /** Waits until every record and state queued before this call is settled; false on timeout or failure. */
    boolean flush(Duration timeout) {
        long recordTarget = submitted.get();
        long stateTarget = stateRequested.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        flushing.incrementAndGet();
        LockSupport.unpark(thread);
        try {
            return awaitSettled(recordTarget, stateTarget, deadline);
        } finally {
            flushing.decrementAndGet();
        }
    }

    private boolean awaitSettled(long recordTarget, long stateTarget, long deadline) {
        synchronized (progress) {
            while (settled.get() < recordTarget || stateDone < stateTarget) {
                if (terminated.getCount() == 0) return false;
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) return false;
                try {
                    progress.wait(leftMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return failure == null;
    }

    Database.Health health() {
        String reason = failure;
        boolean closed = stopping || terminated.getCount() == 0;
        if (closed && reason == null) reason = "closed";
        return new Database.Health(reason == null, reason == null ? "" : reason, records.size(), written.get(),
                dropped.get());
    }

    /** Stops accepting, lets the thread drain, checkpoint and close its connection; waits at most {@code timeout}. */
    void close(Duration timeout) {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            if (!terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Writer of {} did not finish within {}; {} records still queued", file, timeout, records.size());
                thread.interrupt();
                terminated.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The writer's figures for {@code /metrics}: reads a few atomics and the queue's size. */
    Database.WriterStats stats() {
        return new Database.WriterStats(records.size(), written.get(), dropped.get(), shed.get(), commits.get(),
                commitNanos.get());
    }

    /** Caps the stored payload bodies at {@code bytes}, oldest dropped first (see {@link PayloadCap}). */
    void limitPayloads(long bytes) { payloadCap.limit(bytes); }

    /** Payload bodies dropped for the cap since open. Writer thread's figure; read loosely. */
    long payloadsDroppedForCap() { return payloadCap.dropped(); }

    private void enforcePayloadCap() {
        try {
            payloadCap.enforce(connection);
        } catch (SQLException e) {
            // The rows are committed; the cap is tried again after the next batch.
            logOnce("payload cap not applied: " + e.getMessage());
        }
    }

    /** WAL truncations the writer ran by itself since open (see {@link WalGuard}). Writer thread's figure; read loosely. */
    long walCheckpoints() { return walGuard.checkpoints(); }

    /** Records stored without their payload because the queue was at least half full. */
    long shedPayloads() { return shed.get(); }

    /** Account-state rows written (a coalesced burst counts once). */
    long stateRowsWritten() { return stateRows.get(); }

    // ---------------------------------------------------------------- the writer thread

    private void run() {
        boolean healthy = true;
        try {
            insertRequest = connection.prepareStatement(RequestRows.INSERT);
            insertPayload = connection.prepareStatement(RequestRows.INSERT_PAYLOAD);
            updateState = connection.prepareStatement(AccountRows.UPDATE_STATE);
            secureDelete(false);
            WalGuard.limit(connection);
            enforcePayloadCap(); // reads the stored total before the first batch
            while (true) {
                boolean stop = stopping;
                boolean worked = runTasks();
                worked |= writeBatch();
                walGuard.check(connection, !worked);
                if (!worked) {
                    if (stop) break;
                    idle = true;
                    // Re-checked after announcing idleness: an append that queued before it saw
                    // the flag is picked up here instead of waiting out the park.
                    if (records.isEmpty()) LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                    idle = false;
                }
            }
        } catch (SQLException | RuntimeException | Error e) {
            healthy = false;
            failure = "writer stopped: " + e.getMessage();
            LOG.error("Writer of {} stopped; requests are no longer recorded", file, e);
        } finally {
            stopping = true;
            int left = 0;
            while (records.poll() != null) left++;
            if (left > 0) {
                dropped.addAndGet(left);
                settle(left);
                LOG.warn("{} request records were still queued when the writer of {} stopped; dropped", left, file);
            }
            if (healthy) checkpointQuietly();
            closeQuietly();
            for (Task<?> t; (t = tasks.poll()) != null; ) {
                t.result.completeExceptionally(new StorageException(file + ": the database is closed", null));
            }
            terminated.countDown();
            synchronized (progress) { progress.notifyAll(); }
        }
    }

    /**
     * Runs the queued synchronous work with {@code secure_delete} on: these are the writes of
     * credentials (insert, replace, delete, key rotation) whose replaced sealed values must be
     * zeroed in the file, and maintenance, which is rare.
     */
    private boolean runTasks() throws SQLException {
        Task<?> t = tasks.poll();
        if (t == null) return false;
        secureDelete(true);
        try {
            do {
                t.runOn(connection);
            } while ((t = tasks.poll()) != null);
        } finally {
            secureDelete(false);
        }
        return true;
    }

    /**
     * {@code secure_delete} zeroes every freed cell and page, which on the request tables costs on
     * every page write and protects nothing secret (payload headers are redacted before they get
     * here). So the writer connection keeps it off for request records and turns it on only around
     * writes to the {@code accounts} table, whose rows carry sealed credentials: a stale copy of a
     * row left in a page's free space would keep an old sealed token readable after it was replaced.
     * The pragma takes effect at once, also inside an open transaction.
     */
    private void secureDelete(boolean on) throws SQLException {
        SqlWork.execute(connection, on ? "PRAGMA secure_delete = ON" : "PRAGMA secure_delete = OFF");
    }

    /** Drains up to one batch; a short one waits {@link #GATHER_NANOS} for more unless someone is waiting. */
    private List<RequestRecord> gather() {
        int max = tuning.batchSize();
        List<RequestRecord> batch = new ArrayList<>(Math.min(Math.max(records.size(), 16), max));
        long bytes = drain(batch, max, 0);
        if (batch.isEmpty() || batch.size() >= max || bytes >= BATCH_PAYLOAD_BYTES) return batch;
        long deadline = System.nanoTime() + GATHER_NANOS;
        // Parks for the rest of the window instead of polling: appends do not wake a writer that
        // is not idle, so the window costs one wake-up, not one per record. A flush, a task or a
        // stop unparks it early.
        while (batch.size() < max && !stopping && flushing.get() == 0 && tasks.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            LockSupport.parkNanos(this, left);
            if (Thread.currentThread().isInterrupted()) break;
        }
        drain(batch, max, bytes);
        return batch;
    }

    /**
     * Moves records into {@code batch} until it holds {@code max} or its payloads reach
     * {@link #BATCH_PAYLOAD_BYTES}; returns the payload bytes it then holds. A batch's rows all go
     * into the WAL before the next checkpoint can run, so the byte cap bounds the WAL by the
     * {@link WalGuard} threshold plus one batch, also after a backlog.
     */
    private long drain(List<RequestRecord> batch, int max, long bytes) {
        while (batch.size() < max && bytes < BATCH_PAYLOAD_BYTES) {
            RequestRecord r = records.poll();
            if (r == null) break;
            batch.add(r);
            RequestRecord.Payload p = r.payload();
            if (p != null) bytes += p.requestBody().length + p.responseBody().length;
        }
        return bytes;
    }

    /** Commits up to one batch of records plus every pending account state; false when there was nothing. */
    private boolean writeBatch() {
        List<RequestRecord> batch = gather();
        long stateTarget = stateRequested.get();
        List<Account> states = new ArrayList<>();
        for (String id : pendingStates.keySet()) {
            Account a = pendingStates.remove(id);
            if (a != null) states.add(a);
        }
        if (batch.isEmpty() && states.isEmpty()) {
            stateDone = stateTarget;
            fullLogged.set(false);
            shedLogged.set(false);
            return false;
        }
        List<Duration> backoff = tuning.retryBackoff();
        for (int attempt = 0; ; attempt++) {
            try {
                long began = System.nanoTime();
                int inserted = SqlWork.immediate(connection, c -> insertAll(batch, states));
                commitNanos.addAndGet(System.nanoTime() - began);
                commits.incrementAndGet();
                written.addAndGet(inserted);
                stateRows.addAndGet(states.size());
                boolean payloads = false;
                for (RequestRecord r : batch) {
                    if (r.payload() != null) { payloadCap.added(r.payload()); payloads = true; }
                }
                // Before settling: a flush that returns has the cap applied to what it waited for.
                if (payloads) enforcePayloadCap();
                recovered(); // before settling: a flush woken by settle() reads the health
                stateDone = stateTarget;
                settle(batch.size());
                return true;
            } catch (SQLException e) {
                noteFailure(e, batch.size());
                if (attempt >= backoff.size() || Thread.currentThread().isInterrupted()) break;
                if (!sleep(backoff.get(attempt))) break;
            }
        }
        dropped.addAndGet(batch.size());
        settle(batch.size());
        if (stopping) {
            // Shutting down with the database failing: requeueing would keep the writer alive forever.
            if (!states.isEmpty()) LOG.warn("State of {} accounts not saved to {}", states.size(), file);
        } else {
            // Account state is small and latest-wins: keep it for the next batch instead of losing
            // it, unless a newer state for the same account arrived meanwhile.
            for (Account a : states) pendingStates.putIfAbsent(a.id(), a);
        }
        return true;
    }

    /** Inserts the batch inside the open transaction; returns the rows inserted. */
    private int insertAll(List<RequestRecord> batch, List<Account> states) throws SQLException {
        int inserted = 0;
        for (RequestRecord r : batch) {
            try {
                RequestRows.bind(insertRequest, r);
                insertRequest.executeUpdate();
            } catch (SQLException e) {
                // A constraint violation fails this statement only, not the transaction: a duplicate
                // id is a bug upstream and must not cost the rest of the batch.
                if (!isConstraint(e)) throw e;
                dropped.incrementAndGet();
                logOnce("request " + r.id() + " not recorded: " + e.getMessage());
                continue;
            }
            inserted++;
            if (r.payload() != null) {
                try {
                    RequestRows.bindPayload(insertPayload, r);
                    insertPayload.executeUpdate();
                } catch (SQLException e) {
                    // Only a leftover orphan payload with this id can collide; keep the request row.
                    if (!isConstraint(e)) throw e;
                    logOnce("payload of request " + r.id() + " not recorded: " + e.getMessage());
                }
            }
        }
        if (!states.isEmpty()) {
            // Account rows hold sealed credentials: see secureDelete.
            secureDelete(true);
            try {
                for (Account a : states) {
                    AccountRows.bindState(updateState, a);
                    updateState.executeUpdate();
                }
            } finally {
                secureDelete(false);
            }
        }
        return inserted;
    }

    private void noteFailure(SQLException e, int batchSize) {
        String reason = e.getMessage();
        if (failure == null || !failure.endsWith(reason)) {
            failure = "recording failing since " + Instant.ofEpochMilli(clock.millis()) + ": " + reason;
        }
        if (!reason.equals(lastLoggedFailure)) {
            lastLoggedFailure = reason;
            LOG.warn("Cannot write {} request records to {}: {} (retrying, then dropping; see health)",
                    batchSize, file, reason);
        }
    }

    private void logOnce(String message) {
        if (!message.equals(lastLoggedFailure)) {
            lastLoggedFailure = message;
            LOG.warn("{}: {}", file, message);
        }
    }

    private void recovered() {
        if (failure != null) {
            LOG.info("Recording to {} works again ({} records dropped in total)", file, dropped.get());
            failure = null;
        }
        lastLoggedFailure = null;
    }

    private void settle(int n) {
        settled.addAndGet(n);
        synchronized (progress) { progress.notifyAll(); }
    }

    private void checkpointQuietly() {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            if (rs.next() && rs.getInt(1) != 0) LOG.debug("Final checkpoint of {} was blocked by a reader", file);
        } catch (SQLException e) {
            LOG.warn("Final checkpoint of {} failed: {}", file, e.getMessage());
        }
    }

    private void closeQuietly() {
        for (AutoCloseable c : new AutoCloseable[] {insertRequest, insertPayload, updateState, connection}) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("Closing {} failed: {}", file, e.getMessage());
            }
        }
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean isConstraint(SQLException e) {
        return e instanceof SQLiteException se && (se.getResultCode().code & 0xff) == SQLiteErrorCode.SQLITE_CONSTRAINT.code;
    }

    static RequestRecord withoutPayload(RequestRecord r) {
        return r.withoutPayload();
    }

    /** Synchronous work handed to the writer thread. */
    private static final class Task<T> {
        final SqlWork<T> work;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Task(SqlWork<T> work) { this.work = work; }

        void runOn(Connection connection) {
            try {
                result.complete(work.run(connection));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }
    }
}

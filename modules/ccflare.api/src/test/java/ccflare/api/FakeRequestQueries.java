package ccflare.api;

import ccflare.core.RequestQueries;
import ccflare.core.RequestRecord;
import ccflare.core.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** RequestQueries over a list of records; stats and analytics are whatever the test sets. */
final class FakeRequestQueries implements RequestQueries {
    final List<RequestRecord> records = new CopyOnWriteArrayList<>();
    volatile Stats stats = new Stats(0, 0, 0, 0, 0, 0, Usage.NONE, List.of(), List.of(), List.of());
    volatile Analytics analytics = new Analytics(0, 0, 0, 0, null, null, 0, 0, 0, Usage.NONE, List.of(), List.of(), List.of(),
            List.of(), List.of());
    volatile AnalyticsQuery lastQuery;
    volatile HistoryQuery lastHistory;
    volatile int resets;
    volatile RuntimeException failure;
    /** False: clearHistory behaves as the interface's default (a store that cannot clear). */
    volatile boolean canClearHistory = true;
    volatile int historyClears;

    /** Newest first from the cursor, up to the limit; the filters are recorded, not applied (the SQLite store's tests cover them). */
    @Override public List<RequestRecord> history(HistoryQuery query) {
        fail();
        lastHistory = query;
        List<RequestRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingLong(RequestRecord::receivedAtMs).reversed());
        int from = 0;
        if (query.beforeId() != null) {
            from = sorted.size();
            for (int i = 0; i < sorted.size(); i++) if (sorted.get(i).id().equals(query.beforeId())) from = i + 1;
        }
        return sorted.subList(from, Math.min(from + query.limit(), sorted.size())).stream()
                .map(FakeRequestQueries::withoutPayload).toList();
    }

    @Override public Optional<RequestRecord> find(String id) {
        fail();
        return records.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    @Override public Stats stats() { fail(); return stats; }

    @Override public Analytics analytics(AnalyticsQuery query) { fail(); lastQuery = query; return analytics; }

    @Override public void resetStats() { fail(); records.clear(); resets++; }

    @Override public long clearHistory() {
        if (!canClearHistory) return RequestQueries.super.clearHistory();
        fail();
        int n = records.size();
        records.clear();
        historyClears++;
        return n;
    }

    @Override public Purge purge(long payloadCutoffMs, long requestCutoffMs) { return new Purge(0, 0); }

    private void fail() { if (failure != null) throw failure; }

    private static RequestRecord withoutPayload(RequestRecord r) {
        return new RequestRecord(r.id(), r.receivedAtMs(), r.method(), r.path(), r.provider(), r.accountId(), r.model(),
                r.status(), r.outcome(), r.attempts(), r.failovers(), r.upstreamFirstByteMs(), r.clientFirstByteMs(),
                r.totalMs(), r.proxyOverheadMs(), r.usage(), r.costUsd(), r.tokensPerSecond(), r.userAgent(),
                r.clientSessionId(), r.errorMessage(), null);
    }
}

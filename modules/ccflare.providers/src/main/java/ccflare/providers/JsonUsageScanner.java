package ccflare.providers;

import ccflare.core.Usage;

/**
 * Usage of a non-streaming JSON body: the top-level {@code model} and {@code usage}, parsed as the
 * bytes go by so that a large body is never buffered. No token timing.
 */
final class JsonUsageScanner implements UsageScanner {
    private final ScanDialect dialect;
    private final UsageCounters counters = new UsageCounters();
    private final UsageJsonWalker walker;

    JsonUsageScanner(ScanDialect dialect) {
        this.dialect = dialect;
        this.walker = new UsageJsonWalker(null, true, counters);
    }

    @Override public void accept(byte[] bytes, int offset, int length) { walker.feed(bytes, offset, length); }

    @Override public void finish() { walker.end(); }

    @Override public Usage usage() { return dialect.usage(counters); }

    @Override public String model() { return counters.model(); }

    @Override public long firstTokenAtMs() { return 0; }

    @Override public long lastTokenAtMs() { return 0; }
}

package bench;

/**
 * The cold phase: what the first requests after a start cost, beside the warmed figures. Run on
 * the fresh instance of the start-up scenario right after its first 200: N sequential JSON
 * requests (the first 200 counts as the first of them), their latency and the CPU the target's
 * process tree spent on them. The warmed counterpart is {@code latency_json} and
 * {@code throughput_c64 cpu_us_per_req}.
 */
final class Cold {

    private Cold() {
    }

    record Phase(double p50Ms, double p99Ms, double cpuUsPerRequest, int ok, int failed, String firstFailure) {
    }

    /**
     * @param pid the target's process (its tree is counted), already serving
     * @param requests how many requests after the first 200
     */
    static Phase measure(int port, long pid, int requests, long deadlineNanos) {
        long cpu0 = Proc.cpuMicros(pid);
        Load.Latency l = Load.latency(port, false, requests, deadlineNanos);
        long cpu = Proc.cpuMicros(pid) - cpu0;
        return new Phase(Results.percentile(l.total(), 50), Results.percentile(l.total(), 99),
                l.ok() == 0 ? Double.NaN : (double) cpu / l.ok(), l.ok(), l.failed(), l.firstFailure());
    }
}

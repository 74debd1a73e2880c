package bench;

import java.util.Locale;

/**
 * The budgets, printed after the table and never asserted: first the rows of the performance
 * issue's table (each with nginx's figure from the same run where nginx has one), then the older
 * budgets the bench has kept since. A budget relative to nginx reads nginx's median of this run.
 */
final class Budgets {

    private static final String C = "ccflare";
    private static final String N = "nginx";
    private final Results results;
    private final Bench.Plan plan;
    private final StringBuilder sb = new StringBuilder();

    Budgets(Results results, Bench.Plan plan) {
        this.results = results;
        this.plan = plan;
    }

    String text() {
        int small = plan.streamSizes()[0];
        int big = plan.streamSizes()[plan.streamSizes().length - 1];
        sb.append("budgets (printed, never asserted): figure, nginx in this run, ccflare, budget, verdict\n");
        sb.append(String.format(Locale.ROOT, "  %-58s %10s %10s %-5s %-16s %s%n", "figure", "nginx", "ccflare", "unit",
                "budget", "verdict"));
        absolute("start -> first served request, build tree", "startup", "first_200_ms", "ms", 150);
        absolute("the same, installed by ccflare-install (cache recorded there)", "startup",
                "installed_first_200_ms", "ms", 150);
        absolute("the same, tarball extracted by hand (no cache)", "startup", "extracted_first_200_ms", "ms", 150);
        double floor = results.median("ctl", C, "java_version_ms");
        absolute("ccflarectl list wall time (java -version here: " + Results.fmt(floor) + " ms)", "ctl", "list_ms",
                "ms", 80);
        absolute("idle RSS after start", "memory", "idle_rss_mib", "MiB", 48);
        absolute("RSS under " + small + " streams", "streams_" + small, "rss_peak_mib", "MiB", 120);
        relative(small + " streams, first byte p99", "streams_" + small, "first_byte_p99_ms", "ms", 1.5);
        absolute("CPU per request at c=64", "throughput_c64", "cpu_us_per_req", "us", 90);
        sb.append("  kept from before:\n");
        added("added p50, JSON time to first byte (ccflare - direct)", "latency_json", "added_ttfb_p50_ms");
        added("added p50, SSE first byte (ccflare - direct)", "latency_sse", "added_first_byte_p50_ms");
        double rps = results.median("throughput_c64", C, "rps");
        double nginxRps = results.median("throughput_c64", N, "rps");
        row("c=64 throughput, ccflare >= 0.7 x nginx", nginxRps, rps, "req/s", ">= " + Results.fmt(0.7 * nginxRps),
                rps >= 0.7 * nginxRps);
        double complete = results.median("streams_" + big, C, "complete");
        row(big + " streams complete", results.median("streams_" + big, N, "complete"), complete, "", "all " + big,
                complete == big);
        relative(big + " streams, first byte p99", "streams_" + big, "first_byte_p99_ms", "ms", 2);
        absolute("RSS under " + big + " streams", "streams_" + big, "rss_peak_mib", "MiB", 300);
        double cold = results.median("cold", C, "first_" + plan.coldRequests() + "_p50_ms");
        double warm = results.median("latency_json", C, "total_p50_ms");
        row("cold: first " + plan.coldRequests() + " requests p50 (warmed: " + Results.fmt(warm) + " ms)",
                results.median("cold", N, "first_" + plan.coldRequests() + "_p50_ms"), cold, "ms", "(shown)", true);
        double missing = results.median("records", C, "missing");
        row("served requests without a record", Double.NaN, missing, "", "0", missing == 0);
        sb.append(String.format(Locale.ROOT, "  %-58s %s (cut-off allowance %s)%n", "rows beyond served requests",
                Results.fmt(results.median("records", C, "extra")),
                Results.fmt(results.median("records", C, "cut_off_allowance"))));
        if (plan.smoke()) {
            sb.append("  (smoke: sizes and durations are reduced; these verdicts mean little)\n");
        }
        return sb.toString();
    }

    private void absolute(String what, String scenario, String metric, String unit, double limit) {
        double v = results.median(scenario, C, metric);
        row(what, results.median(scenario, N, metric), v, unit, "<= " + Results.fmt(limit) + " " + unit, v <= limit);
    }

    private void relative(String what, String scenario, String metric, String unit, double factor) {
        double v = results.median(scenario, C, metric);
        double n = results.median(scenario, N, metric);
        row(what, n, v, unit, "<= " + Results.fmt(factor) + " x nginx", v <= factor * n);
    }

    private void added(String what, String scenario, String metric) {
        double v = results.median(scenario, C, metric);
        row(what, results.median(scenario, N, metric), v, "ms", "<= 0.3 ms", v <= 0.3);
    }

    private void row(String what, double nginx, double value, String unit, String budget, boolean ok) {
        String verdict = results.notRun.containsKey(C) ? "not run" : Double.isNaN(value) ? "not measured"
                : budget.equals("(shown)") ? "" : ok ? "within" : "OVER";
        sb.append(String.format(Locale.ROOT, "  %-58s %10s %10s %-5s %-16s %s%n", what, Results.fmt(nginx),
                Results.fmt(value), unit, budget, verdict));
    }
}

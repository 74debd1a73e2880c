package bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Values per (scenario, target, metric) over the repeats; medians, spreads, the table. */
final class Results {

    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    /** Metrics per scenario, both in first-seen order, so each scenario's rows stay together. */
    private final Map<String, Set<String>> rows = new LinkedHashMap<>();
    private final List<String> targets;
    final Map<String, String> notRun = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    Results(List<String> targets) {
        this.targets = targets;
    }

    void add(String scenario, String target, String metric, double value) {
        rows.computeIfAbsent(scenario, k -> new LinkedHashSet<>()).add(metric);
        values.computeIfAbsent(scenario + "|" + target + "|" + metric, k -> new ArrayList<>()).add(value);
    }

    void note(String text) {
        synchronized (notes) {
            notes.add(text);
        }
        System.out.println("note: " + text);
    }

    /** The median over repeats, or NaN when never measured. */
    double median(String scenario, String target, String metric) {
        List<Double> v = values.get(scenario + "|" + target + "|" + metric);
        return v == null || v.isEmpty() ? Double.NaN : percentile(v.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }

    /** (max − min) / |median| in percent over repeats; NaN with fewer than two values. */
    double spread(String scenario, String target, String metric) {
        List<Double> v = values.get(scenario + "|" + target + "|" + metric);
        if (v == null || v.size() < 2) {
            return Double.NaN;
        }
        double min = v.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = v.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double med = Math.abs(median(scenario, target, metric));
        return med == 0 ? (max == min ? 0 : Double.NaN) : (max - min) / med * 100;
    }

    static double percentile(double[] xs, double p) {
        if (xs.length == 0) {
            return Double.NaN;
        }
        double[] s = xs.clone();
        Arrays.sort(s);
        if (p == 50) {
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }
        int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, idx))];
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1000 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    String table() {
        StringBuilder sb = new StringBuilder();
        String rowFormat = "%-16s %-26s";
        sb.append(String.format(Locale.ROOT, rowFormat, "scenario", "metric"));
        for (String t : targets) {
            sb.append(String.format(Locale.ROOT, " %20s", t));
        }
        sb.append('\n');
        String lastScenario = "";
        for (String row : rowKeys()) {
            String[] sm = row.split("\\|");
            sb.append(String.format(Locale.ROOT, rowFormat, sm[0].equals(lastScenario) ? "" : sm[0], sm[1]));
            lastScenario = sm[0];
            for (String t : targets) {
                String cell;
                if (notRun.containsKey(t)) {
                    cell = "not run";
                } else {
                    double m = median(sm[0], t, sm[1]);
                    double s = spread(sm[0], t, sm[1]);
                    cell = fmt(m) + (Double.isNaN(s) ? "" : String.format(Locale.ROOT, " [%3.0f%%]", s));
                }
                sb.append(String.format(Locale.ROOT, " %20s", cell));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    String machineLines() {
        StringBuilder sb = new StringBuilder();
        for (String row : rowKeys()) {
            String[] sm = row.split("\\|");
            for (String t : targets) {
                if (notRun.containsKey(t)) {
                    continue;
                }
                double m = median(sm[0], t, sm[1]);
                if (Double.isNaN(m)) {
                    continue;
                }
                sb.append("bench.").append(sm[0]).append('.').append(t).append('.').append(sm[1]).append('=')
                        .append(fmt(m)).append('\n');
                double s = spread(sm[0], t, sm[1]);
                if (!Double.isNaN(s)) {
                    sb.append("bench.").append(sm[0]).append('.').append(t).append('.').append(sm[1])
                            .append(".spread_pct=").append(String.format(Locale.ROOT, "%.1f", s)).append('\n');
                }
            }
        }
        for (Map.Entry<String, String> e : notRun.entrySet()) {
            sb.append("bench.target.").append(e.getKey()).append(".not_run=").append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    private List<String> rowKeys() {
        List<String> keys = new ArrayList<>();
        rows.forEach((scenario, metrics) -> metrics.forEach(m -> keys.add(scenario + "|" + m)));
        return keys;
    }

    /** The spreads of every measured (scenario, target, metric), for the noise summary. */
    double[] allSpreads() {
        List<Double> s = new ArrayList<>();
        for (String key : values.keySet()) {
            String[] p = key.split("\\|");
            double v = spread(p[0], p[1], p[2]);
            if (!Double.isNaN(v)) {
                s.add(v);
            }
        }
        return s.stream().mapToDouble(Double::doubleValue).toArray();
    }
}

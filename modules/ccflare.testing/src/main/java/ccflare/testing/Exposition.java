package ccflare.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4 and of OpenMetrics text 1.0, for
 * tests of {@code /metrics}. The Prometheus Java client ships writers only, no parser, so this
 * checks the grammar line by line and fails on the first line that breaks it, naming the line:
 * metric and label name syntax, label-value escapes ({@code \\ \" \n} only), float syntax,
 * {@code # HELP} and {@code # TYPE} at most once per family and before its samples, samples of a
 * family contiguous, each sample's name allowed by its family's type (a histogram's
 * {@code _bucket} with {@code le}, {@code _sum}, {@code _count}), no series twice, histogram
 * buckets cumulative and ending in {@code +Inf} equal to {@code _count}, every line ended by
 * {@code \n}, and for OpenMetrics a final {@code # EOF}.
 */
public final class Exposition {

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        }

        public String label(String name) { return labels.get(name); }
    }

    /** The families' declared types and every sample in order. */
    public record Parsed(Map<String, String> types, Map<String, String> help, List<Sample> samples) {

        /** The samples named {@code name} whose labels include every pair of {@code labels} (name, value, …). */
        public List<Sample> find(String name, String... labels) {
            List<Sample> out = new ArrayList<>();
            for (Sample s : samples) {
                if (!s.name().equals(name)) continue;
                boolean all = true;
                for (int i = 0; i < labels.length; i += 2) {
                    if (!labels[i + 1].equals(s.labels().get(labels[i]))) { all = false; break; }
                }
                if (all) out.add(s);
            }
            return out;
        }

        /** The sum of the values of {@link #find}. */
        public double sum(String name, String... labels) {
            double sum = 0;
            for (Sample s : find(name, labels)) sum += s.value();
            return sum;
        }
    }

    /** The exposition broke the grammar; the message names the line. */
    public static final class GrammarException extends RuntimeException {
        GrammarException(int line, String text, String why) {
            super("line " + line + ": " + why + ": " + text);
        }
    }

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(?:Inf|NaN|(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final Set<String> TEXT_TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final Set<String> OM_TYPES = Set.of("counter", "gauge", "histogram", "gaugehistogram", "summary",
            "stateset", "info", "unknown");

    private Exposition() {}

    /** Parses the Prometheus text format 0.0.4. */
    public static Parsed prometheusText(String text) { return parse(text, false); }

    /** Parses OpenMetrics text 1.0. */
    public static Parsed openMetrics(String text) { return parse(text, true); }

    private static Parsed parse(String text, boolean om) {
        if (!text.isEmpty() && !text.endsWith("\n")) throw new GrammarException(-1, "", "the last line has no \\n");
        String[] lines = text.isEmpty() ? new String[0] : text.substring(0, text.length() - 1).split("\n", -1);
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        Set<String> units = new HashSet<>();
        List<Sample> samples = new ArrayList<>();
        Set<String> seenSeries = new HashSet<>();
        Set<String> closedFamilies = new HashSet<>();
        Set<String> familiesWithSamples = new HashSet<>();
        Map<String, List<Sample>> bucketsBySeries = new LinkedHashMap<>();
        Map<String, Double> countsBySeries = new HashMap<>();
        String current = null;
        boolean eof = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int n = i + 1;
            if (eof) throw new GrammarException(n, line, "a line after # EOF");
            if (line.isEmpty()) {
                if (om) throw new GrammarException(n, line, "an empty line (OpenMetrics has none)");
                continue;
            }
            if (line.startsWith("#")) {
                if (om && line.equals("# EOF")) { eof = true; continue; }
                String[] parts = line.split(" ", 4);
                boolean meta = parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE") || (om && parts[1].equals("UNIT")));
                if (!meta) {
                    if (om) throw new GrammarException(n, line, "a comment that is not HELP, TYPE, UNIT or EOF");
                    continue;
                }
                String family = parts[2];
                if (!METRIC_NAME.matcher(family).matches()) throw new GrammarException(n, line, "bad metric name");
                if (!family.equals(current)) {
                    if (closedFamilies.contains(family) || familiesWithSamples.contains(family)) {
                        throw new GrammarException(n, line, "metadata of " + family + " after its samples or apart from its other lines");
                    }
                    if (current != null) closedFamilies.add(current);
                    current = family;
                }
                switch (parts[1]) {
                    case "HELP" -> {
                        String h = parts.length == 4 ? parts[3] : "";
                        checkHelpEscapes(n, line, h, om);
                        if (help.put(family, h) != null) throw new GrammarException(n, line, "a second HELP for " + family);
                    }
                    case "TYPE" -> {
                        if (parts.length != 4) throw new GrammarException(n, line, "TYPE without a type");
                        if (!(om ? OM_TYPES : TEXT_TYPES).contains(parts[3])) throw new GrammarException(n, line, "unknown type");
                        if (types.put(family, parts[3]) != null) throw new GrammarException(n, line, "a second TYPE for " + family);
                    }
                    default -> {
                        if (!units.add(family)) throw new GrammarException(n, line, "a second UNIT for " + family);
                    }
                }
                continue;
            }
            Sample s = sample(n, line);
            String family = familyOf(s.name(), types, om);
            if (family == null) {
                if (om) throw new GrammarException(n, line, "a sample with no TYPE line for its family");
                family = s.name();
            }
            checkNameForType(n, line, s, family, types.getOrDefault(family, om ? "unknown" : "untyped"), om);
            if (!family.equals(current)) {
                if (closedFamilies.contains(family) || familiesWithSamples.contains(family)) {
                    throw new GrammarException(n, line, "samples of " + family + " are not contiguous");
                }
                if (current != null) closedFamilies.add(current);
                current = family;
            }
            familiesWithSamples.add(family);
            String series = s.name() + s.labels();
            if (!seenSeries.add(series)) throw new GrammarException(n, line, "the same series twice");
            String type = types.getOrDefault(family, "");
            if (type.equals("histogram")) {
                Map<String, String> rest = new TreeMap<>(s.labels());
                rest.remove("le");
                String key = family + rest;
                if (s.name().equals(family + "_bucket")) bucketsBySeries.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                if (s.name().equals(family + "_count")) countsBySeries.put(key, s.value());
            }
            samples.add(s);
        }
        if (om && !eof) throw new GrammarException(lines.length, "", "no # EOF at the end");
        for (Map.Entry<String, List<Sample>> e : bucketsBySeries.entrySet()) checkBuckets(e.getKey(), e.getValue(), countsBySeries.get(e.getKey()));
        return new Parsed(Collections.unmodifiableMap(types), Collections.unmodifiableMap(help), List.copyOf(samples));
    }

    private static void checkBuckets(String series, List<Sample> buckets, Double count) {
        double previousLe = Double.NEGATIVE_INFINITY;
        double previous = 0;
        for (Sample b : buckets) {
            double le = parseFloat(b.label("le"));
            if (!(le > previousLe)) throw new GrammarException(-1, series, "bucket le=" + b.label("le") + " not increasing");
            if (b.value() < previous) throw new GrammarException(-1, series, "bucket le=" + b.label("le") + " is not cumulative");
            previousLe = le;
            previous = b.value();
        }
        if (previousLe != Double.POSITIVE_INFINITY) throw new GrammarException(-1, series, "no le=\"+Inf\" bucket");
        if (count == null) throw new GrammarException(-1, series, "buckets without a _count");
        if (count != previous) throw new GrammarException(-1, series, "_count " + count + " is not the +Inf bucket " + previous);
    }

    /** The family a sample belongs to: its own name if declared, else the name without a type's suffix. */
    private static String familyOf(String name, Map<String, String> types, boolean om) {
        if (types.containsKey(name) && !om) return name;
        for (String suffix : new String[] {"_bucket", "_sum", "_count", "_total", "_created", "_gsum", "_gcount", "_info"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if (types.containsKey(base)) return base;
            }
        }
        return types.containsKey(name) ? name : null;
    }

    private static void checkNameForType(int n, String line, Sample s, String family, String type, boolean om) {
        String suffix = s.name().substring(family.length());
        boolean ok = switch (type) {
            case "histogram" -> suffix.equals("_bucket") ? s.labels().containsKey("le") && validFloat(s.label("le"))
                    : suffix.equals("_sum") || suffix.equals("_count") || (om && suffix.equals("_created"));
            case "summary" -> (suffix.isEmpty() && s.labels().containsKey("quantile")) || suffix.equals("_sum")
                    || suffix.equals("_count") || (om && suffix.equals("_created"));
            case "counter" -> om ? suffix.equals("_total") || suffix.equals("_created") : suffix.isEmpty();
            case "info" -> suffix.equals("_info");
            default -> suffix.isEmpty();
        };
        if (!ok) throw new GrammarException(n, line, "sample name not allowed for a " + type + " family " + family);
        if (type.equals("counter") && !suffix.equals("_created") && s.value() < 0) throw new GrammarException(n, line, "a negative counter");
    }

    private static Sample sample(int n, String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') i++;
        String name = line.substring(0, i);
        if (!METRIC_NAME.matcher(name).matches()) throw new GrammarException(n, line, "bad metric name");
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                if (i < line.length() && line.charAt(i) == '}') { i++; break; }
                int eq = line.indexOf('=', i);
                if (eq < 0) throw new GrammarException(n, line, "a label without =");
                String label = line.substring(i, eq);
                if (!LABEL_NAME.matcher(label).matches()) throw new GrammarException(n, line, "bad label name '" + label + "'");
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') throw new GrammarException(n, line, "label value not quoted");
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (true) {
                    if (j >= line.length()) throw new GrammarException(n, line, "unterminated label value");
                    char c = line.charAt(j);
                    if (c == '"') break;
                    if (c == '\\') {
                        if (j + 1 >= line.length()) throw new GrammarException(n, line, "a lone backslash");
                        char e = line.charAt(j + 1);
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new GrammarException(n, line, "bad escape \\" + e);
                        }
                        j += 2;
                        continue;
                    }
                    value.append(c);
                    j++;
                }
                if (labels.put(label, value.toString()) != null) throw new GrammarException(n, line, "label " + label + " twice");
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                } else if (i >= line.length() || line.charAt(i) != '}') {
                    throw new GrammarException(n, line, "expected , or } after a label");
                }
            }
        }
        if (i >= line.length() || line.charAt(i) != ' ') throw new GrammarException(n, line, "no single space before the value");
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length < 1 || rest.length > 2) throw new GrammarException(n, line, "expected a value and an optional timestamp");
        if (!validFloat(rest[0])) throw new GrammarException(n, line, "bad value '" + rest[0] + "'");
        if (rest.length == 2 && !TIMESTAMP.matcher(rest[1]).matches()) throw new GrammarException(n, line, "bad timestamp");
        return new Sample(name, labels, parseFloat(rest[0]));
    }

    /** HELP escapes: backslash and line feed; OpenMetrics also a double quote. */
    private static void checkHelpEscapes(int n, String line, String h, boolean om) {
        for (int k = 0; k < h.length(); k++) {
            if (h.charAt(k) != '\\') continue;
            char e = k + 1 < h.length() ? h.charAt(k + 1) : 0;
            if (!(e == '\\' || e == 'n' || (om && e == '"'))) {
                throw new GrammarException(n, line, "bad escape in HELP");
            }
            k++;
        }
    }

    private static boolean validFloat(String s) { return s != null && FLOAT.matcher(s).matches(); }

    private static double parseFloat(String s) {
        return switch (s) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN", "+NaN", "-NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }
}

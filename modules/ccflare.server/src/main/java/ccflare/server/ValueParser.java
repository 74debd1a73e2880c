package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the text of one setting (from a flag, the environment or the config file) into its typed
 * value, or refuses it. {@link #expectation()} is the phrase printed after "expected:" when the
 * text is refused, so every parser explains itself the same way.
 *
 * @param <T> the parsed type
 */
final class ValueParser<T> {

    /** The parse step; throws {@link IllegalArgumentException} for text it refuses. */
    @FunctionalInterface
    interface Parse<T> {
        T parse(String text, Map<String, String> env);
    }

    private final String expectation;
    private final Parse<T> parse;

    private ValueParser(String expectation, Parse<T> parse) {
        this.expectation = requireNonNull(expectation, "expectation");
        this.parse = requireNonNull(parse, "parse");
    }

    String expectation() { return expectation; }

    /** The typed value. @throws IllegalArgumentException when the text is not acceptable */
    T parse(String text, Map<String, String> env) {
        return parse.parse(text.strip(), env);
    }

    static ValueParser<Integer> intRange(int min, int max) {
        return new ValueParser<>("an integer " + min + ".." + max, (text, env) -> {
            int v = Integer.parseInt(text);
            if (v < min || v > max) throw new IllegalArgumentException("out of range");
            return v;
        });
    }

    static ValueParser<Long> longRange(long min, long max, String unit) {
        return new ValueParser<>("an integer number of " + unit + " " + min + ".." + max, (text, env) -> {
            long v = Long.parseLong(text);
            if (v < min || v > max) throw new IllegalArgumentException("out of range");
            return v;
        });
    }

    static ValueParser<Double> numberRange(double min, double max) {
        return new ValueParser<>("a number " + plain(min) + ".." + plain(max), (text, env) -> {
            double v = Double.parseDouble(text);
            // parseDouble accepts "NaN", "Infinity" and hex forms; only plain decimals are settings.
            if (!text.matches("[0-9]+(\\.[0-9]+)?") || v < min || v > max) throw new IllegalArgumentException("out of range");
            return v;
        });
    }

    static ValueParser<Boolean> bool() {
        return new ValueParser<>("true or false", (text, env) -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        });
    }

    /** One of a fixed set of words, case-insensitive; returns the canonical spelling from {@code choices}. */
    static ValueParser<String> oneOf(List<String> choices) {
        String expected = choices.size() == 1 ? choices.getFirst() : String.join(", ", choices.subList(0, choices.size() - 1))
                + " or " + choices.getLast();
        return new ValueParser<>(expected, (text, env) -> {
            for (String c : choices) {
                if (c.equalsIgnoreCase(text)) return c;
            }
            throw new IllegalArgumentException("not a choice");
        });
    }

    /** A file system path; {@code ~/} means the home directory; relative paths are made absolute. */
    static ValueParser<Path> path() {
        return new ValueParser<>("a file path", (text, env) -> {
            if (text.isEmpty() || text.indexOf('\0') >= 0) throw new IllegalArgumentException("empty path");
            String expanded = ccflare.protocol.DaemonLocations.expandHome(text, Path.of(home(env)));
            return Path.of(expanded).toAbsolutePath().normalize();
        });
    }

    /**
     * A refusal whose message names the problem with the value itself (e.g. "no such file"),
     * printed between the value and the expectation.
     */
    static final class Refused extends IllegalArgumentException {
        Refused(String problem) { super(problem); }
    }

    /**
     * A PEM file of one or more X.509 certificates ({@link #path()} rules for the name), read and
     * checked now: {@link CaBundle#read} refuses it with the problem named.
     */
    static ValueParser<CaBundle> caFile() {
        ValueParser<Path> path = path();
        return new ValueParser<>("a readable PEM file of one or more X.509 certificates",
                (text, env) -> CaBundle.read(path.parse(text, env)));
    }

    /** An absolute http or https URL without query or fragment, kept without a trailing slash. */
    static ValueParser<String> httpUrl() {
        return new ValueParser<>("an absolute http(s) URL", (text, env) -> {
            URI uri = URI.create(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        });
    }

    /** A non-empty word without whitespace (client ids, host names). */
    static ValueParser<String> word(String expectation) {
        return new ValueParser<>(expectation, (text, env) -> {
            if (text.isEmpty() || !text.codePoints().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("not a word");
            }
            return text;
        });
    }

    /**
     * Comma-separated host names or IP addresses without scheme or port (an empty text is no
     * names); each is checked by {@link ccflare.core.HostPolicy#acceptableName}.
     */
    static ValueParser<List<String>> hostNames() {
        return new ValueParser<>("comma-separated host names or IP addresses without port, e.g. ccflare.lan,192.168.1.5",
                (text, env) -> {
                    if (text.isEmpty()) return List.of();
                    List<String> names = java.util.Arrays.stream(text.split(",", -1)).map(String::strip).toList();
                    if (names.contains("")) throw new Refused("has an empty entry");
                    for (String n : names) {
                        if (!ccflare.core.HostPolicy.acceptableName(n)) throw new Refused("'" + n + "' is not a host name or IP address");
                    }
                    return names;
                });
    }

    /**
     * A Unix group name as useradd/groupadd accept it (portable: letters, digits, {@code _ . -},
     * not starting with {@code -}). Whether the group exists is checked when the socket is made.
     */
    static ValueParser<String> groupName() {
        return new ValueParser<>("a group name (letters, digits, _ . -)", (text, env) -> {
            if (!text.matches("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}")) throw new IllegalArgumentException("not a group name");
            return text;
        });
    }

    /** A secret token: printable ASCII without spaces, at least {@code minLength} long. */
    static ValueParser<String> token(int minLength) {
        return new ValueParser<>("at least " + minLength + " printable characters without spaces", (text, env) -> {
            if (text.length() < minLength || !text.codePoints().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("weak token");
            }
            return text;
        });
    }

    /** {@code $HOME}, else {@code user.home}: the rule ccflarectl shares ({@link ccflare.protocol.DaemonLocations#home}). */
    static String home(Map<String, String> env) {
        return ccflare.protocol.DaemonLocations.home(env).toString();
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}

package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One configuration setting: where it can be given, its default, how its text is parsed and what
 * it means. {@link ConfigKeys#ALL} is the one table of these; loading, validation, {@code --help},
 * the runtime settings view and the documentation test all derive from it.
 *
 * @param env         the environment variable (the canonical name, also used in error messages)
 * @param envAliases  further environment names, lower precedence than {@code env} (the original's
 *                    lower-case {@code ccflare_} prefix)
 * @param fileKey     the snake_case key in the JSON config file; empty when the file cannot set it
 * @param flag        the command-line flag ({@code --port}); empty when there is none
 * @param defaultDoc  the default as the documentation states it; empty when there is none
 * @param defaultRule computes the default's text from the environment and the keys resolved so far;
 *                    returns null when there is no default (the setting is then absent)
 * @param secret      its value is never printed: not in errors, logs or the settings view
 * @param live        it may be changed at run time through the settings API
 * @param <T>         the parsed type
 */
record ConfigKey<T>(String env, List<String> envAliases, String fileKey, String flag, String defaultDoc,
                    DefaultRule defaultRule, ValueParser<T> parser, String description, boolean secret, boolean live) {

    /** Computes a default from the environment and the values resolved before this key. */
    @FunctionalInterface
    interface DefaultRule {
        String text(Map<String, String> env, Function<ConfigKey<?>, Object> resolved);
    }

    ConfigKey {
        requireNonNull(env, "env");
        envAliases = List.copyOf(envAliases);
        requireNonNull(fileKey, "fileKey");
        requireNonNull(flag, "flag");
        requireNonNull(defaultDoc, "defaultDoc");
        requireNonNull(defaultRule, "defaultRule");
        requireNonNull(parser, "parser");
        requireNonNull(description, "description");
    }

    boolean hasFileKey() { return !fileKey.isEmpty(); }

    boolean hasFlag() { return !flag.isEmpty(); }

    /** The text shown for a value of this key: the value itself, or a mask for secrets. */
    String show(String text) { return secret ? "<redacted>" : text; }

    @Override
    public String toString() { return env; }

    // equals and hashCode written out, with the generated ones' meaning: those bootstrap through
    // method handles on first use, and keys are hashed while the configuration loads, before
    // anything is warm (about 50 ms of start-up). The hash is the env name's: equal keys share it.

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof ConfigKey<?> k
                && env.equals(k.env) && envAliases.equals(k.envAliases) && fileKey.equals(k.fileKey)
                && flag.equals(k.flag) && defaultDoc.equals(k.defaultDoc) && defaultRule.equals(k.defaultRule)
                && parser.equals(k.parser) && description.equals(k.description) && secret == k.secret && live == k.live;
    }

    @Override
    public int hashCode() { return env.hashCode(); }
}

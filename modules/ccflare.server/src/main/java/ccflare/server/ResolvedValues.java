package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * The resolved value of each configuration key that has one, with the text it was parsed from and
 * where it came from. Immutable.
 */
record ResolvedValues(Map<ConfigKey<?>, Value> byKey) {

    /** Where a value came from, in precedence order. */
    enum Source { FLAG, ENV, FILE, DEFAULT }

    /** A resolved value: the parsed object, the text it was parsed from, its source. */
    record Value(Object value, String text, Source source) {
        Value {
            requireNonNull(value, "value");
            requireNonNull(text, "text");
            requireNonNull(source, "source");
        }
    }

    ResolvedValues {
        byKey = Map.copyOf(byKey);
    }

    /** The value of a key that always has one (it has a default). */
    <T> T get(ConfigKey<T> key) {
        return find(key).orElseThrow(() -> new IllegalStateException(key.env() + " has no value"));
    }

    @SuppressWarnings("unchecked")
    <T> Optional<T> find(ConfigKey<T> key) {
        Value v = byKey.get(key);
        return v == null ? Optional.empty() : Optional.of((T) v.value());
    }

    Optional<Value> value(ConfigKey<?> key) {
        return Optional.ofNullable(byKey.get(key));
    }
}

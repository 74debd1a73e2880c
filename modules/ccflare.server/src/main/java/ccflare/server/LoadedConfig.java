package ccflare.server;

import static java.util.Objects.requireNonNull;

import ccflare.core.Config;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of loading the configuration: the validated records the modules take, plus what the
 * daemon itself needs (each key's value and where it came from, the config file, warnings to log
 * once logging is up).
 *
 * @param config     the validated configuration
 * @param configFile the JSON config file (it may not exist yet; settings updates create it)
 * @param values     every key that has a value, with its source
 * @param warnings   problems that do not stop start-up (unknown keys in the file)
 */
record LoadedConfig(Config config, Path configFile, ResolvedValues values, List<String> warnings) {

    LoadedConfig {
        requireNonNull(config, "config");
        requireNonNull(configFile, "configFile");
        requireNonNull(values, "values");
        warnings = List.copyOf(warnings);
    }

    <T> T get(ConfigKey<T> key) { return values.get(key); }
}

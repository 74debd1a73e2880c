package ccflare.api;

import java.util.Map;

/**
 * The daemon's settings that may be read and changed while it runs ({@code GET/PATCH /api/config}).
 * Implemented by the daemon; keys are the config file's names.
 */
public interface RuntimeSettings {

    /** The current settings, key to JSON-serialisable value. Never includes a secret. */
    Map<String, Object> view();

    /**
     * Applies the changes all together or not at all, and returns the settings as they are afterwards.
     *
     * @throws IllegalArgumentException naming the key, the value and what is expected; the API answers 400 with its message
     */
    Map<String, Object> update(Map<String, Object> changes);
}

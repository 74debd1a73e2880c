package ccflare.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** RuntimeSettings and DaemonStatus as the daemon would answer them, held in fields. */
final class FakeDaemon implements RuntimeSettings, DaemonStatus {
    final Map<String, Object> settings = new LinkedHashMap<>(Map.of(
            "session_duration_ms", 18_000_000, "data_retention_days", 7, "log_level", "INFO"));
    volatile String databaseState = "ok";
    final long startedAtMs;

    FakeDaemon(long startedAtMs) { this.startedAtMs = startedAtMs; }

    @Override public synchronized Map<String, Object> view() { return Map.copyOf(settings); }

    @Override public synchronized Map<String, Object> update(Map<String, Object> changes) {
        for (var e : changes.entrySet()) {
            switch (e.getKey()) {
                case "data_retention_days" -> {
                    if (!(e.getValue() instanceof Integer d) || d < 1 || d > 365) {
                        throw new IllegalArgumentException("data_retention_days: " + e.getValue() + " (expected: 1..365)");
                    }
                }
                case "session_duration_ms", "log_level" -> { }
                default -> throw new IllegalArgumentException(e.getKey() + ": unknown setting (expected: "
                        + String.join(", ", settings.keySet()) + ")");
            }
        }
        settings.putAll(changes);
        return Map.copyOf(settings);
    }

    /** Where a browser reaches the daemon; empty until a test says, as before the listener binds. */
    volatile java.net.URI browserUri;

    @Override public java.util.Optional<java.net.URI> browserUri() { return java.util.Optional.ofNullable(browserUri); }

    @Override public String version() { return "0.1.0-test"; }

    @Override public long startedAtMs() { return startedAtMs; }

    @Override public String databaseState() { return databaseState; }

    @Override public int inFlight() { return 0; }

    @Override public Map<String, Object> maintenance(String action) {
        return switch (action) {
            case "cleanup" -> Map.of("removedRequests", 3, "removedPayloads", 5);
            case "compact", "analyze" -> Map.of("ok", true, "action", action);
            default -> throw new IllegalArgumentException("action: '" + action + "' (expected: cleanup, compact or analyze)");
        };
    }
}

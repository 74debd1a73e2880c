package ccflare.db;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The database layouts of the original TypeScript ccflare and its better-ccflare fork that an
 * import recognises, told apart by the tables and {@code accounts} columns they have (neither
 * original keeps a schema version: each adds missing columns at start).
 */
enum OriginalSchema {
    /** ccflare before its later migrations: no paused, session or rate-limit columns. */
    CCFLARE_EARLY("ccflare (early: no paused column)"),
    /** ccflare with every migration of its last release: {@code account_tier}, {@code paused}. */
    CCFLARE("ccflare"),
    /** ccflare v2: providers by prefix, {@code auth_method} and {@code base_url} on accounts, no tiers. */
    CCFLARE_V2("ccflare v2"),
    /** better-ccflare: {@code priority}, {@code custom_endpoint} and many more providers. */
    BETTER_CCFLARE("better-ccflare");

    private final String label;

    OriginalSchema(String label) { this.label = label; }

    /** How the report names it. */
    String label() { return label; }

    /** Which original wrote it: {@code ccflare} or {@code better-ccflare}. */
    String family() { return this == BETTER_CCFLARE ? "better-ccflare" : "ccflare"; }

    /** Columns an {@code accounts} table must have to be read at all. */
    static final List<String> REQUIRED_ACCOUNT_COLUMNS = List.of("id", "name", "created_at");

    /**
     * Recognises the layout from the table names and the {@code accounts} columns.
     *
     * @throws IllegalArgumentException naming what is missing, or saying the file is already a
     *         database of this ccflare (nothing to import)
     */
    static OriginalSchema recognise(Set<String> tables, Set<String> accountColumns) {
        requireNonNull(tables, "tables");
        requireNonNull(accountColumns, "accountColumns");
        if (tables.contains("flyway_schema_history")) {
            throw new IllegalArgumentException("it is a database of this ccflare (JVM) already, not one of the"
                    + " original ccflare or better-ccflare; there is nothing to import");
        }
        if (!tables.contains("accounts")) {
            throw new IllegalArgumentException("not a ccflare or better-ccflare database: it has no accounts table"
                    + " (tables: " + (tables.isEmpty() ? "none" : String.join(", ", new TreeSet<>(tables))) + ")");
        }
        List<String> missing = REQUIRED_ACCOUNT_COLUMNS.stream().filter(c -> !accountColumns.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("not a ccflare or better-ccflare database: its accounts table has no "
                    + String.join(", ", missing) + " column");
        }
        if (accountColumns.contains("custom_endpoint") || accountColumns.contains("auto_fallback_enabled")
                || accountColumns.contains("model_mappings")) {
            return BETTER_CCFLARE;
        }
        if (accountColumns.contains("auth_method") || accountColumns.contains("weight")) return CCFLARE_V2;
        if (accountColumns.contains("paused")) return CCFLARE;
        return CCFLARE_EARLY;
    }
}

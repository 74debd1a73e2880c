package ccflare.protocol;

import java.util.List;

/**
 * The answer of {@code POST /api/maintenance/import}: what was imported (or, with
 * {@code dryRun}, would be) and what was skipped and why.
 *
 * @param source          the database file read (absolute)
 * @param schema          the layout recognised: {@code ccflare (early: no paused column)}, {@code ccflare},
 *                        {@code ccflare v2} or {@code better-ccflare}
 * @param from            which original wrote it: {@code ccflare} or {@code better-ccflare}
 * @param readFromCopy    the file was locked by the original, so a private copy of it was read
 * @param requests        request rows imported (would be); 0 without {@code withHistory}
 * @param requestsPresent request rows skipped because an earlier import brought them already
 * @param sourceRequests  request rows in the source
 * @param sourcePayloads  stored request/response bodies in the source
 * @param payloads        stored bodies imported (would be): those of imported requests within the payload retention
 * @param tooOld          request rows older than the request retention, not imported (they would be purged)
 */
public record ImportReport(String source, String schema, String from, boolean readFromCopy, boolean dryRun,
                           boolean withHistory, List<Added> added, List<Skipped> skipped, long requests,
                           long requestsPresent, long sourceRequests, long sourcePayloads, long payloads, long tooOld) {

    public ImportReport {
        added = added == null ? List.of() : List.copyOf(added);
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
    }

    /**
     * An account added (would be).
     *
     * @param name             its name here
     * @param originalName     its name in the source
     * @param provider         its kind here: anthropic, claude-code, openai, codex
     * @param originalProvider the source's provider name
     * @param notes            what changed on the way (renamed, unknown expiry, tier dropped…)
     */
    public record Added(String name, String originalName, String provider, String originalProvider, List<String> notes) {
        public Added { notes = notes == null ? List.of() : List.copyOf(notes); }
    }

    /** A source account left out, and why. */
    public record Skipped(String name, String reason) {}
}

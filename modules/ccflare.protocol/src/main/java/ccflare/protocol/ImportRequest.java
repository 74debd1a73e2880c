package ccflare.protocol;

/**
 * Body of {@code POST /api/maintenance/import}: import the accounts (and optionally the request
 * history) of an original ccflare or better-ccflare database.
 *
 * @param from        {@code ccflare} or {@code better-ccflare}; picks the default path
 * @param path        the original's database file; absent: {@link OriginalLocations#defaultDatabase}
 *                    as the daemon's own environment resolves it
 * @param withHistory also import the recorded requests
 * @param dryRun      report what would be imported, write nothing
 * @param rename      add accounts whose name is taken under a free name ({@code name-2}) instead of skipping them
 */
public record ImportRequest(String from, String path, Boolean withHistory, Boolean dryRun, Boolean rename) {
    public boolean history() { return Boolean.TRUE.equals(withHistory); }
    public boolean dry() { return Boolean.TRUE.equals(dryRun); }
    public boolean renaming() { return Boolean.TRUE.equals(rename); }
}

package ccflare.cli;

import ccflare.protocol.ImportReport;
import ccflare.protocol.ImportRequest;
import ccflare.protocol.Json;
import ccflare.protocol.OriginalLocations;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ccflarectl import}: the accounts (and history) of the original ccflare or better-ccflare. */
@Command(name = "import", description = {
        "Import the accounts of the original ccflare or better-ccflare: kind, priority, paused state, custom",
        "endpoint, API keys and OAuth tokens (sealed on the way in), and with --with-history the recorded requests.",
        "The source file is opened read-only and never changed (a copy is read when it is locked); the import is",
        "one transaction; names that exist are reported and skipped unless --rename. Importing twice adds nothing.",
        "PATH defaults to the original's own database: $ccflare_DB_PATH or ~/.config/ccflare/ccflare.db,",
        "$BETTER_CCFLARE_DB_PATH or ~/.config/better-ccflare/better-ccflare.db ($XDG_CONFIG_HOME when set)."})
final class ImportCommand extends Action {

    @Option(names = "--from", required = true, paramLabel = "ORIGINAL",
            description = "Which original wrote the database: ccflare or better-ccflare.")
    String from;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "The original's database file (default: its own default location).")
    Path path;

    @Option(names = "--with-history", description = "Also import the recorded requests (their ids are kept, so they are never imported twice).")
    boolean withHistory;

    @Option(names = "--dry-run", description = "Show what would be imported; write nothing.")
    boolean dryRun;

    @Option(names = "--rename", description = "Add accounts whose name is taken as NAME-2, NAME-3… instead of skipping them.")
    boolean rename;

    @Override
    void run() {
        String which;
        try {
            which = OriginalLocations.checkFrom(from);
        } catch (IllegalArgumentException e) {
            throw Failure.usage("--from: '" + from + "' (expected: ccflare or better-ccflare)");
        }
        // The file is named by this user's environment, not the daemon's: the daemon may run elsewhere (systemd).
        Path source = path != null ? path.toAbsolutePath() : OriginalLocations.defaultDatabase(which, io().env());
        ImportRequest request = new ImportRequest(which, source.toString(), withHistory, dryRun, rename);
        var reply = daemon().call("POST", "/api/maintenance/import", request, "importing", DaemonClient.MAINTENANCE_TIMEOUT);
        if (json()) {
            printJson(reply.body());
            return;
        }
        ImportReport report = Json.convert(reply.tree(), ImportReport.class);
        String verb = report.dryRun() ? "Would import" : "Imported";
        out().println((report.dryRun() ? "Dry run, nothing written. " : "") + "Source: " + report.source() + " ("
                + report.schema() + (report.readFromCopy() ? ", locked: a copy was read" : "") + ")");
        if (report.added().isEmpty()) {
            out().println(verb + " no accounts.");
        } else {
            Table t = new Table("ACCOUNT", "KIND", "FROM", "NOTES");
            for (ImportReport.Added a : report.added()) {
                t.row(a.name(), a.provider(), a.originalProvider(), String.join("; ", a.notes()));
            }
            out().println(verb + " " + report.added().size() + (report.added().size() == 1 ? " account:" : " accounts:"));
            t.print(out(), colour());
        }
        if (!report.skipped().isEmpty()) {
            Table t = new Table("SKIPPED", "WHY");
            for (ImportReport.Skipped s : report.skipped()) t.row(s.name(), s.reason());
            out().println("Skipped " + report.skipped().size() + ":");
            t.print(out(), colour());
        }
        if (report.withHistory()) {
            out().println(verb + " " + Display.count(report.requests()) + " of " + Display.count(report.sourceRequests())
                    + " requests and " + Display.count(report.payloads()) + " of " + Display.count(report.sourcePayloads())
                    + " stored bodies" + (report.requestsPresent() > 0 ? "; " + Display.count(report.requestsPresent())
                    + " requests were imported before" : "") + (report.tooOld() > 0 ? "; " + Display.count(report.tooOld())
                    + " are older than the request retention" : "") + ".");
        } else if (report.sourceRequests() > 0) {
            out().println("The source holds " + Display.count(report.sourceRequests())
                    + " requests; add --with-history to import them.");
        }
    }
}

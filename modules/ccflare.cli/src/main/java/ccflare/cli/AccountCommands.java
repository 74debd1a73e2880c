package ccflare.cli;

import static ccflare.cli.Table.Tone;

import ccflare.protocol.AccountView;
import ccflare.protocol.AuthComplete;
import ccflare.protocol.AuthStart;
import ccflare.protocol.FlowView;
import ccflare.protocol.Json;
import ccflare.protocol.NewAccount;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The account subcommands: list, add, remove, pause, resume, rename, priority. */
final class AccountCommands {

    static final List<String> API_KEY_PROVIDERS = List.of("anthropic", "openai");
    static final List<String> OAUTH_PROVIDERS = List.of("claude-code", "codex");
    /** An API key longer than this is not a key; reading stops there. */
    private static final int MAX_KEY_BYTES = 16 * 1024;

    private AccountCommands() {}

    /** The providers, for shell completion of {@code --provider} (picocli's completion candidates). */
    static final class Providers implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.stream.Stream.concat(API_KEY_PROVIDERS.stream(), OAUTH_PROVIDERS.stream()).iterator();
        }
    }

    @Command(name = "list", aliases = "ls", description = "List the accounts with their state and usage.")
    static final class ListAccounts extends Action {
        @Override
        void run() {
            var reply = daemon().get("/api/accounts", "listing accounts");
            if (json()) {
                printJson(reply.body());
                return;
            }
            JsonNode accounts = reply.tree();
            if (accounts.isEmpty()) {
                out().println("No accounts. Add one with: ccflarectl add NAME --provider anthropic --api-key-file FILE");
                return;
            }
            Instant now = io().clock().instant();
            ZoneId zone = ZoneId.systemDefault();
            Table t = new Table("NAME", "PROVIDER", "BASE URL", ">PRIORITY", "STATUS", ">REQUESTS", "LAST USED", "SESSION");
            for (JsonNode a : accounts) {
                String baseUrl = a.path("baseUrl").asText("");
                t.row(a.path("name").asText(), a.path("provider").asText(), baseUrl.isEmpty() ? "(default)" : baseUrl,
                        a.path("priority").asInt(), status(a, now, zone),
                        Display.count(a.path("requestCount").asLong()) + "/" + Display.count(a.path("totalRequests").asLong()),
                        Display.relative(a.path("lastUsed"), now, "never"), session(a, now));
            }
            t.print(out(), colour());
        }

        /** The minutes left that the API appends to a status: {@code rate_limited (3m)}. */
        private static final Pattern MINUTES_LEFT = Pattern.compile("^(.*?)\\s*\\((\\d{1,9})m\\)$");
        private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

        /**
         * The account's state in plain words: needs re-auth, paused, no credentials, {@code cooling
         * until HH:MM (why)} while it is rate limited or cooling after upstream errors, {@code OK, near
         * limit} when the provider warns, else {@code OK}. A healthy account's window reset is not a
         * status: {@code allowed (42m)} is OK.
         */
        static Table.Cell status(JsonNode a, Instant now, ZoneId zone) {
            if (a.path("needsReauth").asBoolean()) return new Table.Cell("needs re-auth", Tone.BAD);
            if (a.path("paused").asBoolean()) return new Table.Cell("paused", Tone.WARN);
            if (a.has("hasCredentials") && !a.path("hasCredentials").asBoolean()) return new Table.Cell("no credentials", Tone.BAD);
            String rl = a.path("rateLimitStatus").asText("OK").strip();
            Matcher m = MINUTES_LEFT.matcher(rl);
            String name = m.matches() ? m.group(1) : rl;
            String lower = name.toLowerCase(Locale.ROOT);
            boolean healthy = lower.isEmpty() || lower.equals("ok") || lower.startsWith("allowed") || lower.startsWith("queueing_soft");
            if (!healthy) {
                String until = m.matches()
                        ? " until " + CLOCK.format(now.plus(Duration.ofMinutes(Long.parseLong(m.group(2)))).atZone(zone)) : "";
                return new Table.Cell("cooling" + until + " (" + name + ")", Tone.BAD);
            }
            if (lower.contains("warning")) return new Table.Cell("OK, near limit", Tone.WARN);
            return new Table.Cell("OK", Tone.GOOD);
        }

        private static String session(JsonNode a, Instant now) {
            if (Display.instant(a.path("sessionStart")).isEmpty()) return "-";
            return a.path("sessionRequestCount").asLong() + " req since " + Display.relative(a.path("sessionStart"), now, "?");
        }
    }

    @Command(name = "add", description = {
            "Add an account. API-key providers (anthropic, openai) read the key from a file or stdin,"
                    + " never from an argument: arguments land in shell history and in ps.",
            "OAuth providers (claude-code, codex) print a sign-in URL and read the pasted code (CODE#STATE)."})
    static final class Add extends Action {
        @Parameters(paramLabel = "NAME", description = "Unique account name.")
        String name;

        @Option(names = "--provider", required = true, paramLabel = "P", completionCandidates = Providers.class,
                description = "anthropic, openai, claude-code or codex.")
        String provider;

        @ArgGroup(exclusive = true)
        KeySource key;

        static final class KeySource {
            @Option(names = "--api-key-file", paramLabel = "FILE", description = "Read the API key from FILE (surrounding whitespace is trimmed).")
            Path file;

            @Option(names = "--api-key-stdin", description = "Read the API key from standard input.")
            boolean stdin;
        }

        /** Present only to refuse a key on the command line without echoing it. */
        @Option(names = "--api-key", hidden = true, arity = "0..1", paramLabel = "KEY")
        String plainKey;

        @Option(names = "--base-url", paramLabel = "URL", description = "An Anthropic- or OpenAI-compatible endpoint instead of the provider's.")
        String baseUrl;

        @Option(names = "--priority", paramLabel = "N", description = "Lower is tried first (default 0).")
        Integer priority;

        @Override
        void run() throws IOException {
            if (plainKey != null) {
                throw Failure.usage("--api-key is not accepted: a key given as an argument lands in shell history"
                        + " and in ps. Use --api-key-file FILE or --api-key-stdin.");
            }
            if (priority != null && priority < 0) throw Failure.usage("--priority: " + priority + " (expected: an integer >= 0)");
            String p = provider.toLowerCase(Locale.ROOT);
            if (OAUTH_PROVIDERS.contains(p)) {
                if (key != null) throw Failure.usage(p + " accounts sign in with OAuth; --api-key-file/--api-key-stdin do not apply");
                new OAuthSignIn(this, p).run();
                return;
            }
            if (!API_KEY_PROVIDERS.contains(p)) {
                throw Failure.usage("--provider: '" + provider + "' (expected: anthropic, openai, claude-code or codex)");
            }
            String apiKey = readKey();
            NewAccount body = new NewAccount(name, p, apiKey, baseUrl, priority);
            DaemonClient.Reply reply;
            try {
                reply = daemon().post("/api/accounts", body, "adding accounts");
            } catch (Failure f) {
                // Should the daemon ever echo what it was sent, the key still does not reach the terminal.
                if (f.getMessage().contains(apiKey)) throw Failure.failed(f.getMessage().replace(apiKey, "[redacted]"));
                throw f;
            }
            if (json()) {
                printJson(reply.body());
                return;
            }
            AccountView a = Json.read(reply.body(), AccountView.class);
            out().println("Account '" + a.name() + "' added (" + a.provider() + ", priority " + a.priority() + ").");
        }

        private String readKey() throws IOException {
            String raw;
            if (key != null && key.file != null) {
                try {
                    if (Files.size(key.file) > MAX_KEY_BYTES) throw Failure.usage("--api-key-file: " + key.file + " is larger than an API key");
                    raw = Files.readString(key.file, StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    throw Failure.usage("--api-key-file: " + key.file + " does not exist");
                } catch (IOException e) {
                    throw Failure.usage("--api-key-file: cannot read " + key.file + " (" + e.getMessage() + ")");
                }
            } else if (key != null && key.stdin) {
                if (io().interactive()) {
                    raw = promptHidden("API key for '" + name + "': ");
                } else {
                    byte[] bytes = io().in().readNBytes(MAX_KEY_BYTES + 1);
                    if (bytes.length > MAX_KEY_BYTES) throw Failure.usage("--api-key-stdin: input is larger than an API key");
                    raw = new String(bytes, StandardCharsets.UTF_8);
                }
            } else if (io().interactive()) {
                raw = promptHidden("API key for '" + name + "' (not echoed): ");
            } else {
                throw Failure.usage("an API key is needed for " + provider + ": pass --api-key-file FILE or --api-key-stdin");
            }
            String k = raw.strip();
            if (k.isEmpty()) throw Failure.usage("the API key is empty");
            if (k.contains("\n")) throw Failure.usage("the API key spans several lines (expected: one key)");
            return k;
        }

        private String promptHidden(String prompt) {
            Console console = System.console();
            if (console == null) throw Failure.usage("no terminal to read the API key from: pass --api-key-file or --api-key-stdin");
            char[] chars = console.readPassword("%s", prompt);
            if (chars == null) throw Failure.usage("no API key entered");
            return new String(chars);
        }
    }

    /**
     * The OAuth sign-in: {@code POST /api/auth/{provider}/init} gives an authorize URL; the person
     * signs in and pastes what the provider hands back ({@code CODE#STATE}, or for codex the
     * address the browser was redirected to); {@code POST /api/auth/{provider}/complete} stores the
     * account. For codex the daemon may catch the redirect itself, so the flow is also polled
     * ({@code GET /api/auth/flows/{flowId}}) while waiting for a paste.
     */
    private record OAuthSignIn(Add add, String provider) {

        static final Duration POLL = Duration.ofSeconds(1);

        void run() throws IOException {
            Map<String, Object> init = new LinkedHashMap<>();
            init.put("name", add.name);
            if (add.baseUrl != null) init.put("baseUrl", add.baseUrl);
            if (add.priority != null) init.put("priority", add.priority);
            AuthStart started = Json.read(add.daemon().post("/api/auth/" + provider + "/init", init,
                    "OAuth sign-in for " + provider + " accounts (it arrives with a later release)").body(), AuthStart.class);
            // Prompts go to stderr when stdout carries JSON for a script.
            PrintStream prompt = add.json() ? add.io().err() : add.io().out();
            prompt.println("Open this URL in a browser and sign in:");
            prompt.println();
            prompt.println("  " + started.authorizeUrl());
            prompt.println();
            if (started.instructions() != null && !started.instructions().isBlank()) prompt.println(started.instructions());
            prompt.print(provider.equals("codex")
                    ? "Waiting for the sign-in; or paste the address the browser was sent to: "
                    : "Then paste the code shown after sign-in (CODE#STATE): ");
            prompt.flush();

            BufferedReader stdin = new BufferedReader(new InputStreamReader(add.io().in(), StandardCharsets.UTF_8));
            if (!provider.equals("codex")) {
                String code = stdin.readLine();
                if (code == null || code.isBlank()) throw Failure.failed("no code entered; the account was not added");
                complete(started, code.strip(), prompt);
                return;
            }
            waitForCodex(started, stdin, prompt);
        }

        /** Whichever comes first: the daemon's own callback completes the flow, or a pasted address. */
        private void waitForCodex(AuthStart started, BufferedReader stdin, PrintStream prompt) {
            // A line read from stdin; empty when stdin ended.
            BlockingQueue<Optional<String>> pasted = new LinkedBlockingQueue<>();
            // The only thread ccflarectl makes: a blocking read of stdin must not stop the polling.
            Thread reader = Thread.ofPlatform().daemon().name("ccflarectl-stdin").start(() -> {
                try {
                    pasted.add(Optional.ofNullable(stdin.readLine()));
                } catch (IOException e) {
                    pasted.add(Optional.empty());
                }
            });
            try {
                boolean stdinOpen = true;
                while (true) {
                    FlowView flow = Json.read(add.daemon().get("/api/auth/flows/" + Action.segment(started.flowId()),
                            "OAuth sign-in status").body(), FlowView.class);
                    switch (flow.status()) {
                        case "completed" -> {
                            finished(flow, prompt);
                            return;
                        }
                        case "failed", "expired" -> throw Failure.failed("the sign-in " + flow.status()
                                + (flow.error() == null ? "" : ": " + flow.error()) + "; the account was not added");
                        default -> { } // pending
                    }
                    if (!stdinOpen) {
                        Thread.sleep(POLL.toMillis());
                        continue;
                    }
                    Optional<String> line = pasted.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    if (line == null) continue; // nothing pasted yet
                    if (line.isEmpty()) {
                        stdinOpen = false;
                    } else if (!line.get().isBlank()) {
                        complete(started, line.get().strip(), prompt);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Failure.failed("interrupted; the sign-in was not finished");
            } finally {
                reader.interrupt();
            }
        }

        private void complete(AuthStart started, String code, PrintStream prompt) {
            var reply = add.daemon().post("/api/auth/" + provider + "/complete", new AuthComplete(started.flowId(), code),
                    "completing OAuth sign-in");
            if (add.json()) {
                add.printJson(reply.body());
                return;
            }
            prompt.println();
            AccountView account = Json.read(reply.body(), AccountView.class);
            add.out().println("Account '" + account.name() + "' added (" + account.provider() + ").");
        }

        private void finished(FlowView flow, PrintStream prompt) {
            prompt.println();
            if (add.json()) {
                add.printJson(Json.write(flow));
                return;
            }
            add.out().println("Account '" + add.name + "' added (" + provider + ").");
        }
    }

    @Command(name = "remove", aliases = "rm", description = {
            "Remove an account. Asks for confirmation on a terminal; scripts pass --yes.",
            "Its recorded requests stay in the history."})
    static final class Remove extends Action {
        @Parameters(paramLabel = "NAME", completionCandidates = Completion.Accounts.class, description = "Account name or id.")
        String name;

        @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        void run() throws IOException {
            if (!yes) confirm();
            var reply = daemon().call("DELETE", "/api/accounts/" + segment(name), null, "removing accounts");
            if (json()) printJson(reply.body());
            else out().println(message(reply.tree(), "Account '" + name + "' removed"));
        }

        private void confirm() throws IOException {
            AccountCommands.confirm(this, "Remove account '" + name + "'?", "account '" + name + "' not removed",
                    "not removing '" + name + "' without confirmation, and there is no terminal to ask on (pass --yes)");
        }
    }

    /**
     * Asks {@code question [y/N]} on the terminal and returns when the answer is y or yes. Anything
     * else fails (exit 1, {@code declined}); without a terminal nothing can be asked and it is a
     * usage error (exit 2, {@code refused}), so a script that forgot {@code --yes} deletes nothing.
     */
    static void confirm(Action action, String question, String declined, String refused) throws IOException {
        Io io = action.io();
        if (!io.interactive()) throw Failure.usage(refused);
        io.err().print(question + " [y/N] ");
        io.err().flush();
        String answer = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8)).readLine();
        String a = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
        if (!a.equals("y") && !a.equals("yes")) throw Failure.failed(declined);
    }

    /** Pause and resume: a body-less POST to {@code /api/accounts/NAME/<verb>}; they differ only in the verb. */
    abstract static sealed class Toggle extends Action permits Pause, Resume {
        @Parameters(paramLabel = "NAME", completionCandidates = Completion.Accounts.class, description = "Account name or id.")
        String name;

        private final String verb;
        private final String feature;

        Toggle(String verb, String feature) {
            this.verb = verb;
            this.feature = feature;
        }

        @Override
        final void run() { simple(this, "/api/accounts/" + segment(name) + "/" + verb, null, feature); }
    }

    @Command(name = "pause", description = "Stop routing requests to an account until it is resumed.")
    static final class Pause extends Toggle {
        Pause() { super("pause", "pausing accounts"); }
    }

    @Command(name = "resume", description = "Route requests to a paused account again.")
    static final class Resume extends Toggle {
        Resume() { super("resume", "resuming accounts"); }
    }

    @Command(name = "rename", description = "Rename an account.")
    static final class Rename extends Action {
        @Parameters(index = "0", paramLabel = "NAME", completionCandidates = Completion.Accounts.class, description = "Account name or id.")
        String name;

        @Parameters(index = "1", paramLabel = "NEW", description = "The new name.")
        String newName;

        @Override
        void run() {
            simple(this, "/api/accounts/" + segment(name) + "/rename", Map.of("name", newName), "renaming accounts");
        }
    }

    @Command(name = "priority", description = "Set an account's priority: lower is tried first.")
    static final class Priority extends Action {
        @Parameters(index = "0", paramLabel = "NAME", completionCandidates = Completion.Accounts.class, description = "Account name or id.")
        String name;

        @Parameters(index = "1", paramLabel = "N", description = "An integer >= 0.")
        int priority;

        @Override
        void run() {
            if (priority < 0) throw Failure.usage("N: " + priority + " (expected: an integer >= 0)");
            simple(this, "/api/accounts/" + segment(name) + "/priority", Map.of("priority", priority), "account priorities");
        }
    }

    /** POSTs an action and prints its message (or the JSON). */
    static void simple(Action action, String path, Object body, String feature) {
        var reply = action.daemon().post(path, body, feature);
        if (action.json()) action.printJson(reply.body());
        else action.out().println(Action.message(reply.tree(), "Done."));
    }
}

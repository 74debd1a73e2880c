package ccflare.server;

import static ccflare.server.ValueParser.bool;
import static ccflare.server.ValueParser.caFile;
import static ccflare.server.ValueParser.groupName;
import static ccflare.server.ValueParser.home;
import static ccflare.server.ValueParser.hostNames;
import static ccflare.server.ValueParser.httpUrl;
import static ccflare.server.ValueParser.intRange;
import static ccflare.server.ValueParser.longRange;
import static ccflare.server.ValueParser.numberRange;
import static ccflare.server.ValueParser.oneOf;
import static ccflare.server.ValueParser.path;
import static ccflare.server.ValueParser.token;
import static ccflare.server.ValueParser.word;

import ccflare.core.ProviderKind;
import ccflare.protocol.DaemonLocations;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table of every configuration setting, in the order they are resolved and documented.
 * Precedence for each: command-line flag, then environment, then config file, then default.
 * An empty environment variable counts as unset (systemd's {@code Environment=PORT=} idiom).
 */
final class ConfigKeys {

    private ConfigKeys() {}

    private static final long DAY_MS = 86_400_000L;

    // ---- where things are ------------------------------------------------------------------

    /** Resolved before the others: it says which file the file keys come from. */
    static final ConfigKey<Path> CONFIG_PATH = new ConfigKey<>(DaemonLocations.CONFIG_ENV, List.of(DaemonLocations.CONFIG_ENV_ALIAS), "",
            "--config", "`$STATE_DIRECTORY/ccflare.json` under systemd, else `$XDG_CONFIG_HOME/ccflare/ccflare.json`, else `~/.config/ccflare/ccflare.json`",
            // Under systemd the state directory is the one place the hardened unit can write, and
            // runtime settings changes are saved into this file.
            // ccflarectl reads db_path and socket_path from the same file (DaemonLocations).
            (env, r) -> DaemonLocations.defaultConfigFile(env, Path.of(home(env))).toString(),
            path(), "The JSON config file. A missing default file is fine; a missing file named explicitly is an error.",
            false, false);

    static final ConfigKey<Path> DB_PATH = new ConfigKey<>(DaemonLocations.DB_ENV, List.of(DaemonLocations.DB_ENV_ALIAS), "db_path", "--db",
            "`$STATE_DIRECTORY/ccflare.db` under systemd, else `$XDG_DATA_HOME/ccflare/ccflare.db`, else `~/.local/share/ccflare/ccflare.db`",
            // The rule ccflarectl also applies to find the socket beside the database: DaemonLocations.
            (env, r) -> DaemonLocations.defaultDatabase(env, Path.of(home(env))).toString(),
            path(), "The SQLite database. Its directory also holds `admin.token` and the extracted SQLite native library.",
            false, false);

    static final ConfigKey<Path> SOCKET_PATH = new ConfigKey<>(DaemonLocations.SOCKET_ENV, List.of(), "socket_path", "",
            "`$RUNTIME_DIRECTORY/ccflare.sock` under systemd, else `$XDG_RUNTIME_DIR/ccflare/ccflare.sock`, else `<db dir>/run/ccflare.sock`",
            (env, r) -> DaemonLocations.defaultSocket(env, (Path) r.apply(DB_PATH)).toString(),
            path(), "The admin Unix socket of `ccflarectl`: the same `/api/**` as the TCP port, without the token; its directory is created 0700 (0750 with `CCFLARE_ADMIN_GROUP`). At most 107 bytes long.",
            false, false);

    static final ConfigKey<Path> KEY_FILE = new ConfigKey<>("CCFLARE_KEY_FILE", List.of(), "key_file", "",
            "the systemd credential `ccflare.key` (`$CREDENTIALS_DIRECTORY/ccflare.key`) when the unit passes it, else `ccflare.key` beside the database (generated, mode 0600, on first start)",
            // Only a credential that is there: CREDENTIALS_DIRECTORY is also set when the unit
            // passes the admin token alone, and then the key stays the one beside the database.
            (env, r) -> SystemdCredentials.find(env, SystemdCredentials.KEY).map(Path::toString)
                    .orElseGet(() -> ((Path) r.apply(DB_PATH)).resolveSibling("ccflare.key").toString()),
            path(), "The AES-256 key that encrypts API keys and OAuth tokens in the database. Keep it out of backups of the database.",
            false, false);

    static final ConfigKey<Path> PRICING_FILE = new ConfigKey<>("CCFLARE_PRICING_FILE", List.of(), "pricing_file", "",
            "none (the bundled price table)", (env, r) -> null,
            path(), "A models.dev-shaped JSON file whose prices replace the bundled table.", false, false);

    // ---- the listener ----------------------------------------------------------------------

    static final ConfigKey<Integer> PORT = simple("PORT", "port", "--port", "8080", intRange(0, 65535),
            "TCP port of the proxy, the API and the dashboard; 0 picks a free port.", false);

    static final ConfigKey<String> HOST = simple("HOST", "host", "--host", "127.0.0.1", word("an address to bind, e.g. 127.0.0.1"),
            "Address the TCP port binds to. Keep it on loopback unless client keys guard `/v1/**` (docs/client-keys.md); a non-loopback address with no client key is refused at start (see `CCFLARE_ALLOW_OPEN_BIND`).", false);

    static final ConfigKey<Boolean> ALLOW_OPEN_BIND = simple("CCFLARE_ALLOW_OPEN_BIND", "allow_open_bind", "--allow-open-bind",
            "false", bool(),
            "Start even though `HOST` is not a loopback address and no client key is defined (`ccflarectl keys create`);"
                    + " without it such a start is refused, since anyone who can reach the port could spend the accounts.", false);

    static final ConfigKey<List<String>> ALLOWED_HOSTS = new ConfigKey<>("CCFLARE_ALLOWED_HOSTS", List.of(), "allowed_hosts",
            "", "none (loopback names, the bind address, and any IP address when bound to a wildcard)", (env, r) -> "",
            hostNames(),
            "Further host names clients and browsers may use for this daemon (`Host` header). Any other name is refused"
                    + " with 421 on every route, `/v1/**` included, to stop DNS rebinding.",
            false, false);

    static final ConfigKey<String> ADMIN_TOKEN = new ConfigKey<>("CCFLARE_ADMIN_TOKEN", List.of(), "admin_token", "",
            "the systemd credential `ccflare.admin-token` when the unit passes it, else read from `admin.token` beside the database, generated (32 random bytes, base64url, mode 0600) on first start",
            (env, r) -> null, token(16),
            "The token the admin API and dashboard require over TCP. Never logged or shown.", true, false);

    static final ConfigKey<String> ADMIN_GROUP = new ConfigKey<>("CCFLARE_ADMIN_GROUP", List.of(), "admin_group", "",
            "none (only the daemon's own user and root)", (env, r) -> null, groupName(),
            "A group whose members may use the admin socket: its directory becomes 0750 and the socket 0660 with this group, and peers whose primary group it is pass the peer check.",
            false, false);

    static final ConfigKey<Integer> MAX_HEADER_BYTES = simple("CCFLARE_MAX_HEADER_BYTES", "max_header_bytes", "", "65536",
            intRange(1024, 1_048_576), "Largest request head (request line plus headers) accepted; larger gets 431.", false);

    static final ConfigKey<Long> MAX_BODY_BYTES = simple("CCFLARE_MAX_BODY_BYTES", "max_body_bytes", "", "33554432",
            longRange(1, 1L << 30, "bytes"), "Largest request body the proxy accepts (32 MiB); larger gets 413.", false);

    static final ConfigKey<Integer> MAX_IN_FLIGHT = simple("CCFLARE_MAX_IN_FLIGHT", "max_in_flight", "", "4096",
            intRange(1, 1_000_000), "Proxy requests served at once; more are refused with 503.", false);

    static final ConfigKey<Long> DRAIN_TIMEOUT_MS = simple("CCFLARE_DRAIN_TIMEOUT_MS", "drain_timeout_ms", "", "30000",
            longRange(0, 3_600_000, "milliseconds"),
            "On SIGTERM, how long in-flight requests may finish before they are cut (a cut stream ends with an error event"
                    + " saying the daemon is stopping; a request still waiting gets a 503 saying so). Keep systemd's TimeoutStopSec above it.", false);

    // ---- account selection and retries -----------------------------------------------------

    static final ConfigKey<String> LB_STRATEGY = simple("LB_STRATEGY", "lb_strategy", "", "session", oneOf(List.of("session")),
            "Account selection strategy; `session` is the only one.", false);

    static final ConfigKey<Long> SESSION_DURATION_MS = simple("SESSION_DURATION_MS", "session_duration_ms", "", "18000000",
            longRange(1, 30 * DAY_MS, "milliseconds"), "How long requests stick to one account (5 h).", true);

    static final ConfigKey<Integer> RETRY_ATTEMPTS = simple("RETRY_ATTEMPTS", "retry_attempts", "", "3", intRange(1, 100),
            "Attempts on the same account for a transient upstream error.", true);

    static final ConfigKey<Long> RETRY_DELAY_MS = simple("RETRY_DELAY_MS", "retry_delay_ms", "", "1000",
            longRange(0, 600_000, "milliseconds"), "Delay before the first retry.", true);

    static final ConfigKey<Double> RETRY_BACKOFF = simple("RETRY_BACKOFF", "retry_backoff", "", "2", numberRange(1, 100),
            "Factor the retry delay grows by after each retry.", true);

    static final ConfigKey<Integer> MAX_ATTEMPTS = simple("CCFLARE_MAX_ATTEMPTS", "max_attempts", "", "6", intRange(1, 100),
            "Upstream attempts per client request, all accounts together.", false);

    // ---- upstream timeouts -----------------------------------------------------------------

    static final ConfigKey<Long> CONNECT_TIMEOUT_MS = simple("CCFLARE_CONNECT_TIMEOUT_MS", "connect_timeout_ms", "", "10000",
            longRange(1, DAY_MS, "milliseconds"), "Time to open a connection to an upstream.", false);

    static final ConfigKey<Long> FIRST_BYTE_TIMEOUT_MS = simple("CCFLARE_FIRST_BYTE_TIMEOUT_MS", "first_byte_timeout_ms", "",
            "300000", longRange(1, DAY_MS, "milliseconds"),
            "Time from sending a request upstream to its response head; past it the next account is tried.", false);

    static final ConfigKey<Long> STREAM_IDLE_TIMEOUT_MS = simple("CCFLARE_STREAM_IDLE_TIMEOUT_MS", "stream_idle_timeout_ms", "",
            "300000", longRange(1, DAY_MS, "milliseconds"), "Longest silence inside a streamed response before it is ended.", false);

    // ---- upstreams -------------------------------------------------------------------------

    static final ConfigKey<String> ANTHROPIC_BASE_URL = baseUrl(ProviderKind.ANTHROPIC);
    static final ConfigKey<String> CLAUDE_CODE_BASE_URL = baseUrl(ProviderKind.CLAUDE_CODE);
    static final ConfigKey<String> OPENAI_BASE_URL = baseUrl(ProviderKind.OPENAI);
    static final ConfigKey<String> CODEX_BASE_URL = baseUrl(ProviderKind.CODEX);

    static final ConfigKey<CaBundle> UPSTREAM_CA_FILE = new ConfigKey<>("CCFLARE_UPSTREAM_CA_FILE", List.of(),
            "upstream_ca_file", "", "none (the JDK's default trust store alone)", (env, r) -> null, caFile(),
            "Extra CA certificates (PEM, one or more) trusted for upstream TLS in addition to the JDK's defaults: the CA of a TLS-inspecting corporate proxy or of a self-signed gateway. Read at start; a missing, unreadable or non-PEM file stops the start.",
            false, false);

    // ---- OAuth -----------------------------------------------------------------------------

    static final ConfigKey<String> CLIENT_ID = simple("CLIENT_ID", "client_id", "", "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
            word("an OAuth client id"), "OAuth client id of Claude sign-in.", false);

    static final ConfigKey<String> CLAUDE_OAUTH_AUTHORIZE_URL = simple("CCFLARE_CLAUDE_OAUTH_AUTHORIZE_URL",
            "claude_oauth_authorize_url", "", "https://claude.ai/oauth/authorize", httpUrl(), "Claude sign-in page.", false);

    static final ConfigKey<String> CLAUDE_OAUTH_TOKEN_URL = simple("CCFLARE_CLAUDE_OAUTH_TOKEN_URL", "claude_oauth_token_url", "",
            "https://platform.claude.com/v1/oauth/token", httpUrl(), "Claude token endpoint (code exchange and refresh).", false);

    static final ConfigKey<String> CLAUDE_OAUTH_REDIRECT_URI = simple("CCFLARE_CLAUDE_OAUTH_REDIRECT_URI",
            "claude_oauth_redirect_uri", "", "https://platform.claude.com/oauth/code/callback", httpUrl(),
            "Redirect URI registered for the Claude client; it shows the code to paste.", false);

    static final ConfigKey<String> CODEX_OAUTH_AUTHORIZE_URL = simple("CCFLARE_CODEX_OAUTH_AUTHORIZE_URL",
            "codex_oauth_authorize_url", "", "https://auth.openai.com/oauth/authorize", httpUrl(), "Codex (ChatGPT) sign-in page.", false);

    static final ConfigKey<String> CODEX_OAUTH_TOKEN_URL = simple("CCFLARE_CODEX_OAUTH_TOKEN_URL", "codex_oauth_token_url", "",
            "https://auth.openai.com/oauth/token", httpUrl(), "Codex token endpoint (code exchange and refresh).", false);

    static final ConfigKey<String> CODEX_CLIENT_ID = simple("CCFLARE_CODEX_CLIENT_ID", "codex_client_id", "",
            "app_EMoamEEZ73f0CkXaXp7hrann", word("an OAuth client id"), "OAuth client id of Codex sign-in.", false);

    static final ConfigKey<Integer> CODEX_CALLBACK_PORT = simple("CCFLARE_CODEX_CALLBACK_PORT", "codex_callback_port", "", "1455",
            intRange(1, 65535), "Loopback port of the Codex sign-in callback (`http://localhost:1455/auth/callback`).", false);

    // ---- recording -------------------------------------------------------------------------

    static final ConfigKey<Boolean> CAPTURE_PAYLOADS = simple("CCFLARE_CAPTURE_PAYLOADS", "capture_payloads", "", "true", bool(),
            "Whether request and response bodies are stored (credentials are always redacted).", false);

    static final ConfigKey<Integer> PAYLOAD_MAX_BYTES = simple("CCFLARE_PAYLOAD_MAX_BYTES", "payload_max_bytes", "", "1048576",
            intRange(0, 1 << 30), "Cap per stored body; longer bodies are stored cut and marked truncated.", false);

    static final ConfigKey<Integer> PAYLOAD_STORE_MAX_MB = simple("CCFLARE_PAYLOAD_STORE_MAX_MB", "payload_store_max_mb", "", "1024",
            intRange(1, 1 << 20), "Cap on all stored bodies together, in MiB; past it the oldest payloads are dropped first"
                    + " (their request rows stay).", false);

    static final ConfigKey<Integer> DATA_RETENTION_DAYS = simple("DATA_RETENTION_DAYS", "data_retention_days", "", "7",
            intRange(1, 365), "Days stored payloads are kept.", true);

    static final ConfigKey<Integer> REQUEST_RETENTION_DAYS = simple("REQUEST_RETENTION_DAYS", "request_retention_days", "", "365",
            intRange(1, 3650), "Days request rows (metadata, tokens, cost) are kept.", true);

    // ---- logging ---------------------------------------------------------------------------

    static final ConfigKey<String> LOG_LEVEL = simple("LOG_LEVEL", "log_level", "--log-level", "INFO",
            oneOf(List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR")), "Lowest level written to stdout.", true);

    static final ConfigKey<String> LOG_FORMAT = simple("LOG_FORMAT", "log_format", "", "pretty", oneOf(List.of("pretty", "json")),
            "`pretty` lines for a terminal or the journal, or one JSON object per line.", false);

    /** Every key, in resolution order (a key's default may read keys above it). */
    static final List<ConfigKey<?>> ALL = List.of(
            CONFIG_PATH, DB_PATH, SOCKET_PATH, KEY_FILE, PRICING_FILE,
            PORT, HOST, ALLOW_OPEN_BIND, ALLOWED_HOSTS, ADMIN_TOKEN, ADMIN_GROUP, MAX_HEADER_BYTES, MAX_BODY_BYTES, MAX_IN_FLIGHT, DRAIN_TIMEOUT_MS,
            LB_STRATEGY, SESSION_DURATION_MS, RETRY_ATTEMPTS, RETRY_DELAY_MS, RETRY_BACKOFF, MAX_ATTEMPTS,
            CONNECT_TIMEOUT_MS, FIRST_BYTE_TIMEOUT_MS, STREAM_IDLE_TIMEOUT_MS,
            ANTHROPIC_BASE_URL, CLAUDE_CODE_BASE_URL, OPENAI_BASE_URL, CODEX_BASE_URL, UPSTREAM_CA_FILE,
            CLIENT_ID, CLAUDE_OAUTH_AUTHORIZE_URL, CLAUDE_OAUTH_TOKEN_URL, CLAUDE_OAUTH_REDIRECT_URI,
            CODEX_OAUTH_AUTHORIZE_URL, CODEX_OAUTH_TOKEN_URL, CODEX_CLIENT_ID, CODEX_CALLBACK_PORT,
            CAPTURE_PAYLOADS, PAYLOAD_MAX_BYTES, PAYLOAD_STORE_MAX_MB, DATA_RETENTION_DAYS, REQUEST_RETENTION_DAYS,
            LOG_LEVEL, LOG_FORMAT);

    /** The base URL keys by provider kind. */
    static final Map<ProviderKind, ConfigKey<String>> BASE_URLS = Map.of(
            ProviderKind.ANTHROPIC, ANTHROPIC_BASE_URL, ProviderKind.CLAUDE_CODE, CLAUDE_CODE_BASE_URL,
            ProviderKind.OPENAI, OPENAI_BASE_URL, ProviderKind.CODEX, CODEX_BASE_URL);

    static Optional<ConfigKey<?>> byFileKey(String fileKey) {
        return ALL.stream().filter(k -> k.hasFileKey() && k.fileKey().equals(fileKey)).findFirst();
    }

    private static <T> ConfigKey<T> simple(String env, String fileKey, String flag, String defaultText, ValueParser<T> parser,
                                           String description, boolean live) {
        return new ConfigKey<>(env, List.of(), fileKey, flag, "`" + defaultText + "`", (e, r) -> defaultText, parser,
                description, false, live);
    }

    private static ConfigKey<String> baseUrl(ProviderKind kind) {
        String name = kind.name();
        return simple("CCFLARE_" + name + "_BASE_URL", name.toLowerCase(java.util.Locale.ROOT) + "_base_url", "",
                kind.defaultBaseUrl(), httpUrl(), "Upstream base URL of `" + kind.id() + "` accounts that set none of their own.",
                false);
    }

    /** The first directory of a systemd-style (colon-separated) directory variable, when set. */
    private static Optional<String> firstDir(Map<String, String> env, String name) {
        return DaemonLocations.firstDir(env, name);
    }
}

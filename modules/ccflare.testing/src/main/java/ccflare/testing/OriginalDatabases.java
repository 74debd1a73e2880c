package ccflare.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

import org.sqlite.SQLiteDataSource;

/**
 * Databases as the original TypeScript ccflare and its better-ccflare fork leave them, one per
 * schema version, with real rows and the originals' quirks: tokens in plain text, a NULL expiry
 * (accounts added with manual tokens), {@code refresh_token} '' on an API-key account (the column
 * is NOT NULL), legacy tiers (1/5/20, and NULL), unknown providers, NULL usage columns, the client's
 * credential in a stored payload. Request times are relative to now (hours ago), one ccflare row 400 days old.
 *
 * <p>Every builder writes a new file at {@code file} in rollback-journal mode, so the file alone
 * is the whole database.
 */
public final class OriginalDatabases {
    private OriginalDatabases() {}

    /** Future expiry used by the OAuth rows (2030-03-17). */
    public static final long EXPIRES_AT = 1_900_000_000_000L;

    /** ccflare before its column migrations: accounts without paused/session/rate-limit columns, requests without usage. */
    public static Path ccflareEarly(Path file) {
        return build(file, """
                CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL, provider TEXT DEFAULT 'anthropic',
                  api_key TEXT, refresh_token TEXT NOT NULL, access_token TEXT, expires_at INTEGER,
                  created_at INTEGER NOT NULL, last_used INTEGER, request_count INTEGER DEFAULT 0,
                  total_requests INTEGER DEFAULT 0, account_tier INTEGER DEFAULT 1);
                CREATE TABLE requests (id TEXT PRIMARY KEY, timestamp INTEGER NOT NULL, method TEXT NOT NULL,
                  path TEXT NOT NULL, account_used TEXT, status_code INTEGER, success BOOLEAN, error_message TEXT,
                  response_time_ms INTEGER, failover_attempts INTEGER DEFAULT 0);
                CREATE TABLE request_payloads (id TEXT PRIMARY KEY, json TEXT NOT NULL,
                  FOREIGN KEY (id) REFERENCES requests(id) ON DELETE CASCADE);
                INSERT INTO accounts (id, name, provider, api_key, refresh_token, access_token, expires_at, created_at,
                  last_used, request_count, total_requests, account_tier) VALUES
                  ('e0000000-0000-4000-8000-000000000001', 'early-max', 'anthropic', NULL, 'rt-early-max', 'at-early-max',
                   1900000000000, 1700000000000, 1700000500000, 4, 9, 5);
                INSERT INTO requests VALUES
                  ('e1000000-0000-4000-8000-000000000001', 1700000100000, 'POST', '/v1/messages',
                   'e0000000-0000-4000-8000-000000000001', 200, 1, NULL, 812, 0);
                """);
    }

    /** ccflare's last release: every migration column, tiers, plain-text tokens, a NULL expiry. */
    public static Path ccflare(Path file) {
        return build(file, """
                CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL, provider TEXT DEFAULT 'anthropic',
                  api_key TEXT, refresh_token TEXT NOT NULL, access_token TEXT, expires_at INTEGER,
                  created_at INTEGER NOT NULL, last_used INTEGER, request_count INTEGER DEFAULT 0,
                  total_requests INTEGER DEFAULT 0, account_tier INTEGER DEFAULT 1, rate_limited_until INTEGER,
                  session_start INTEGER, session_request_count INTEGER DEFAULT 0, paused INTEGER DEFAULT 0,
                  rate_limit_reset INTEGER, rate_limit_status TEXT, rate_limit_remaining INTEGER);
                CREATE TABLE requests (id TEXT PRIMARY KEY, timestamp INTEGER NOT NULL, method TEXT NOT NULL,
                  path TEXT NOT NULL, account_used TEXT, status_code INTEGER, success BOOLEAN, error_message TEXT,
                  response_time_ms INTEGER, failover_attempts INTEGER DEFAULT 0, model TEXT,
                  prompt_tokens INTEGER DEFAULT 0, completion_tokens INTEGER DEFAULT 0, total_tokens INTEGER DEFAULT 0,
                  cost_usd REAL DEFAULT 0, output_tokens_per_second REAL, input_tokens INTEGER DEFAULT 0,
                  cache_read_input_tokens INTEGER DEFAULT 0, cache_creation_input_tokens INTEGER DEFAULT 0,
                  output_tokens INTEGER DEFAULT 0, agent_used TEXT);
                CREATE TABLE request_payloads (id TEXT PRIMARY KEY, json TEXT NOT NULL,
                  FOREIGN KEY (id) REFERENCES requests(id) ON DELETE CASCADE);
                CREATE TABLE oauth_sessions (id TEXT PRIMARY KEY, account_name TEXT NOT NULL, verifier TEXT NOT NULL,
                  mode TEXT NOT NULL, tier INTEGER DEFAULT 1, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
                CREATE TABLE agent_preferences (agent_id TEXT PRIMARY KEY, model TEXT NOT NULL, updated_at INTEGER NOT NULL);
                INSERT INTO accounts (id, name, provider, api_key, refresh_token, access_token, expires_at, created_at,
                  last_used, request_count, total_requests, account_tier, rate_limited_until, session_start,
                  session_request_count, paused, rate_limit_reset, rate_limit_status, rate_limit_remaining) VALUES
                  ('c0000000-0000-4000-8000-000000000001', 'max-main', 'anthropic', NULL, 'rt-max-main', 'at-max-main',
                   1900000000000, 1700000000000, 1700009000000, 12, 40, 20, 1700009999000, 1700008000000, 3, 0,
                   1700010000000, 'allowed_warning', 10),
                  ('c0000000-0000-4000-8000-000000000002', 'manual tokens', NULL, NULL, 'rt-manual', 'at-manual',
                   NULL, 1700000001000, NULL, 0, 0, NULL, NULL, NULL, 0, 1, NULL, NULL, NULL),
                  ('c0000000-0000-4000-8000-000000000003', 'console', 'anthropic', 'sk-ant-console-key', '', NULL,
                   NULL, 1700000002000, NULL, 0, 0, 1, NULL, NULL, 0, NULL, NULL, NULL, NULL),
                  ('c0000000-0000-4000-8000-000000000004', 'no-credentials', 'anthropic', NULL, '', NULL,
                   NULL, 1700000003000, NULL, 0, 0, 1, NULL, NULL, 0, 0, NULL, NULL, NULL),
                  ('c0000000-0000-4000-8000-000000000005', 'max-main', 'anthropic', NULL, 'rt-max-twin', 'at-max-twin',
                   1900000000000, 1700000004000, NULL, 0, 0, 5, NULL, NULL, 0, 0, NULL, NULL, NULL);
                INSERT INTO requests VALUES
                  ('c1000000-0000-4000-8000-000000000001', (CAST(strftime('%s','now') AS INTEGER) * 1000 - 10800000), 'POST', '/v1/messages',
                   'c0000000-0000-4000-8000-000000000001', 200, 1, NULL, 1530, 0, 'claude-sonnet-4-20250514',
                   NULL, NULL, 1300, 0.0123, 42.5, 1000, 200, NULL, 100, NULL),
                  ('c1000000-0000-4000-8000-000000000002', (CAST(strftime('%s','now') AS INTEGER) * 1000 - 7200000), 'POST', '/v1/messages',
                   'c0000000-0000-4000-8000-000000000001', 429, 0, NULL, 90, 1, 'claude-opus-4-20250514',
                   0, 0, 0, 0, NULL, 0, 0, 0, 0, NULL),
                  ('c1000000-0000-4000-8000-000000000003', (CAST(strftime('%s','now') AS INTEGER) * 1000 - 3600000), 'POST', '/v1/messages', NULL, 200, 0,
                   'Request orphaned - no activity', 60000, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   NULL, 'reviewer'),
                  ('c1000000-0000-4000-8000-000000000004', (CAST(strftime('%s','now') AS INTEGER) * 1000 - 34560000000), 'POST', '/v1/messages',
                   'c0000000-0000-4000-8000-000000000001', 200, 1, NULL, 700, 0, 'claude-3-5-sonnet-20241022',
                   10, 5, 15, 0.0001, NULL, 10, 0, 0, 5, NULL);
                INSERT INTO request_payloads VALUES
                  ('c1000000-0000-4000-8000-000000000001', '{"request":{"headers":{"authorization":"Bearer sk-ant-client-secret","anthropic-version":"2023-06-01"},"body":"eyJtb2RlbCI6ImNsYXVkZS1zb25uZXQtNC0yMDI1MDUxNCIsIm1lc3NhZ2VzIjpbeyJyb2xlIjoidXNlciIsImNvbnRlbnQiOiJoZWxsbyBmcm9tIHRoZSBvcmlnaW5hbCJ9XX0="},"response":{"status":200,"headers":{"content-type":"application/json"},"body":"eyJ0eXBlIjoibWVzc2FnZSIsImNvbnRlbnQiOlt7InR5cGUiOiJ0ZXh0IiwidGV4dCI6ImhpIGJhY2sifV19"},"meta":{"accountId":"c0000000-0000-4000-8000-000000000001","timestamp":1700009000000,"success":true,"isStream":false,"retry":0}}'),
                  ('c1000000-0000-4000-8000-000000000004', '{"request":{"headers":{},"body":null},"response":{"status":200,"headers":{},"body":null},"meta":{"isStream":false}}');
                """);
    }

    /** ccflare v2: providers by prefix, auth_method, base_url and weight on accounts, no tiers. */
    public static Path ccflareV2(Path file) {
        return build(file, """
                CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL, provider TEXT DEFAULT 'anthropic',
                  auth_method TEXT, api_key TEXT, refresh_token TEXT, access_token TEXT, expires_at INTEGER,
                  created_at INTEGER NOT NULL, last_used INTEGER, request_count INTEGER DEFAULT 0,
                  total_requests INTEGER DEFAULT 0, rate_limited_until INTEGER, session_start INTEGER,
                  session_request_count INTEGER DEFAULT 0, paused INTEGER DEFAULT 0, rate_limit_reset INTEGER,
                  rate_limit_status TEXT, rate_limit_remaining INTEGER, base_url TEXT, weight INTEGER DEFAULT 1);
                CREATE TABLE requests (id TEXT PRIMARY KEY, timestamp INTEGER NOT NULL, method TEXT NOT NULL,
                  path TEXT NOT NULL, account_used TEXT, status_code INTEGER, success BOOLEAN, error_message TEXT,
                  response_time_ms INTEGER, failover_attempts INTEGER DEFAULT 0, model TEXT, provider TEXT,
                  input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0, cost_usd REAL DEFAULT 0);
                INSERT INTO accounts (id, name, provider, auth_method, api_key, refresh_token, access_token, expires_at,
                  created_at, paused, base_url, weight) VALUES
                  ('20000000-0000-4000-8000-000000000001', 'cc-sub', 'claude-code', 'oauth', NULL, 'rt-cc', 'at-cc',
                   1900000000000, 1710000000000, 0, NULL, 1),
                  ('20000000-0000-4000-8000-000000000002', 'oai', 'openai', 'api_key', 'sk-openai-key', NULL, NULL,
                   NULL, 1710000001000, 0, 'https://gateway.example.com/v1', 3),
                  ('20000000-0000-4000-8000-000000000003', 'codex-sub', 'codex', 'oauth', NULL, 'rt-codex', 'at-codex',
                   NULL, 1710000002000, 1, NULL, 1);
                INSERT INTO requests VALUES
                  ('21000000-0000-4000-8000-000000000001', 1710000100000, 'POST', '/v1/openai/chat/completions',
                   '20000000-0000-4000-8000-000000000002', 200, 1, NULL, 700, 0, 'gpt-4.1', 'openai', 10, 20, 0.001);
                """);
    }

    /** better-ccflare: priority, custom endpoints, no tiers, providers that have no counterpart here. */
    public static Path betterCcflare(Path file) {
        return build(file, """
                CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL, provider TEXT DEFAULT 'anthropic',
                  api_key TEXT, refresh_token TEXT NOT NULL, access_token TEXT, expires_at INTEGER,
                  created_at INTEGER NOT NULL, last_used INTEGER, request_count INTEGER DEFAULT 0,
                  total_requests INTEGER DEFAULT 0, priority INTEGER DEFAULT 0, rate_limited_until INTEGER,
                  session_start INTEGER, session_request_count INTEGER DEFAULT 0, paused INTEGER DEFAULT 0,
                  rate_limit_reset INTEGER, rate_limit_status TEXT, rate_limit_remaining INTEGER,
                  auto_fallback_enabled INTEGER DEFAULT 0, custom_endpoint TEXT, auto_refresh_enabled INTEGER DEFAULT 0,
                  model_mappings TEXT);
                CREATE TABLE requests (id TEXT PRIMARY KEY, timestamp INTEGER NOT NULL, method TEXT NOT NULL,
                  path TEXT NOT NULL, account_used TEXT, status_code INTEGER, success BOOLEAN, error_message TEXT,
                  response_time_ms INTEGER, failover_attempts INTEGER DEFAULT 0, model TEXT,
                  prompt_tokens INTEGER DEFAULT 0, completion_tokens INTEGER DEFAULT 0, total_tokens INTEGER DEFAULT 0,
                  cost_usd REAL DEFAULT 0, output_tokens_per_second REAL, input_tokens INTEGER DEFAULT 0,
                  cache_read_input_tokens INTEGER DEFAULT 0, cache_creation_input_tokens INTEGER DEFAULT 0,
                  output_tokens INTEGER DEFAULT 0, agent_used TEXT);
                CREATE TABLE request_payloads (id TEXT PRIMARY KEY, json TEXT NOT NULL);
                CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, hashed_key TEXT NOT NULL UNIQUE,
                  prefix_last_8 TEXT NOT NULL, created_at INTEGER NOT NULL, last_used INTEGER,
                  usage_count INTEGER DEFAULT 0, is_active INTEGER DEFAULT 1);
                INSERT INTO accounts (id, name, provider, api_key, refresh_token, access_token, expires_at, created_at,
                  priority, paused, custom_endpoint) VALUES
                  ('b0000000-0000-4000-8000-000000000001', 'claude-pro', 'anthropic', NULL, 'rt-pro', 'at-pro',
                   NULL, 1720000000000, 2, 0, NULL),
                  ('b0000000-0000-4000-8000-000000000002', 'console-key', 'claude-console-api', 'sk-ant-bcf-key', '', NULL,
                   NULL, 1720000001000, 0, 1, NULL),
                  ('b0000000-0000-4000-8000-000000000003', 'local-llm', 'openai-compatible', 'sk-local', '', NULL,
                   NULL, 1720000002000, 7, 0, 'http://127.0.0.1:11434/v1'),
                  ('b0000000-0000-4000-8000-000000000004', 'zai-coding', 'zai', 'zai-key', '', NULL,
                   NULL, 1720000003000, 1, 0, NULL),
                  ('b0000000-0000-4000-8000-000000000005', 'team/alice', 'anthropic', NULL, 'rt-alice', 'at-alice',
                   1900000000000, 1720000004000, 3, 0, NULL);
                INSERT INTO requests (id, timestamp, method, path, account_used, status_code, success, response_time_ms,
                  model, input_tokens, output_tokens, total_tokens, cost_usd) VALUES
                  ('b1000000-0000-4000-8000-000000000001', (CAST(strftime('%s','now') AS INTEGER) * 1000 - 7200000), 'POST', '/v1/messages',
                   'b0000000-0000-4000-8000-000000000001', 200, 1, 950, 'claude-sonnet-4-5', 300, 50, 350, 0.0042),
                  ('b1000000-0000-4000-8000-000000000002', (CAST(strftime('%s','now') AS INTEGER) * 1000 - 3600000), 'POST', '/v1/messages',
                   'b0000000-0000-4000-8000-000000000002', 500, 0, 120, 'claude-sonnet-4-5', 0, 0, 0, 0);
                """);
    }

    /** A file that starts like an SQLite database and then is garbage: the header survives, the pages do not. */
    public static Path corrupt(Path file) {
        ccflare(file);
        try {
            byte[] bytes = Files.readAllBytes(file);
            for (int i = 100; i < bytes.length; i++) bytes[i] = (byte) (i * 31);
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Holds an exclusive lock on {@code file} as a running original writing to it would, until
     * closed: other connections get SQLITE_BUSY even for reading.
     */
    public static AutoCloseable lockExclusively(Path file) {
        try {
            Connection c = source(file).getConnection();
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA locking_mode = EXCLUSIVE");
                s.execute("BEGIN EXCLUSIVE");
                s.execute("UPDATE accounts SET last_used = last_used WHERE 0");
            }
            return () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("ROLLBACK");
                }
                c.close();
            };
        } catch (SQLException e) {
            throw new IllegalStateException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the file's bytes, hex. */
    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path build(Path file, String script) {
        try (Connection c = source(file).getConnection(); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = DELETE");
            for (String statement : script.split(";\\s*\\n")) {
                if (!statement.isBlank()) s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot build " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static SQLiteDataSource source(Path file) {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file);
        return ds;
    }
}

-- ccflare schema, version 1. Times are epoch milliseconds; booleans are 0/1 integers.
-- PRAGMA auto_vacuum=INCREMENTAL is set by Database.open before this runs: it only takes effect
-- before the first table exists, and Flyway creates its history table first.

CREATE TABLE accounts (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL UNIQUE,
    provider              TEXT NOT NULL DEFAULT 'anthropic',
    -- Credential columns: their encoding lives in CredentialColumns (encryption at rest comes later).
    api_key               TEXT,
    refresh_token         TEXT,
    access_token          TEXT,
    expires_at            INTEGER,
    created_at            INTEGER NOT NULL,
    last_used             INTEGER,
    request_count         INTEGER NOT NULL DEFAULT 0,
    total_requests        INTEGER NOT NULL DEFAULT 0,
    rate_limited_until    INTEGER,
    session_start         INTEGER,
    session_request_count INTEGER NOT NULL DEFAULT 0,
    paused                INTEGER NOT NULL DEFAULT 0,
    rate_limit_reset      INTEGER,
    rate_limit_status     TEXT,
    rate_limit_remaining  INTEGER,
    priority              INTEGER NOT NULL DEFAULT 0,
    base_url              TEXT,
    needs_reauth          INTEGER NOT NULL DEFAULT 0,
    rate_limit_util_5h    REAL,
    rate_limit_reset_5h   INTEGER,
    rate_limit_util_7d    REAL,
    rate_limit_reset_7d   INTEGER
);

CREATE TABLE requests (
    id                          TEXT PRIMARY KEY,
    timestamp                   INTEGER NOT NULL,
    method                      TEXT NOT NULL,
    path                        TEXT NOT NULL,
    account_used                TEXT,
    status_code                 INTEGER,
    success                     INTEGER NOT NULL DEFAULT 0,
    error_message               TEXT,
    response_time_ms            INTEGER,
    failover_attempts           INTEGER NOT NULL DEFAULT 0,
    model                       TEXT,
    prompt_tokens               INTEGER NOT NULL DEFAULT 0,
    completion_tokens           INTEGER NOT NULL DEFAULT 0,
    total_tokens                INTEGER NOT NULL DEFAULT 0,
    cost_usd                    REAL NOT NULL DEFAULT 0,
    output_tokens_per_second    REAL,
    input_tokens                INTEGER NOT NULL DEFAULT 0,
    cache_read_input_tokens     INTEGER NOT NULL DEFAULT 0,
    cache_creation_input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens               INTEGER NOT NULL DEFAULT 0,
    agent_used                  TEXT,
    provider                    TEXT,
    outcome                     TEXT NOT NULL,
    attempts                    INTEGER,
    upstream_ttfb_ms            INTEGER,
    client_ttfb_ms              INTEGER,
    proxy_overhead_ms           INTEGER,
    reasoning_tokens            INTEGER,
    user_agent                  TEXT,
    client_session_id           TEXT
);

-- Headers are text lines "name: value"; bodies are the raw captured bytes.
-- timestamp repeats requests.timestamp so payload retention finds old rows through its own index
-- instead of walking every retained request row.
CREATE TABLE request_payloads (
    id               TEXT PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
    timestamp        INTEGER NOT NULL,
    request_headers  TEXT,
    request_body     BLOB,
    response_headers TEXT,
    response_body    BLOB,
    streamed         INTEGER NOT NULL DEFAULT 0,
    truncated        INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE oauth_sessions (
    id           TEXT PRIMARY KEY,
    provider     TEXT NOT NULL,
    account_name TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    state        TEXT NOT NULL,
    base_url     TEXT,
    priority     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    completed_at INTEGER
);

CREATE INDEX idx_requests_timestamp ON requests(timestamp DESC);
CREATE INDEX idx_requests_timestamp_account ON requests(timestamp DESC, account_used);
CREATE INDEX idx_requests_model_timestamp ON requests(model, timestamp DESC) WHERE model IS NOT NULL;
CREATE INDEX idx_requests_success_timestamp ON requests(success, timestamp DESC);
CREATE INDEX idx_requests_account_timestamp ON requests(account_used, timestamp DESC);
CREATE INDEX idx_requests_cost_model ON requests(cost_usd, model, timestamp DESC)
    WHERE cost_usd > 0 AND model IS NOT NULL;
CREATE INDEX idx_requests_response_time ON requests(model, response_time_ms)
    WHERE response_time_ms IS NOT NULL AND model IS NOT NULL;
CREATE INDEX idx_requests_tokens ON requests(timestamp DESC, total_tokens) WHERE total_tokens > 0;
CREATE INDEX idx_request_payloads_timestamp ON request_payloads(timestamp);
CREATE INDEX idx_accounts_paused ON accounts(paused) WHERE paused = 0;
CREATE INDEX idx_accounts_rate_limited ON accounts(rate_limited_until) WHERE rate_limited_until IS NOT NULL;
CREATE INDEX idx_accounts_request_count ON accounts(request_count DESC, last_used);
CREATE INDEX idx_oauth_sessions_expires ON oauth_sessions(expires_at);

-- Client keys of a shared proxy. The key itself is never stored: hash is the hex SHA-256 of it
-- (256 random bits each, so a fast hash suffices). Times are epoch ms; NULL means never.
-- requests_per_minute and daily_usd are optional limits (NULL: none).
CREATE TABLE client_keys (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    hash                TEXT NOT NULL UNIQUE,
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER,
    revoked_at          INTEGER,
    requests_per_minute INTEGER,
    daily_usd           REAL
);

-- The id of the client key a request presented; NULL when none was required.
ALTER TABLE requests ADD COLUMN client_key TEXT;

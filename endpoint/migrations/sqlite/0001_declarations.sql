-- 乡亲 endpoint, SQLite schema 1: self-declarations (一键申报) and their history.
-- Kept close to portable SQL so a PostgreSQL folder (migrations/postgres) can mirror it; the
-- SQLite-only parts are INTEGER PRIMARY KEY (rowid) and the triggers at the end.

-- Server-wide settings created on first start (e.g. the secret that derives replayable status tokens).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE declarations (
    id                   INTEGER PRIMARY KEY,
    -- What the household keeps: XQ-XXXX-XXXX.
    receipt              TEXT NOT NULL UNIQUE,
    -- SHA-256 (hex) of the status token's 32-character hex text; the token itself is never stored.
    status_token_hash    TEXT NOT NULL,
    -- SHA-256 (hex) of the canonical (lower-case, hyphenated) Idempotency-Key UUID, or NULL.
    -- Hashed, not plain, because the token of a keyed request is derived from the key (see src/token.rs).
    idempotency_key_hash TEXT UNIQUE,
    -- SHA-256 (hex) of body_json: tells a replay from a different declaration under the same key.
    body_sha256          TEXT NOT NULL,
    status               TEXT NOT NULL,
    region               TEXT NOT NULL,
    county               TEXT NOT NULL,
    township             TEXT NOT NULL,
    village              TEXT NOT NULL,
    applicant_name       TEXT NOT NULL,
    id_number            TEXT NOT NULL,
    phone                TEXT NOT NULL,
    -- The normalized declaration as JSON (xiangqin_rules::declaration::Declaration).
    body_json            TEXT NOT NULL,
    -- RFC 3339, UTC.
    created_at           TEXT NOT NULL
);

-- The cadres' list: declarations of one village, newest first.
CREATE INDEX declarations_by_place ON declarations (region, county, township, village, created_at);
CREATE INDEX declarations_by_id_number ON declarations (id_number);

-- Every status change, append-only. The first row of a declaration has from_status NULL.
CREATE TABLE declaration_events (
    id             INTEGER PRIMARY KEY,
    declaration_id INTEGER NOT NULL REFERENCES declarations (id),
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    -- household, or a cadre / operator identifier.
    actor          TEXT NOT NULL,
    note           TEXT,
    -- RFC 3339, UTC.
    at             TEXT NOT NULL
);

CREATE INDEX declaration_events_by_declaration ON declaration_events (declaration_id, id);

CREATE TRIGGER declaration_events_no_update BEFORE UPDATE ON declaration_events
BEGIN
    SELECT RAISE(ABORT, 'declaration_events is append-only');
END;

CREATE TRIGGER declaration_events_no_delete BEFORE DELETE ON declaration_events
BEGIN
    SELECT RAISE(ABORT, 'declaration_events is append-only');
END;

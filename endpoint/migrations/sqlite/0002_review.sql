-- 乡亲 endpoint, SQLite schema 2: cadres' review tokens, and links between declarations of one person.

-- Bearer tokens issued by the operator (`xiangqin-endpoint token add`). Only the SHA-256 of the
-- token is kept. A token is scoped to a region and, optionally, one township.
CREATE TABLE reviewer_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    region      TEXT NOT NULL,
    township    TEXT,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

-- A declaration made while an earlier one with the same ID number was still open points to it
-- (its receipt), so the reviewer sees both; nothing is dropped.
ALTER TABLE declarations ADD COLUMN linked_to TEXT;

-- When the declaration reached its current status (for deadlines), kept with the status.
ALTER TABLE declarations ADD COLUMN status_since TEXT;
UPDATE declarations SET status_since = created_at WHERE status_since IS NULL;

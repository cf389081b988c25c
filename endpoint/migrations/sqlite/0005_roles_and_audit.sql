-- 乡亲 endpoint, SQLite schema 5: a review token is a division code and a role, and expires;
-- every read and move of cadres is written to an append-only audit log.

-- The scope: a division code (2, 4, 6, 9 or 12 digits of places/; the region follows from it),
-- the role (village | township | county | observer, see xiangqin_rules::workflow::Role) and the
-- end of its validity (RFC 3339, UTC). Tokens issued before (a region and a township's name)
-- keep NULL here and no longer open the review: a name did not tell the two 城关镇 of Qinghai
-- apart. `token list` shows them as old.
ALTER TABLE reviewer_tokens ADD COLUMN division_code TEXT;
ALTER TABLE reviewer_tokens ADD COLUMN role TEXT;
ALTER TABLE reviewer_tokens ADD COLUMN expires_at TEXT;

-- Who (token number and name, NULL when no valid token was given) did what (`action`: me,
-- list, open, export_csv, export_xlsx, transition), on which declaration, with which filter
-- and row count or step (`detail`), and how it ended (`outcome`: ok, or the error code of a
-- refusal). Never names, ID numbers, phone numbers or notes.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    token_id    INTEGER REFERENCES reviewer_tokens (id),
    token_name  TEXT,
    action      TEXT NOT NULL,
    receipt     TEXT,
    detail      TEXT NOT NULL,
    outcome     TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

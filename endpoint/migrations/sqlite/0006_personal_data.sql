-- 乡亲 endpoint, SQLite schema 6: personal data kept encrypted, linked by a keyed hash, erased
-- after the retention (src/crypto.rs, README.md "Personal data").

-- From now on applicant_name, id_number, phone and body_json hold sealed values
-- (`xq1:<key id>:…`, see src/crypto.rs), and body_sha256 a keyed hash of the clear body; rows
-- stored before are sealed at the first start with a data key (db::protect_at_rest).
-- Declarations of one ID number are linked by its keyed hash (HMAC-SHA256), never the number.
ALTER TABLE declarations ADD COLUMN id_number_hash TEXT;
DROP INDEX declarations_by_id_number;
CREATE INDEX declarations_by_id_number_hash ON declarations (id_number_hash);

-- When the personal fields of a closed declaration were erased after `--retention-days`
-- (they are '' then; the place, the status and the history stay).
ALTER TABLE declarations ADD COLUMN erased_at TEXT;

-- The history stays append-only in what happened (which step, from which, who, when); a
-- cadre's note may still be re-sealed under a new data key (`key rotate`) or erased with the
-- declaration's personal fields.
DROP TRIGGER declaration_events_no_update;
CREATE TRIGGER declaration_events_no_update BEFORE UPDATE ON declaration_events
WHEN NEW.id IS NOT OLD.id OR NEW.declaration_id IS NOT OLD.declaration_id
    OR NEW.from_status IS NOT OLD.from_status OR NEW.to_status IS NOT OLD.to_status
    OR NEW.actor IS NOT OLD.actor OR NEW.at IS NOT OLD.at
BEGIN
    SELECT RAISE(ABORT, 'declaration_events is append-only (only a note may be re-sealed or erased)');
END;

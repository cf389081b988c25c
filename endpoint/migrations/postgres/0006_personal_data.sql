-- 乡亲 endpoint, PostgreSQL schema 6: personal data kept encrypted, linked by a keyed hash,
-- erased after the retention (src/crypto.rs, README.md "Personal data").

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
CREATE FUNCTION declaration_events_only_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.declaration_id IS DISTINCT FROM OLD.declaration_id
        OR NEW.from_status IS DISTINCT FROM OLD.from_status OR NEW.to_status IS DISTINCT FROM OLD.to_status
        OR NEW.actor IS DISTINCT FROM OLD.actor OR NEW.at IS DISTINCT FROM OLD.at THEN
        RAISE EXCEPTION 'declaration_events is append-only (only a note may be re-sealed or erased)';
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER declaration_events_no_update ON declaration_events;
CREATE TRIGGER declaration_events_no_update BEFORE UPDATE ON declaration_events
    FOR EACH ROW EXECUTE FUNCTION declaration_events_only_note();

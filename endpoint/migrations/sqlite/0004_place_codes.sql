-- 乡亲 endpoint, schema 4 (the same in migrations/sqlite and migrations/postgres): official place
-- codes. A declaration's place is a 12-digit village or 9-digit township code of places/ (the
-- county, township and village columns hold the names of the list beside it). Declarations
-- stored before carry NULL until the endpoint matches their written names at start (see
-- db::match_legacy_places); those it cannot match stay NULL and are seen by region-wide tokens.
ALTER TABLE declarations ADD COLUMN place_code TEXT;
CREATE INDEX declarations_by_place_code ON declarations (place_code);

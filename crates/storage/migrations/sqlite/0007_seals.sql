-- Records sealed into the audit chain (seal.rs): each child version, household version and
-- health event names the audit entry written in its transaction (`seal`), and that entry keeps
-- the digest of those rows (`rows_digest`), covered by its hash. Rows stored before this have no
-- seal; the migration then writes one entry, seal 0, "niêm phong dữ liệu cũ", over all of them.
-- A household version also records its village, as a child version does, so that `check` can
-- compare the household row with it. Keep in step with ../postgres/0007_seals.sql.
ALTER TABLE audit_log ADD COLUMN seal INTEGER;
ALTER TABLE audit_log ADD COLUMN rows_digest TEXT;
CREATE UNIQUE INDEX audit_log_seal ON audit_log(seal);
ALTER TABLE child_version ADD COLUMN seal INTEGER;
ALTER TABLE household_version ADD COLUMN seal INTEGER;
ALTER TABLE household_version ADD COLUMN village_id INTEGER;
ALTER TABLE health_event ADD COLUMN seal INTEGER;

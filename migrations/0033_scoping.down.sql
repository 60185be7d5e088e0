DROP INDEX IF EXISTS people_scope_idx;
ALTER TABLE people DROP COLUMN IF EXISTS scope_key, DROP COLUMN IF EXISTS scope_run_id;
DROP TRIGGER IF EXISTS scope_runs_delete_rows ON scope_runs;
DROP FUNCTION IF EXISTS scope_runs_delete_rows();
DROP TABLE IF EXISTS scope_orders;
DROP TABLE IF EXISTS scope_person_keys;
DROP TABLE IF EXISTS scope_persons;
DROP TABLE IF EXISTS scope_runs;
DROP TABLE IF EXISTS exposure_window_versions;

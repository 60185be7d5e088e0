DROP TABLE IF EXISTS prevention_plan_versions;
DROP FUNCTION IF EXISTS prevention_plan_versions_frozen();
DROP INDEX IF EXISTS prevention_measures_security_once;
ALTER TABLE prevention_measures DROP COLUMN IF EXISTS security_measure, DROP COLUMN IF EXISTS cause_code;
DROP TABLE IF EXISTS case_causes;

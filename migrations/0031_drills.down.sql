DROP TRIGGER notices_not_published_in_drill ON notices;
DROP TRIGGER letter_batches_not_drill ON letter_batches;
DROP FUNCTION drill_sends_nothing();
DROP TRIGGER cases_drill_fixed ON cases;
DROP FUNCTION cases_drill_fixed();
DROP TABLE drill_counters;
ALTER TABLE cases DROP CONSTRAINT cases_drill_clock, DROP COLUMN drill_started_at, DROP COLUMN drill_speed, DROP COLUMN drill;

ALTER TABLE cases DROP CONSTRAINT cases_void_has_reason, DROP COLUMN void_reason, DROP COLUMN voided_by, DROP COLUMN voided_at;

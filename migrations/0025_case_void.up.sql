-- A case opened in error is voided, not deleted (issue 21, item 3): it
-- leaves the dashboard, the deadline lists and the reminders and takes no
-- further change, but stays readable with who voided it, when and why.
ALTER TABLE cases
    ADD COLUMN voided_at   timestamptz,
    ADD COLUMN voided_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN void_reason text NOT NULL DEFAULT '',
    ADD CONSTRAINT cases_void_has_reason CHECK (voided_at IS NULL OR length(void_reason) BETWEEN 1 AND 2000);

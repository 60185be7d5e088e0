-- Legal sends a draft back with a comment instead of approving it (issue
-- 19, item 5): the version leaves legal's queue, the comment stays with it
-- for whoever writes the next version.
ALTER TABLE documents
    ADD COLUMN returned_at    timestamptz,
    ADD COLUMN returned_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN return_comment text NOT NULL DEFAULT '';

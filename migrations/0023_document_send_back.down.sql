ALTER TABLE documents DROP COLUMN return_comment, DROP COLUMN returned_by, DROP COLUMN returned_at;

-- Items held elsewhere have no content to keep: they go with the column.
DELETE FROM evidence WHERE data IS NULL;
ALTER TABLE evidence DROP CONSTRAINT evidence_data_or_holder;
ALTER TABLE evidence DROP COLUMN held_by;
ALTER TABLE evidence ALTER COLUMN data SET NOT NULL;

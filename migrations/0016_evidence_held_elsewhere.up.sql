-- Evidence that holds card data is not stored: a non-retaining merchant
-- records it as held by the forensic investigator (or another custodian)
-- with its hash and size, and no content. Such an item has no data and
-- names who holds it; every other item has its data and holds no name.
ALTER TABLE evidence ALTER COLUMN data DROP NOT NULL;
ALTER TABLE evidence ADD COLUMN held_by text NOT NULL DEFAULT '' CHECK (length(held_by) <= 200);
ALTER TABLE evidence ADD CONSTRAINT evidence_data_or_holder CHECK ((data IS NULL) = (held_by <> ''));

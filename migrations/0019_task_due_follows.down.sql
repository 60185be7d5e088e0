ALTER TABLE tasks DROP COLUMN due_set_by_hand;

-- A task that serves an obligation (the PPC reports, the police
-- consultation, the acquirer's and the brands' reports, the notice to the
-- persons) takes its due date from the obligation's deadline and moves
-- with it (issue 19, item 8), until someone sets the task's due date by
-- hand: then the team's date stands.
ALTER TABLE tasks ADD COLUMN due_set_by_hand boolean NOT NULL DEFAULT false;

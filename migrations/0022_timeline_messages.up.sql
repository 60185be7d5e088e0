-- Automatic timeline entries are stored as a catalogue message code with
-- its arguments (issue 19, item 4): each reader sees them in their own
-- language, with times in their own zone, instead of the English sentence
-- the engine wrote. Entries written before keep their summary.
ALTER TABLE timeline_entries
    ADD COLUMN message_code text NOT NULL DEFAULT '',
    ADD COLUMN message_args jsonb NOT NULL DEFAULT '[]';
ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_summary_check;
ALTER TABLE timeline_entries ADD CONSTRAINT timeline_entries_summary_check
    CHECK (length(summary) <= 5000 AND (length(summary) >= 1 OR message_code <> ''));

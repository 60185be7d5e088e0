UPDATE timeline_entries SET summary = message_code WHERE summary = '';
ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_summary_check;
ALTER TABLE timeline_entries ADD CONSTRAINT timeline_entries_summary_check
    CHECK (length(summary) BETWEEN 1 AND 5000);
ALTER TABLE timeline_entries DROP COLUMN message_args, DROP COLUMN message_code;

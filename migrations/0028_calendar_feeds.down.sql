DROP TRIGGER obligations_calendar_revision ON obligations;
DROP FUNCTION obligations_calendar_revision();
ALTER TABLE obligations DROP COLUMN calendar_sequence, DROP COLUMN calendar_changed_at;
DROP TABLE calendar_feeds;

DROP TABLE notifications;
DROP TABLE reminders;
DROP TABLE obligation_changes;
DROP TABLE obligations;
DROP TABLE assessments;

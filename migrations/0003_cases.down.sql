DROP TABLE timeline_entries;
DROP TABLE task_comments;
DROP TABLE tasks;
DROP TABLE cases;
DROP TABLE case_counters;

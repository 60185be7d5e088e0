DROP TABLE custody_events;
DROP TABLE evidence;

DROP TABLE IF EXISTS security_declarations;
DROP TABLE IF EXISTS security_review_reminders;
DROP TABLE IF EXISTS security_measure_evidence;
DROP TABLE IF EXISTS security_measures;

DROP TRIGGER cases_truncate_keeps_people ON cases;
DROP FUNCTION cases_truncate_keeps_people();

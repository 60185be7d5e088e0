DROP TRIGGER people_search_stale ON people;
DROP FUNCTION people_search_stale();
DROP INDEX people_search_unfilled_idx;
DROP INDEX people_search_phone_idx;
DROP INDEX people_search_kana_idx;
ALTER TABLE people DROP COLUMN search_phone, DROP COLUMN search_kana, DROP COLUMN search_text;

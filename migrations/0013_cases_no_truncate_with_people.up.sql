-- Since 0012 the link from people to their case is kept by triggers, not a
-- declared foreign key, and TRUNCATE fires no row or statement DELETE
-- trigger: truncating cases alone would leave persons pointing at nothing.
-- The foreign key refused that; this keeps refusing it.
CREATE FUNCTION cases_truncate_keeps_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM people) THEN
        RAISE EXCEPTION 'cases: cannot truncate while affected persons refer to cases; truncate people first'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER cases_truncate_keeps_people BEFORE TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION cases_truncate_keeps_people();

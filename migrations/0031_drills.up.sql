-- Drill cases (issue 24, item 5): a tabletop exercise runs as a case
-- flagged as a drill, with a chosen awareness moment (aware_at) and a
-- clock that may run fast: drill time = aware_at + (now - drill_started_at)
-- * drill_speed (see cases.DrillClock). The flag, the speed and the start
-- are set when the case is created and never change, so a real incident
-- can never be turned into a rehearsal, or a rehearsal into one.
ALTER TABLE cases
    ADD COLUMN drill            boolean NOT NULL DEFAULT false,
    ADD COLUMN drill_speed      integer NOT NULL DEFAULT 0,
    ADD COLUMN drill_started_at timestamptz,
    ADD CONSTRAINT cases_drill_clock CHECK (
        (drill AND drill_speed BETWEEN 1 AND 1440 AND drill_started_at IS NOT NULL)
        OR (NOT drill AND drill_speed = 0 AND drill_started_at IS NULL));

-- Drills are numbered apart from incidents (DRILL-YYYY-NNNN), so that a
-- rehearsal leaves no gap in the incident numbers.
CREATE TABLE drill_counters (
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    year            integer NOT NULL,
    last            integer NOT NULL,
    PRIMARY KEY (organisation_id, year)
);

-- The services refuse these with a clear message; the database keeps the
-- promise even for a path that forgets to ask.
CREATE FUNCTION cases_drill_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.drill IS DISTINCT FROM OLD.drill OR NEW.drill_speed IS DISTINCT FROM OLD.drill_speed
        OR NEW.drill_started_at IS DISTINCT FROM OLD.drill_started_at THEN
        RAISE EXCEPTION 'a case''s drill flag and clock are set at creation and never change' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_drill_fixed BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION cases_drill_fixed();

-- A drill never writes to persons and never publishes.
CREATE FUNCTION drill_sends_nothing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cases WHERE id = NEW.case_id AND drill) THEN
        RAISE EXCEPTION 'a drill case sends no letters and publishes nothing (%)', TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER letter_batches_not_drill BEFORE INSERT ON letter_batches FOR EACH ROW EXECUTE FUNCTION drill_sends_nothing();
CREATE TRIGGER notices_not_published_in_drill BEFORE INSERT OR UPDATE OF status ON notices
    FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION drill_sends_nothing();

-- Calendar feeds (issue 23, item 3): a secret URL per user (one
-- organisation's open cases) or per case, for Outlook or Google Calendar.
-- The secret is kept only as its SHA-256, as API tokens are: the URL is
-- shown once, and a leaked database does not open anyone's calendar.
CREATE TABLE calendar_feeds (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- NULL: the user's feed of the organisation's open cases
    case_id         bigint,
    token_hash      bytea NOT NULL UNIQUE,
    -- the first characters of the secret, to tell links apart on a page
    prefix          text NOT NULL,
    created_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    last_used_at    timestamptz,
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE
);
-- One live feed per user and organisation (case_id NULL) and per user and
-- case: making a new link revokes the old one in the same transaction.
CREATE UNIQUE INDEX calendar_feeds_live_user ON calendar_feeds (organisation_id, user_id) WHERE revoked_at IS NULL AND case_id IS NULL;
CREATE UNIQUE INDEX calendar_feeds_live_case ON calendar_feeds (case_id, user_id) WHERE revoked_at IS NULL AND case_id IS NOT NULL;

-- A calendar client keeps an event and replaces it when its SEQUENCE
-- grows (RFC 5545 3.8.7.4). Obligations are rewritten on every assessment
-- save (assessment.Deadlines.recompute), most of the time with the same
-- dates, so updated_at cannot serve: this revision counts only the changes
-- a calendar shows (dates, status, applicability, provisional), and
-- calendar_changed_at is the app clock's time of the last one (the row's
-- updated_at, which every writer of obligations sets from the clock).
ALTER TABLE obligations
    ADD COLUMN calendar_sequence integer NOT NULL DEFAULT 0,
    ADD COLUMN calendar_changed_at timestamptz;
UPDATE obligations SET calendar_changed_at = updated_at;
ALTER TABLE obligations ALTER COLUMN calendar_changed_at SET NOT NULL;

CREATE FUNCTION obligations_calendar_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.calendar_sequence := 0;
        NEW.calendar_changed_at := NEW.updated_at;
    ELSIF NEW.due_at IS DISTINCT FROM OLD.due_at
       OR NEW.window_start IS DISTINCT FROM OLD.window_start
       OR NEW.target_at IS DISTINCT FROM OLD.target_at
       OR NEW.status IS DISTINCT FROM OLD.status
       OR NEW.applicable IS DISTINCT FROM OLD.applicable
       OR NEW.provisional IS DISTINCT FROM OLD.provisional THEN
        NEW.calendar_sequence := OLD.calendar_sequence + 1;
        NEW.calendar_changed_at := GREATEST(NEW.updated_at, OLD.calendar_changed_at);
    ELSE
        NEW.calendar_sequence := OLD.calendar_sequence;
        NEW.calendar_changed_at := OLD.calendar_changed_at;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER obligations_calendar_revision BEFORE INSERT OR UPDATE ON obligations
    FOR EACH ROW EXECUTE FUNCTION obligations_calendar_revision();

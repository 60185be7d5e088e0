-- Root causes on a case and the recurrence-prevention plan (issue 24,
-- parts 3 and 4).
--
-- A cause is a forensic finding recorded against the taxonomy kept as Go
-- data (app/security, causes.go); the taxonomy, not this schema, knows the
-- codes, so a new code needs no migration. "other" says what it was.
CREATE TABLE case_causes (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    code            text NOT NULL CHECK (code ~ '^[a-z0-9_]{1,40}$'),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    source          text NOT NULL DEFAULT '' CHECK (length(source) <= 300),
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (organisation_id, id),
    CHECK (code <> 'other' OR length(btrim(description)) > 0)
);
CREATE INDEX case_causes_case_idx ON case_causes (case_id, id);
-- A cause is recorded once per case; "other" may be several findings.
CREATE UNIQUE INDEX case_causes_once ON case_causes (case_id, code) WHERE code <> 'other';

-- Plan items are the case's prevention measures; one built from a cause
-- names the cause and the catalogue measure it addresses. One item per
-- catalogue measure and case, so building the plan twice (or twice at
-- once) proposes nothing twice.
ALTER TABLE prevention_measures
    ADD COLUMN cause_code       text CHECK (cause_code ~ '^[a-z0-9_]{1,40}$'),
    ADD COLUMN security_measure text CHECK (security_measure ~ '^[a-z0-9_]{1,40}$');
CREATE UNIQUE INDEX prevention_measures_security_once ON prevention_measures (case_id, security_measure)
    WHERE security_measure IS NOT NULL;

-- An approved plan is a numbered, frozen version: what the PPC final
-- report, the acquirer report and the public notice show, never the live
-- list. The approval names the content hash (SHA-256, hex) of the items
-- the approver was shown; the row never changes afterwards.
CREATE TABLE prevention_plan_versions (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    version         integer NOT NULL CHECK (version >= 1),
    items           jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array' AND jsonb_array_length(items) BETWEEN 1 AND 200),
    content_sha256  text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
    approved_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    approved_at     timestamptz NOT NULL,
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (case_id, version)
);

CREATE FUNCTION prevention_plan_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (OLD.organisation_id, OLD.case_id, OLD.version, OLD.items, OLD.content_sha256, OLD.approved_at)
       IS DISTINCT FROM
       (NEW.organisation_id, NEW.case_id, NEW.version, NEW.items, NEW.content_sha256, NEW.approved_at) THEN
        RAISE EXCEPTION 'prevention plan version % of case % is approved and cannot change', OLD.version, OLD.case_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER prevention_plan_versions_frozen BEFORE UPDATE ON prevention_plan_versions FOR EACH ROW
    EXECUTE FUNCTION prevention_plan_versions_frozen();

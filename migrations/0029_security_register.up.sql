-- Security measures register (issue 24): where each measure of the
-- catalogue (app/security, Go data) stands in an organisation. A measure
-- never assessed has no row. Measure ids are the catalogue's stable ids;
-- the catalogue, not this schema, knows which exist.
CREATE TABLE security_measures (
    organisation_id   bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    measure_id        text NOT NULL CHECK (measure_id ~ '^[a-z0-9_]{1,40}$'),
    status            text NOT NULL CHECK (status IN ('unassessed', 'in_place', 'partial', 'not_in_place', 'not_applicable')),
    -- why a measure does not apply, or the alternative / plan where it is
    -- partial or missing (the declaration's 代替策 column)
    reason            text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    note              text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    owner_id          bigint REFERENCES users (id) ON DELETE SET NULL,
    last_checked_on   date,
    next_review_on    date,
    catalogue_version text NOT NULL,
    updated_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (organisation_id, measure_id),
    CHECK (status <> 'not_applicable' OR length(btrim(reason)) > 0),
    CHECK (next_review_on IS NULL OR last_checked_on IS NULL OR next_review_on >= last_checked_on)
);
CREATE INDEX security_measures_review_idx ON security_measures (next_review_on) WHERE next_review_on IS NOT NULL;

-- Evidence for a measure: items of the organisation's evidence register
-- (of any of its cases). The composite keys keep both sides in one
-- organisation whatever the service does.
CREATE TABLE security_measure_evidence (
    organisation_id bigint NOT NULL,
    measure_id      text NOT NULL,
    evidence_id     bigint NOT NULL,
    PRIMARY KEY (organisation_id, measure_id, evidence_id),
    FOREIGN KEY (organisation_id, measure_id) REFERENCES security_measures (organisation_id, measure_id) ON DELETE CASCADE,
    FOREIGN KEY (organisation_id, evidence_id) REFERENCES evidence (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX security_measure_evidence_item_idx ON security_measure_evidence (evidence_id);

-- One reminder per measure and due date: the periodic job inserts here
-- first and notifies only when the row is new, so runs repeat safely.
CREATE TABLE security_review_reminders (
    organisation_id bigint NOT NULL,
    measure_id      text NOT NULL,
    due_on          date NOT NULL,
    sent_at         timestamptz NOT NULL,
    PRIMARY KEY (organisation_id, measure_id, due_on),
    FOREIGN KEY (organisation_id, measure_id) REFERENCES security_measures (organisation_id, measure_id) ON DELETE CASCADE
);

-- Each checklist declaration handed out (PDF or CSV), for the operator's
-- "last declared" column.
CREATE TABLE security_declarations (
    id                bigserial PRIMARY KEY,
    organisation_id   bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    catalogue_version text NOT NULL,
    format            text NOT NULL CHECK (format IN ('pdf', 'csv')),
    lang              text NOT NULL CHECK (lang IN ('ja', 'en')),
    made_by           bigint REFERENCES users (id) ON DELETE SET NULL,
    made_at           timestamptz NOT NULL
);
CREATE INDEX security_declarations_org_idx ON security_declarations (organisation_id, made_at DESC);

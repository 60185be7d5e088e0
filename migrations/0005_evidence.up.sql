-- Evidence register: files kept in the database (never at a client-chosen
-- path), their SHA-256, and the chain of custody.
CREATE TABLE evidence (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    content_type    text NOT NULL,
    size_bytes      bigint NOT NULL CHECK (size_bytes >= 0),
    sha256          bytea NOT NULL,
    description     text NOT NULL DEFAULT '',
    data            bytea NOT NULL,
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (organisation_id, id)
);
CREATE INDEX evidence_case_idx ON evidence (case_id, id);

CREATE TABLE custody_events (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    evidence_id     bigint NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('collected', 'transferred', 'analysed', 'returned')),
    occurred_at     timestamptz NOT NULL,
    handler         text NOT NULL CHECK (length(handler) BETWEEN 1 AND 200),
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    recorded_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, evidence_id) REFERENCES evidence (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX custody_events_evidence_idx ON custody_events (evidence_id, occurred_at, id);

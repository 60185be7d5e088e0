-- Generated documents (report drafts, letters): every version is a row with
-- its PDF and SHA-256; the free-text fields legal staff edit are kept with
-- it. Organisations may override a template (versioned).
CREATE TABLE documents (
    id               bigserial PRIMARY KEY,
    organisation_id  bigint NOT NULL,
    case_id          bigint NOT NULL,
    kind             text NOT NULL,
    lang             text NOT NULL CHECK (lang IN ('ja', 'en')),
    version          integer NOT NULL,
    template_version text NOT NULL DEFAULT '',
    status           text NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'draft', 'approved', 'submitted', 'failed')),
    fields           jsonb NOT NULL DEFAULT '{}',
    -- the template's output (block grammar) the PDF was rendered from, so
    -- approval re-renders exactly what legal read, without the DRAFT mark
    composed         text NOT NULL DEFAULT '',
    pdf              bytea,
    sha256           bytea,
    error            text NOT NULL DEFAULT '',
    generated_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    approved_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    approved_at      timestamptz,
    submitted_at     timestamptz,
    rendered_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (case_id, kind, lang, version),
    UNIQUE (organisation_id, id),
    CHECK (status <> 'approved' OR approved_at IS NOT NULL)
);
CREATE INDEX documents_case_idx ON documents (case_id, kind, lang, version DESC);

CREATE TABLE template_overrides (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind            text NOT NULL,
    lang            text NOT NULL CHECK (lang IN ('ja', 'en')),
    version         integer NOT NULL,
    body            text NOT NULL,
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, kind, lang, version)
);

-- Public notices (お詫びとお知らせ) with versions and two approvals, and
-- the recurrence-prevention measures they report on.
CREATE TABLE notices (
    id                bigserial PRIMARY KEY,
    organisation_id   bigint NOT NULL,
    case_id           bigint NOT NULL,
    slug              text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{2,80}$'),
    status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'unpublished')),
    published_version integer,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (organisation_id, id)
);

CREATE TABLE notice_versions (
    id                 bigserial PRIMARY KEY,
    organisation_id    bigint NOT NULL,
    notice_id          bigint NOT NULL,
    version            integer NOT NULL,
    title_ja           text NOT NULL,
    title_en           text NOT NULL DEFAULT '',
    sections           jsonb NOT NULL,
    update_line_ja     text NOT NULL DEFAULT '',
    update_line_en     text NOT NULL DEFAULT '',
    created_by         bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    legal_approved_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    legal_approved_at  timestamptz,
    owner_approved_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    owner_approved_at  timestamptz,
    published_at       timestamptz,
    pdf_ja             bytea,
    pdf_en             bytea,
    sha256_ja          bytea,
    sha256_en          bytea,
    FOREIGN KEY (organisation_id, notice_id) REFERENCES notices (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (notice_id, version)
);

CREATE TABLE prevention_measures (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    title_ja        text NOT NULL CHECK (length(title_ja) BETWEEN 1 AND 500),
    title_en        text NOT NULL DEFAULT '',
    owner_id        bigint REFERENCES users (id) ON DELETE SET NULL,
    target_date     date,
    status          text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done')),
    task_id         bigint REFERENCES tasks (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (organisation_id, id)
);
CREATE INDEX prevention_measures_case_idx ON prevention_measures (case_id, id);

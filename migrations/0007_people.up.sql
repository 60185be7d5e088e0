-- Affected persons of a case and the CSV imports that load them. No column
-- ever holds a full card number: imports mask every cell before storing
-- anything, and a person keeps only the card brand and last four digits.
CREATE TABLE imports (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    encoding        text NOT NULL,
    mode            text NOT NULL CHECK (mode IN ('partial', 'all_or_nothing')),
    -- the resolved column → field mapping: [{column, header, field}]
    mapping         jsonb NOT NULL DEFAULT '[]',
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'done', 'rejected', 'failed')),
    rows_total      bigint NOT NULL DEFAULT 0,
    -- checkpoint: data rows whose chunk has committed; a retried job
    -- resumes after it
    rows_done       bigint NOT NULL DEFAULT 0,
    rows_imported   bigint NOT NULL DEFAULT 0,
    rows_merged     bigint NOT NULL DEFAULT 0,
    rows_invalid    bigint NOT NULL DEFAULT 0,
    pans_masked     bigint NOT NULL DEFAULT 0,
    -- the first 1,000 problems: [{line, field, reason[, warning]}]
    errors          jsonb NOT NULL DEFAULT '[]',
    error           text NOT NULL DEFAULT '',
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (organisation_id, id)
);
CREATE INDEX imports_case_idx ON imports (case_id, id);

-- The uploaded file, already masked and re-encoded as UTF-8, kept until the
-- import job has processed it. It is split into pieces of a few MiB so that
-- neither the upload nor the job ever holds the whole file in memory.
CREATE TABLE import_files (
    import_id bigint NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    seq       integer NOT NULL,
    data      bytea NOT NULL,
    PRIMARY KEY (import_id, seq)
);

CREATE TABLE people (
    id                 bigserial PRIMARY KEY,
    organisation_id    bigint NOT NULL,
    case_id            bigint NOT NULL,
    customer_id        text NOT NULL DEFAULT '',
    name               text NOT NULL DEFAULT '',
    name_kana          text NOT NULL DEFAULT '',
    postal_code        text NOT NULL DEFAULT '',
    address            text NOT NULL DEFAULT '',
    email              text NOT NULL DEFAULT '' CHECK (email = lower(email)),
    phone              text NOT NULL DEFAULT '',
    language           text NOT NULL DEFAULT 'ja' CHECK (language IN ('ja', 'en')),
    residency          text NOT NULL DEFAULT '',
    data_items         text[] NOT NULL DEFAULT '{}',
    card_brand         text NOT NULL DEFAULT '',
    card_last4         text NOT NULL DEFAULT '' CHECK (card_last4 ~ '^[0-9]{0,4}$'),
    -- columns of the import that map to no field, masked like every cell
    extra              jsonb NOT NULL DEFAULT '{}',
    notified_email_at  timestamptz,
    notified_letter_at timestamptz,
    email_status       text NOT NULL DEFAULT '',
    bounce_reason      text NOT NULL DEFAULT '',
    -- the import that brought the person in. No foreign key: imports go
    -- only with their case (which takes its people along), and a key check
    -- per row would cost bulk loading a good part of its speed.
    import_id          bigint,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    CHECK (name <> '' OR email <> ''),
    UNIQUE (organisation_id, id)
);
CREATE INDEX people_case_idx ON people (case_id, id);
-- Imports merge duplicates by e-mail, else by customer id.
CREATE UNIQUE INDEX people_case_email_idx ON people (case_id, lower(email)) WHERE email <> '';
CREATE UNIQUE INDEX people_case_customer_idx ON people (case_id, customer_id) WHERE customer_id <> '';

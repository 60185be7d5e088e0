-- Letter batches: the notice to a set of persons, by e-mail or as
-- print-ready PDFs. One row per (batch, person) so each letter exists
-- exactly once; its state records delivery.
CREATE TABLE letter_batches (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    -- the approved customer letter whose text every letter carries
    document_id     bigint NOT NULL,
    lang            text NOT NULL CHECK (lang IN ('ja', 'en')),
    channel         text NOT NULL CHECK (channel IN ('email', 'print')),
    attach_pdf      boolean NOT NULL DEFAULT false,
    selection       text NOT NULL CHECK (selection IN ('all', 'not_notified', 'search')),
    search          text NOT NULL DEFAULT '',
    same_language   boolean NOT NULL DEFAULT false,
    chunk_size      integer NOT NULL CHECK (chunk_size > 0),
    -- chunks grows when bounced e-mails are moved to a new print chunk
    chunks          integer NOT NULL DEFAULT 0,
    total           integer NOT NULL DEFAULT 0,
    status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organisation_id, document_id) REFERENCES documents (organisation_id, id),
    UNIQUE (organisation_id, id)
);
CREATE INDEX letter_batches_case_idx ON letter_batches (case_id, id);

-- Print output: one PDF per chunk and pass, many letters per file.
CREATE TABLE letter_files (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    batch_id        bigint NOT NULL,
    chunk           integer NOT NULL,
    letters         integer NOT NULL,
    pdf             bytea NOT NULL,
    sha256          bytea NOT NULL,
    -- when staff confirmed the letters of this file were posted
    posted_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, batch_id) REFERENCES letter_batches (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (organisation_id, id)
);
-- PDFs are compressed already: storing them uncompressed saves the
-- database the CPU of trying (it competes with rendering on small hosts).
ALTER TABLE letter_files ALTER COLUMN pdf SET STORAGE EXTERNAL;
CREATE INDEX letter_files_batch_idx ON letter_files (batch_id, chunk, id);

CREATE TABLE letters (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    batch_id        bigint NOT NULL,
    person_id       bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    chunk           integer NOT NULL,
    -- channel of this letter: a person an e-mail cannot reach gets print
    channel         text NOT NULL CHECK (channel IN ('email', 'print')),
    -- true when an e-mail was refused, bounced or impossible and the
    -- letter went to print instead
    fallback        boolean NOT NULL DEFAULT false,
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'printed', 'failed', 'no_address')),
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    file_id         bigint REFERENCES letter_files (id) ON DELETE SET NULL,
    bounced_at      timestamptz,
    FOREIGN KEY (organisation_id, batch_id) REFERENCES letter_batches (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (batch_id, person_id)
);
CREATE INDEX letters_chunk_idx ON letters (batch_id, chunk, state, id);
CREATE INDEX letters_person_idx ON letters (person_id);

-- Orders exported from the shop system and the CSV imports that load them.
-- Scoping works out the affected persons from these: who paid by card
-- inside an exposure window. Like people, no column ever holds a full card
-- number: every cell is masked before anything stores or reads it, and an
-- order keeps only the card brand and last four digits.
CREATE TABLE order_imports (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    -- the shop-system preset the mapping started from (eccube4, shopify, ...)
    preset          text NOT NULL DEFAULT 'generic',
    encoding        text NOT NULL,
    mode            text NOT NULL DEFAULT 'partial' CHECK (mode IN ('partial', 'all_or_nothing')),
    -- the resolved mapping: {fields: [{field, column, header}], card_patterns: [...], ...}
    mapping         jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'done', 'rejected', 'failed')),
    rows_total      bigint NOT NULL DEFAULT 0,
    -- checkpoint: data rows whose chunk has committed; a retried job
    -- resumes after it
    rows_done       bigint NOT NULL DEFAULT 0,
    orders_imported bigint NOT NULL DEFAULT 0,
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
CREATE INDEX order_imports_case_idx ON order_imports (case_id, id);

-- The uploaded file, already masked and re-encoded as UTF-8, kept until the
-- import job has processed it, in pieces of a few MiB (see import_files).
CREATE TABLE order_import_files (
    import_id bigint NOT NULL REFERENCES order_imports (id) ON DELETE CASCADE,
    seq       integer NOT NULL,
    data      bytea NOT NULL,
    PRIMARY KEY (import_id, seq)
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE order_import_files ALTER COLUMN data SET COMPRESSION lz4;
    END IF;
END $$;

-- One order of the shop (item rows of the export merged). The case is
-- reached through the import (deleting a case takes its imports and their
-- orders along); no per-row key check on the case, which would cost bulk
-- loading (see 0012).
CREATE TABLE orders (
    id               bigserial PRIMARY KEY,
    organisation_id  bigint NOT NULL,
    case_id          bigint NOT NULL,
    import_id        bigint REFERENCES order_imports (id) ON DELETE CASCADE,
    -- the first CSV line of the order in its import
    line             bigint NOT NULL DEFAULT 0,
    order_no         text NOT NULL CHECK (order_no <> ''),
    ordered_at       timestamptz NOT NULL,
    -- as written in the export
    payment_method   text NOT NULL DEFAULT '',
    card_payment     boolean NOT NULL,
    card_brand       text NOT NULL DEFAULT '',
    card_last4       text NOT NULL DEFAULT '' CHECK (card_last4 ~ '^[0-9]{0,4}$'),
    -- the shop's member id; '' for guests
    customer_id      text NOT NULL DEFAULT '',
    email            text NOT NULL DEFAULT '',
    name             text NOT NULL DEFAULT '',
    name_kana        text NOT NULL DEFAULT '',
    postal_code      text NOT NULL DEFAULT '',
    address          text NOT NULL DEFAULT '',
    phone            text NOT NULL DEFAULT '',
    -- matching keys (app/orders EmailKey, NameAddressKey)
    email_key        text NOT NULL DEFAULT '',
    name_address_key text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_id, order_no)
);
CREATE INDEX orders_case_ordered_idx ON orders (case_id, ordered_at);
CREATE INDEX orders_import_idx ON orders (import_id);

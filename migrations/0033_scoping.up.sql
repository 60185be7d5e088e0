-- Forensic scoping (issue 25): the exposure windows a case's investigator
-- reports, and the scope runs that turn them and the case's orders into
-- affected persons.

-- Every change of a case's exposure windows stores the whole set as a new
-- version: a scope run and its approval name the exact version they were
-- computed from, and the history shows who changed what when.
CREATE TABLE exposure_window_versions (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    version         integer NOT NULL CHECK (version > 0),
    -- [{no, start, end, paths, data_items, source, confidence, note}]
    windows         jsonb NOT NULL DEFAULT '[]',
    -- what this version changed: added, edited or removed window no
    change          text NOT NULL CHECK (change IN ('added', 'edited', 'removed')),
    window_no       integer NOT NULL,
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (case_id, version)
);

-- One computation of the affected persons from one window version. The
-- counts are the run's summary; the persons and their orders are below.
CREATE TABLE scope_runs (
    id                bigserial PRIMARY KEY,
    organisation_id   bigint NOT NULL,
    case_id           bigint NOT NULL,
    window_version    integer NOT NULL,
    orders_matched    bigint NOT NULL DEFAULT 0,
    orders_unknown    bigint NOT NULL DEFAULT 0,
    persons_confirmed bigint NOT NULL DEFAULT 0,
    -- persons possibly affected: the confirmed ones and the others
    persons_upper_bound bigint NOT NULL DEFAULT 0,
    -- [{no, orders, persons, confirmed}], [{brand, persons, orders}], [{item, persons, confirmed}]
    by_window         jsonb NOT NULL DEFAULT '[]',
    by_brand          jsonb NOT NULL DEFAULT '[]',
    by_item           jsonb NOT NULL DEFAULT '[]',
    duration_ms       bigint NOT NULL DEFAULT 0,
    created_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    applied_at        timestamptz,
    applied_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    -- what applying did: {inserted, deleted, kept_notified, already_listed, without_contact}
    applied_result    jsonb,
    -- A run is computed by a job (scope_run): queued when asked for,
    -- running while a worker computes it, then done or failed (error
    -- says why, without personal data).
    -- The comparison with the run applied when it was last shown
    -- (diff_against; 0: none applied), kept so that a page view does not
    -- compare up to a million keys again.
    diff              jsonb,
    diff_against      bigint,
    status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    error             text NOT NULL DEFAULT '',
    started_at        timestamptz,
    finished_at       timestamptz,
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX scope_runs_case_idx ON scope_runs (case_id, id);
-- One run per case in the works at a time: a second would compute the
-- same thing again and race the first for the diff.
CREATE UNIQUE INDEX scope_runs_active_idx ON scope_runs (case_id) WHERE status IN ('queued', 'running');

-- The persons of a run: status confirmed (an order with a card payment in
-- a confirmed window) or possible (counted only in the upper bound).
-- Contact fields come from the person's latest order that names them.
CREATE TABLE scope_persons (
    run_id          bigint NOT NULL, -- a run's; see scope_runs_delete_rows
    person_no       integer NOT NULL,
    status          text NOT NULL CHECK (status IN ('confirmed', 'possible')),
    -- the person's first key (c:customer id, e:e-mail key, n:name+address
    -- key, o:order id), kept on the people row the person becomes
    key             text COLLATE "C" NOT NULL,
    customer_id     text NOT NULL DEFAULT '',
    name            text NOT NULL DEFAULT '',
    name_kana       text NOT NULL DEFAULT '',
    email           text NOT NULL DEFAULT '',
    phone           text NOT NULL DEFAULT '',
    postal_code     text NOT NULL DEFAULT '',
    address         text NOT NULL DEFAULT '',
    card_brand      text NOT NULL DEFAULT '',
    card_last4      text NOT NULL DEFAULT '',
    brands          text[] NOT NULL DEFAULT '{}',
    data_items      text[] NOT NULL DEFAULT '{}',
    -- bit i: an order in the i-th window of the run's version
    window_mask     integer NOT NULL DEFAULT 0,
    orders          integer NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, person_no)
);

-- Every matching key of every person of a run (a key belongs to exactly
-- one person): how two runs, and a run and the people list, recognise the
-- same person although the orders behind it changed. The key is kept as
-- its 64-bit hash (hashtextextended of the key text, 'c:…', 'e:…', 'n:…',
-- 'o:…'): a number per key is what makes writing a million orders' keys
-- cheap. The merge itself compares the keys exactly; only recognising a
-- person across runs uses the hash, where two of a case's keys sharing one
-- (odds of about 1 in 10^7 at a million keys) would take two persons for
-- one in a diff.
CREATE TABLE scope_person_keys (
    run_id    bigint NOT NULL, -- a run's; see scope_runs_delete_rows
    key_hash  bigint NOT NULL,
    person_no integer NOT NULL,
    PRIMARY KEY (run_id, key_hash)
);

-- The orders behind each person. No key on orders: a run keeps its result
-- even when the orders are imported again.
CREATE TABLE scope_orders (
    run_id     bigint NOT NULL, -- a run's; see scope_runs_delete_rows
    person_no  integer NOT NULL,
    order_id   bigint NOT NULL,
    -- bit i: inside the i-th window of the run's version
    window_mask integer NOT NULL,
    -- a card payment in a confirmed window
    confirmed  boolean NOT NULL,
    -- the export did not say how the order was paid
    card_unknown boolean NOT NULL,
    PRIMARY KEY (run_id, person_no, order_id)
);

-- The rows of a run go with it, whichever way it is deleted (pruned, or
-- with its case or organisation). A statement trigger does it instead of
-- a foreign key on each of the three tables: a run writes a row per
-- matching order, person and key, and a foreign key checks each of them
-- on its own (about a third of a run's time at a million orders). Only a
-- run's job writes its rows, in the transaction that holds the run's row
-- locked, so a row never names a run that is not there.
CREATE FUNCTION scope_runs_delete_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM scope_orders WHERE run_id IN (SELECT id FROM gone);
    DELETE FROM scope_person_keys WHERE run_id IN (SELECT id FROM gone);
    DELETE FROM scope_persons WHERE run_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$;
CREATE TRIGGER scope_runs_delete_rows AFTER DELETE ON scope_runs
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION scope_runs_delete_rows();

-- Persons a scope put on the people list carry the run and their key, so
-- that the next applied scope replaces them and leaves the others alone.
ALTER TABLE people
    ADD COLUMN scope_run_id bigint,
    ADD COLUMN scope_key    text COLLATE "C";
CREATE INDEX people_scope_idx ON people (case_id, scope_key) WHERE scope_key IS NOT NULL;

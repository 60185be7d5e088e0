-- Assessments (versioned facts), the obligations computed from them, the
-- history of every recomputation, deadline reminders and in-app notices.
CREATE TABLE assessments (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    version         integer NOT NULL,
    facts           jsonb NOT NULL,
    note            text NOT NULL DEFAULT '',
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (case_id, version)
);

CREATE TABLE obligations (
    id                  bigserial PRIMARY KEY,
    organisation_id     bigint NOT NULL,
    case_id             bigint NOT NULL,
    rule_id             text NOT NULL,
    jurisdiction        text NOT NULL,
    -- the computed obligation as the engine returned it (recipient, basis,
    -- content items, explanation, sources), for display and documents
    computed            jsonb NOT NULL,
    window_start        timestamptz,
    due_at              timestamptz,
    target_at           timestamptz,
    guideline           boolean NOT NULL DEFAULT false,
    provisional         boolean NOT NULL DEFAULT false,
    -- false when the latest facts no longer call for it (kept for history)
    applicable          boolean NOT NULL DEFAULT true,
    status              text NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'drafted', 'approved', 'submitted', 'waived')),
    submitted_at        timestamptz,
    recipient_reference text NOT NULL DEFAULT '',
    waive_reason        text NOT NULL DEFAULT '',
    decided_by          bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (case_id, rule_id),
    UNIQUE (organisation_id, id),
    CHECK (status <> 'waived' OR waive_reason <> ''),
    CHECK (status <> 'submitted' OR submitted_at IS NOT NULL)
);
CREATE INDEX obligations_due_idx ON obligations (organisation_id, due_at) WHERE applicable AND status IN ('pending', 'drafted', 'approved');

-- One row per recomputation: which assessment version, what changed.
CREATE TABLE obligation_changes (
    id                 bigserial PRIMARY KEY,
    organisation_id    bigint NOT NULL,
    case_id            bigint NOT NULL,
    assessment_version integer NOT NULL,
    changes            jsonb NOT NULL,
    needs_review       jsonb NOT NULL DEFAULT '[]',
    created_at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX obligation_changes_case_idx ON obligation_changes (case_id, id);

-- A scheduled reminder: one River job per (obligation, threshold, time).
CREATE TABLE reminders (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    obligation_id   bigint NOT NULL,
    threshold       text NOT NULL CHECK (threshold IN ('warn', 'day_before', 'due', 'overdue')),
    fire_at         timestamptz NOT NULL,
    job_id          bigint,
    state           text NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'cancelled', 'sent')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, obligation_id) REFERENCES obligations (organisation_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX reminders_live_key ON reminders (obligation_id, threshold) WHERE state = 'scheduled';

CREATE TABLE notifications (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    case_id         bigint,
    reminder_id     bigint REFERENCES reminders (id) ON DELETE SET NULL,
    title           text NOT NULL,
    body            text NOT NULL DEFAULT '',
    link            text NOT NULL DEFAULT '',
    emailed_at      timestamptz,
    read_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (reminder_id, user_id)
);
CREATE INDEX notifications_unread_idx ON notifications (user_id, organisation_id) WHERE read_at IS NULL;

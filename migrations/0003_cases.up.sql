-- Cases, their tasks (seeded from a playbook), comments and the timeline.
CREATE TABLE case_counters (
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    year            integer NOT NULL,
    last            integer NOT NULL,
    PRIMARY KEY (organisation_id, year)
);

CREATE TABLE cases (
    id               bigserial PRIMARY KEY,
    organisation_id  bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    reference        text NOT NULL,
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary          text NOT NULL DEFAULT '',
    aware_at         timestamptz NOT NULL,
    occurred_from    timestamptz,
    occurred_to      timestamptz,
    incident_type    text NOT NULL,
    playbook         text NOT NULL,
    playbook_version integer NOT NULL,
    phase            text NOT NULL DEFAULT 'triage'
                     CHECK (phase IN ('triage', 'containment', 'investigation', 'notification', 'publication', 'recovery', 'closed')),
    severity         text NOT NULL DEFAULT 'high' CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    owner_id         bigint REFERENCES users (id) ON DELETE SET NULL,
    closed_at        timestamptz,
    created_by       bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, reference),
    UNIQUE (organisation_id, id)
);
CREATE INDEX cases_open_idx ON cases (organisation_id, phase) WHERE closed_at IS NULL;

CREATE TABLE tasks (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    phase           text NOT NULL,
    position        integer NOT NULL,
    key             text NOT NULL DEFAULT '',
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description     text NOT NULL DEFAULT '',
    assignee_id     bigint REFERENCES users (id) ON DELETE SET NULL,
    due_at          timestamptz,
    status          text NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'doing', 'done', 'skipped')),
    skip_reason     text NOT NULL DEFAULT '',
    completed_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    CHECK (status <> 'skipped' OR skip_reason <> ''),
    UNIQUE (organisation_id, id)
);
CREATE INDEX tasks_case_idx ON tasks (case_id, phase, position);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id) WHERE status IN ('todo', 'doing');

CREATE TABLE task_comments (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    task_id         bigint NOT NULL,
    author_id       bigint REFERENCES users (id) ON DELETE SET NULL,
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, task_id) REFERENCES tasks (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX task_comments_task_idx ON task_comments (task_id, id);

-- Timeline: automatic entries for every change and manual ones. occurred_at
-- is when it happened, which may be long before it was written down.
CREATE TABLE timeline_entries (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    occurred_at     timestamptz NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('auto', 'manual')),
    action          text NOT NULL DEFAULT '',
    summary         text NOT NULL CHECK (length(summary) BETWEEN 1 AND 5000),
    actor_id        bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX timeline_case_idx ON timeline_entries (case_id, occurred_at, id);

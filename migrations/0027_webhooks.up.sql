-- Outbound webhooks (issue 23, item 2): an organisation's HTTPS
-- endpoints, one delivery per event and endpoint, and every attempt of a
-- delivery, so the settings page shows what was sent, when, and what the
-- receiver answered.
CREATE TABLE webhook_endpoints (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    url             text NOT NULL CHECK (length(url) BETWEEN 9 AND 2000 AND url LIKE 'https://%'),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    events          text[] NOT NULL DEFAULT '{}',
    format          text NOT NULL DEFAULT 'standard' CHECK (format IN ('standard', 'slack', 'teams')),
    -- The language of chat messages (Slack, Teams).
    language        text NOT NULL DEFAULT 'ja' CHECK (language IN ('ja', 'en')),
    -- The signing secret, sealed with the server's secret key (AES-GCM):
    -- it must be recoverable to sign, so it cannot be hashed.
    secret          bytea NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (organisation_id) WHERE active;

CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    endpoint_id     bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event           text NOT NULL,
    -- The event's data as emitted: ids, references and rule ids, never
    -- personal data.
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC);

CREATE TABLE webhook_attempts (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    delivery_id     bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt         integer NOT NULL,
    at              timestamptz NOT NULL,
    ok              boolean NOT NULL,
    status_code     integer NOT NULL DEFAULT 0,
    latency_ms      integer NOT NULL DEFAULT 0,
    error           text NOT NULL DEFAULT '' CHECK (length(error) <= 500),
    response        text NOT NULL DEFAULT '' CHECK (length(response) <= 1000)
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);

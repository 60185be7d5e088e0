-- Organisations (tenants), users, memberships, sessions, API tokens.
CREATE TABLE organisations (
    id               bigserial PRIMARY KEY,
    slug             text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    legal_name       text NOT NULL DEFAULT '',
    corporate_number text NOT NULL DEFAULT '' CHECK (corporate_number = '' OR corporate_number ~ '^[0-9]{13}$'),
    address          text NOT NULL DEFAULT '',
    representative   text NOT NULL DEFAULT '',
    contact_desk     text NOT NULL DEFAULT '',
    acquirer_name    text NOT NULL DEFAULT '',
    psp_name         text NOT NULL DEFAULT '',
    card_brands      text[] NOT NULL DEFAULT '{}',
    timezone         text NOT NULL DEFAULT 'Asia/Tokyo',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    email           text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    password_hash   text NOT NULL,
    language        text NOT NULL DEFAULT '' CHECK (language IN ('', 'ja', 'en')),
    is_operator     boolean NOT NULL DEFAULT false,
    totp_secret_enc bytea,
    totp_enabled_at timestamptz,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE memberships (
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    role            text NOT NULL CHECK (role IN ('owner', 'manager', 'responder', 'legal', 'viewer')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_organisation_idx ON memberships (organisation_id);

CREATE TABLE recovery_codes (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id);

-- Server-side sessions: the cookie carries a random token, the table keeps
-- only its SHA-256, so a leaked table cannot be replayed as cookies.
CREATE TABLE sessions (
    id_hash         bytea PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id bigint REFERENCES organisations (id) ON DELETE SET NULL,
    csrf_token      text NOT NULL,
    mfa_pending     boolean NOT NULL DEFAULT false,
    ip              text NOT NULL DEFAULT '',
    user_agent      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
    id              bigserial PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            text NOT NULL DEFAULT '',
    prefix          text NOT NULL,
    token_hash      bytea NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX api_tokens_org_idx ON api_tokens (organisation_id);

-- Every login attempt, for throttling per account and per client address.
CREATE TABLE login_attempts (
    id         bigserial PRIMARY KEY,
    email      text NOT NULL,
    ip         text NOT NULL,
    succeeded  boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, created_at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, created_at);

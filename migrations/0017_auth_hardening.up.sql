-- Accounts after the attack review (issue 17).

-- A TOTP code opens one login only: the last 30-second step a code was
-- accepted for; a code of that step or an earlier one is refused.
ALTER TABLE users ADD COLUMN totp_last_step bigint;

-- API tokens expire and carry a scope: "read" tokens may only read.
-- Tokens issued before this had neither: they keep working for 90 days
-- from the upgrade with the scope they had in effect (everything).
ALTER TABLE api_tokens ADD COLUMN scope text NOT NULL DEFAULT 'write' CHECK (scope IN ('read', 'write'));
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;
UPDATE api_tokens SET expires_at = greatest(created_at, now()) + interval '90 days';
ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL;
ALTER TABLE api_tokens ALTER COLUMN scope DROP DEFAULT;

-- An owner invites an address into the organisation; the person joins
-- only by accepting it while signed in. The owner never learns whether
-- the address already had an account.
CREATE TABLE invitations (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email           text NOT NULL,
    role            text NOT NULL CHECK (role IN ('owner', 'manager', 'responder', 'legal', 'viewer')),
    invited_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    answered_at     timestamptz,
    accepted        boolean
);
-- One open invitation per address and organisation: inviting again
-- replaces the role and the expiry.
CREATE UNIQUE INDEX invitations_open_idx ON invitations (organisation_id, email) WHERE answered_at IS NULL;
CREATE INDEX invitations_email_idx ON invitations (email) WHERE answered_at IS NULL;

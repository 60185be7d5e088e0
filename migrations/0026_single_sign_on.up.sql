-- Single sign-on (OpenID Connect). An owner may turn local passwords off
-- for their organisation once its people sign in through the company's
-- identity provider; on by default so small shops keep working.
ALTER TABLE organisations ADD COLUMN password_login boolean NOT NULL DEFAULT true;

-- The identity provider's account an OIDC login bound this user to
-- ("issuer subject"): an address later reassigned at the provider to
-- someone else does not open the first person's account.
ALTER TABLE users ADD COLUMN oidc_subject text;
-- Whether a session was opened by single sign-on: a password session may
-- not enter an organisation that turned passwords off.
ALTER TABLE sessions ADD COLUMN via_sso boolean NOT NULL DEFAULT false;

CREATE UNIQUE INDEX users_oidc_subject_key ON users (oidc_subject) WHERE oidc_subject IS NOT NULL;

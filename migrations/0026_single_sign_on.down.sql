ALTER TABLE sessions DROP COLUMN IF EXISTS via_sso;
DROP INDEX IF EXISTS users_oidc_subject_key;
ALTER TABLE users DROP COLUMN IF EXISTS oidc_subject;
ALTER TABLE organisations DROP COLUMN IF EXISTS password_login;

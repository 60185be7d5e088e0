DROP TABLE invitations;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE api_tokens DROP COLUMN scope;
ALTER TABLE users DROP COLUMN totp_last_step;

DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE recovery_codes;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE organisations;

-- Append-only, hash-chained audit log. Each row stores the SHA-256 of the
-- previous row (prev_hash) and its own hash over its content and prev_hash,
-- so editing or deleting any row breaks the chain at that point.
-- details is text, not jsonb: jsonb re-serialises and would change the bytes
-- the hash was computed over.
CREATE TABLE audit_log (
    seq             bigint PRIMARY KEY,
    occurred_at     timestamptz NOT NULL,
    actor_user_id   bigint,
    actor           text NOT NULL,
    organisation_id bigint,
    action          text NOT NULL,
    target_type     text NOT NULL DEFAULT '',
    target_id       text NOT NULL DEFAULT '',
    ip              text NOT NULL DEFAULT '',
    details         text NOT NULL DEFAULT '{}',
    prev_hash       bytea NOT NULL,
    hash            bytea NOT NULL
);
CREATE INDEX audit_log_org_idx ON audit_log (organisation_id, seq);

-- The head of the chain, updated with every append, so that deleting the
-- newest rows is detected too.
CREATE TABLE audit_head (
    id       integer PRIMARY KEY CHECK (id = 1),
    last_seq bigint NOT NULL,
    last_hash bytea NOT NULL
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

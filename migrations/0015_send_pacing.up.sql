-- The SMTP rate limit (BREACHDESK_SMTP_RATE) holds for all worker
-- processes together: each reserves its next few send times here, one
-- row per limited destination, so the times of all processes never come
-- closer than the limit allows (letters/pacing.go).
CREATE TABLE send_pacing (
    name    text PRIMARY KEY,
    next_at timestamptz NOT NULL
);

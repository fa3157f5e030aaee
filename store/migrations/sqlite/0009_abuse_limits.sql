-- Abuse limits (domain::abuse): one counter per key and fixed window, raised by one atomic upsert,
-- so every server instance counts the same tries and a burst of parallel tries gets no more than the
-- maximum. Old windows are deleted now and then.
CREATE TABLE limit_counters (
    key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX limit_counters_window ON limit_counters (window_start);
-- Staff sign-in: an admin-issued password must be changed at first sign-in; a reset, a disable or a
-- password change ends every session of the account (sessions carry the generation they began in).
ALTER TABLE staff_users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff_users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
-- Browsers where an account signed in before: their tries are not held back by other addresses' failures.
CREATE TABLE staff_devices (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES staff_users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX staff_devices_user ON staff_devices (user_id);
-- Live claims per donor contact (a limit: one person cannot hold every published wish).
CREATE INDEX wish_claims_contact ON wish_claims (donor_contact, status);

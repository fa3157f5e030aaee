-- Staff accounts, their sessions (tower-sessions records as JSON), sign-in failures for rate limits,
-- the staff member who took an item, and who did what in the audit log.
CREATE TABLE staff_users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('town_staff', 'dispatcher', 'leader', 'admin')),
    town_slug TEXT REFERENCES towns(slug),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    last_sign_in_at INTEGER,
    CHECK (role <> 'town_staff' OR town_slug IS NOT NULL)
);
CREATE TABLE staff_sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_expiry ON staff_sessions (expires_at);
CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, at);
ALTER TABLE items ADD COLUMN assignee_id INTEGER REFERENCES staff_users(id);
CREATE INDEX items_assignee ON items (assignee_id);
CREATE INDEX items_acceptance_due ON items (acceptance_due_at);
ALTER TABLE audit_log ADD COLUMN user_id INTEGER REFERENCES staff_users(id);
CREATE INDEX audit_log_item ON audit_log (item_id, at);

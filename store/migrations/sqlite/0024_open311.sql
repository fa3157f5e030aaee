-- Issue 21: Open311 GeoReport v2. Keys that other systems post service requests with: issued and
-- revoked by admins; only a SHA-256 of the key is kept (the key is shown once), with its first
-- characters so an admin can tell keys apart.
CREATE TABLE open311_keys (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    key_hint TEXT NOT NULL,
    created_by INTEGER REFERENCES staff_users(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER,
    requests INTEGER NOT NULL DEFAULT 0
);
-- One row per request posted through Open311: the receipt token `tokens/{token}` answers, and the
-- key it came with.
CREATE TABLE open311_receipts (
    token TEXT PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    key_id INTEGER NOT NULL REFERENCES open311_keys(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX open311_receipts_item ON open311_receipts (item_id);

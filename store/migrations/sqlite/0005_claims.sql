-- Donors' claims of micro-wishes (认领). At most one live claim per wish: the partial unique index
-- decides a race between two donors inside the database, on both backends.
CREATE TABLE wish_claims (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    token TEXT NOT NULL UNIQUE,
    donor_kind TEXT NOT NULL,
    donor_name TEXT NOT NULL,
    donor_contact TEXT NOT NULL,
    thank_publicly INTEGER NOT NULL DEFAULT 0,
    lang TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    hold_until INTEGER NOT NULL,
    confirmed_at INTEGER,
    delivered_at INTEGER,
    received_at INTEGER,
    ended_at INTEGER
);
CREATE UNIQUE INDEX wish_claims_one_live ON wish_claims (item_id) WHERE status IN ('held', 'confirmed', 'delivered');
CREATE INDEX wish_claims_item ON wish_claims (item_id);
CREATE INDEX wish_claims_lapse ON wish_claims (hold_until) WHERE status IN ('held', 'confirmed');
CREATE INDEX items_wall ON items (status, submitted_at) WHERE kind = 'wish';

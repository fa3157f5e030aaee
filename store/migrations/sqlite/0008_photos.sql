-- Photos of deliveries, project milestones and inspections. The files live under PHOTO_DIR, named by
-- the token; they are re-encoded, so they carry no location or camera data.
CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    token TEXT NOT NULL UNIQUE,
    caption TEXT NOT NULL DEFAULT '',
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    staff_id BIGINT
);
CREATE INDEX photos_item ON photos (item_id, created_at);

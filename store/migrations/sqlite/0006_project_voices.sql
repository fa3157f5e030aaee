-- Residents' voices on micro-projects under public notice (公示): support, or an objection with a
-- reason. One voice per verified address and project (the unique key decides two tabs at once).
CREATE TABLE project_voices (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    voter TEXT NOT NULL,
    stance TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    client TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'zh-Hans',
    at INTEGER NOT NULL,
    UNIQUE (item_id, voter)
);
CREATE INDEX project_voices_client ON project_voices (client, at);
CREATE INDEX project_voices_voter ON project_voices (voter);
CREATE INDEX items_board ON items (status, town_slug) WHERE kind = 'project';

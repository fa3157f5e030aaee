-- Issue 19: the town budget table read every timeline event of the year (3–4 s over a million
-- items). A project's adoption and inspection are now kept on the item, written with their
-- `approve` / `complete` event, and read from one covering index.
ALTER TABLE items ADD COLUMN adopted_at INTEGER;
ALTER TABLE items ADD COLUMN inspected_at INTEGER;
UPDATE items SET
  adopted_at = (SELECT MIN(e.at) FROM item_events e WHERE e.item_id = items.id AND e.action = 'approve'),
  inspected_at = (SELECT MIN(e.at) FROM item_events e WHERE e.item_id = items.id AND e.action = 'complete')
WHERE kind = 'project';
-- Only projects are adopted, so the index needs no `kind`: a query naming `kind` would lead SQLite to
-- the (kind, …) index instead.
CREATE INDEX items_adopted ON items (adopted_at, town_slug, budget_yuan, inspected_at)
  WHERE adopted_at IS NOT NULL AND status <> 'withdrawn' AND budget_yuan IS NOT NULL;

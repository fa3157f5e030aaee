-- Issue 19: the 待签收 tab read each routed, unsigned item's row to see whether a return was pending
-- (0.4 s city-wide over a million items). Its partial index now holds exactly the tab's items, in
-- deadline order per town.
CREATE INDEX items_sign_waiting ON items (town_slug, next_due_at)
  WHERE status = 'routed' AND signed_at IS NULL AND return_pending_at IS NULL;

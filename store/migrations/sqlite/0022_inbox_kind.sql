-- Issue 19: the dispatcher's most common filter is the kind (微心愿 and 微实事 teams). Counting a tab
-- for one kind read each candidate item's row (0.3 s city-wide over a million items); with the kind in
-- the tabs' indexes the counts never leave them. The 回访 tab is listed oldest answer first, city-wide
-- through an index of its own.
DROP INDEX items_open_due;
CREATE INDEX items_open_due ON items (next_due_at, inbox_stage, kind) WHERE next_due_at IS NOT NULL;
DROP INDEX items_town_open_due;
CREATE INDEX items_town_open_due ON items (town_slug, next_due_at, inbox_stage, kind) WHERE next_due_at IS NOT NULL;
DROP INDEX items_sign_waiting;
CREATE INDEX items_sign_waiting ON items (town_slug, next_due_at, kind)
  WHERE status = 'routed' AND signed_at IS NULL AND return_pending_at IS NULL;
DROP INDEX items_callback_waiting;
CREATE INDEX items_callback_waiting ON items (town_slug, feedback_at, kind)
  WHERE status IN ('feedback_given', 'declined') AND rating IS NULL AND callback_at IS NULL;
CREATE INDEX items_callback_age ON items (feedback_at, kind)
  WHERE status IN ('feedback_given', 'declined') AND rating IS NULL AND callback_at IS NULL;

-- Work-order steps (issue 17): 督办 (a supervision notice the town answers by a deadline) and 回访 (the
-- town's callback after its answer, which may record the resident's rating by phone). Where a rating
-- came from is kept: ratings given before this column existed were all given online.
ALTER TABLE items ADD COLUMN supervised_at INTEGER;
ALTER TABLE items ADD COLUMN supervision_due_at INTEGER;
ALTER TABLE items ADD COLUMN supervision_answered_at INTEGER;
ALTER TABLE items ADD COLUMN supervision_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN callback_at INTEGER;
ALTER TABLE items ADD COLUMN callback_reached INTEGER;
ALTER TABLE items ADD COLUMN rating_source TEXT;
UPDATE items SET rating_source = 'online' WHERE rating IS NOT NULL;
-- The towns' 督办 tab and the 待回访 queue.
CREATE INDEX items_supervision_pending ON items (town_slug, supervision_due_at)
    WHERE supervised_at IS NOT NULL AND supervision_answered_at IS NULL;
CREATE INDEX items_callback_waiting ON items (town_slug, feedback_at)
    WHERE status IN ('feedback_given', 'declined') AND rating IS NULL AND callback_at IS NULL;

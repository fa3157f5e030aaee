-- 好差评 (issue 17): the national five levels, 整改 after a 差评, and 申诉.
-- 非常满意 and 非常不满意 join the three earlier levels, whose codes and meaning stay (satisfaction =
-- the top three ÷ all ratings). A 差评 (不满意, 非常不满意) opens a rectification with its deadline; the
-- town records it and the resident rates the fix. A town may appeal a 差评; an appeal the city upheld
-- leaves the rating out of satisfaction (and is counted).
ALTER TABLE items ADD COLUMN rectify_due_at INTEGER;
ALTER TABLE items ADD COLUMN rectified_at INTEGER;
ALTER TABLE items ADD COLUMN fix_rating TEXT;
ALTER TABLE items ADD COLUMN fix_rated_at INTEGER;
ALTER TABLE items ADD COLUMN appealed_at INTEGER;
ALTER TABLE items ADD COLUMN appeal_upheld INTEGER;
CREATE INDEX items_rectify_pending ON items (town_slug, rectify_due_at)
    WHERE rectify_due_at IS NOT NULL AND rectified_at IS NULL;
CREATE INDEX items_appeal_pending ON items (appealed_at) WHERE appealed_at IS NOT NULL AND appeal_upheld IS NULL;
-- The rollups count each level and the upheld appeals. They are derived data: emptied here, they are
-- rebuilt from the items at the server's next start (store::Db::ensure_rollups).
ALTER TABLE measure_rollups ADD COLUMN rated_very_satisfied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN rated_satisfied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN rated_basically_satisfied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN rated_unsatisfied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN rated_very_unsatisfied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN appeals_upheld INTEGER NOT NULL DEFAULT 0;
DELETE FROM measure_rollups;

-- The work-order measures (issue 17): 按时签收率, 退单率, 延期率, 回访率, 差评整改按时率 and 解决率 are kept in
-- the rollups with the other measures; their time-dependent parts (a sign-for or a rectification whose
-- deadline is still ahead) are counted from the partial indexes below. The rollups are derived data:
-- emptied here, they are rebuilt from the items at the server's next start (store::Db::ensure_rollups).
CREATE INDEX items_awaiting_sign ON items (sign_due_at) WHERE signed_at IS NULL;
CREATE INDEX items_awaiting_rectify ON items (rectify_due_at) WHERE rectified_at IS NULL;
ALTER TABLE measure_rollups ADD COLUMN sign_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN signed_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN routed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN returned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN extended INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN called_back INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN rectify_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN rectified_on_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measure_rollups ADD COLUMN resolved INTEGER NOT NULL DEFAULT 0;
DELETE FROM measure_rollups;

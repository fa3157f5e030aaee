-- The partial indexes of migration 0015 held every item not signed for / not rectified, including the
-- many that never have such a deadline (the city queue, items without a 差评): every insert wrote to
-- them. The queries ask for a deadline after now, which implies it is set, so the narrower indexes
-- serve them and hold only the items that wait.
DROP INDEX items_awaiting_sign;
DROP INDEX items_awaiting_rectify;
CREATE INDEX items_awaiting_sign ON items (sign_due_at) WHERE signed_at IS NULL AND sign_due_at IS NOT NULL;
CREATE INDEX items_awaiting_rectify ON items (rectify_due_at) WHERE rectified_at IS NULL AND rectify_due_at IS NOT NULL;

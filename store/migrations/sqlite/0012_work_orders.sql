-- Work-order steps (issue 17): 签收 (sign-for) and 退单 (return) windows set at each routing, a return
-- waiting for the city dispatcher, and 延期申请 (extension requests). Empty for items routed before:
-- they have no sign-for deadline to judge, and answering them still records the sign-for time.
ALTER TABLE items ADD COLUMN sign_due_at INTEGER;
ALTER TABLE items ADD COLUMN signed_at INTEGER;
ALTER TABLE items ADD COLUMN return_due_at INTEGER;
ALTER TABLE items ADD COLUMN return_pending_at INTEGER;
ALTER TABLE items ADD COLUMN return_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN extension_until INTEGER;
ALTER TABLE items ADD COLUMN extension_count INTEGER NOT NULL DEFAULT 0;
-- The dispatcher's queues: returns and extension requests waiting for a decision; the towns' 待签收.
CREATE INDEX items_return_pending ON items (return_pending_at) WHERE return_pending_at IS NOT NULL;
CREATE INDEX items_extension_pending ON items (extension_until) WHERE extension_until IS NOT NULL;
CREATE INDEX items_to_sign ON items (town_slug, sign_due_at) WHERE status = 'routed' AND signed_at IS NULL;

-- Measures: when a wish was first claimed and fulfilled, and exact rollups of the time-independent
-- parts of the measures per (month of submission, town, kind, category), kept in the same transaction
-- as every change of an item (see domain::kpi::Tally). The server fills the rollups from the items
-- on its first start after this migration.
ALTER TABLE items ADD COLUMN claimed_at INTEGER;
ALTER TABLE items ADD COLUMN fulfilled_at INTEGER;
UPDATE items SET claimed_at = (SELECT MIN(e.at) FROM item_events e WHERE e.item_id = items.id AND e.action = 'claim');
UPDATE items SET fulfilled_at = (SELECT MIN(e.at) FROM item_events e WHERE e.item_id = items.id AND e.action = 'fulfil');
CREATE TABLE measure_rollups (
    month INTEGER NOT NULL,
    town_slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    items INTEGER NOT NULL DEFAULT 0,
    fed INTEGER NOT NULL DEFAULT 0,
    fed_on_time INTEGER NOT NULL DEFAULT 0,
    replied INTEGER NOT NULL DEFAULT 0,
    replied_on_time INTEGER NOT NULL DEFAULT 0,
    rated INTEGER NOT NULL DEFAULT 0,
    satisfied INTEGER NOT NULL DEFAULT 0,
    aware_answers INTEGER NOT NULL DEFAULT 0,
    aware_yes INTEGER NOT NULL DEFAULT 0,
    wishes INTEGER NOT NULL DEFAULT 0,
    wishes_claimed INTEGER NOT NULL DEFAULT 0,
    wishes_fulfilled INTEGER NOT NULL DEFAULT 0,
    response_hours TEXT NOT NULL DEFAULT '',
    feedback_days TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (month, town_slug, kind, category)
);
-- Items still waiting for feedback or a reply: only these depend on the time a measure is looked at.
CREATE INDEX items_awaiting_feedback ON items (feedback_due_at) WHERE feedback_at IS NULL;
CREATE INDEX items_awaiting_reply ON items (acceptance_due_at) WHERE first_response_at IS NULL;
-- Drill-down lists of one town's items in a period, newest first.
CREATE INDEX items_town_submitted ON items (town_slug, submitted_at);

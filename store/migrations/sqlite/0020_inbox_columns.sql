-- Issue 19: the dispatcher's inbox over a million items took 0.9–1.4 s, because every view computed
-- each item's next deadline and counted every tab by reading the whole table.
--
-- `next_due_at` is the deadline that applies next (domain::staff::next_due_at; NULL once the item is
-- done for staff, never NULL while it is open) and `inbox_stage` the item's place in the work:
-- 'new' (waiting to be accepted), 'in_progress', or 'done' (domain::staff::STAFF_DONE_STATUSES).
-- Both are generated columns: the database writes them in the same statement as every change of the
-- columns they are made of, so no code path can forget them, and the time-dependent tabs (due soon,
-- overdue, escalated) are ranges of `next_due_at` against the clock, which needs no write at all.
ALTER TABLE items ADD COLUMN next_due_at INTEGER GENERATED ALWAYS AS (CASE
    WHEN status IN ('declined', 'feedback_given', 'closed', 'withdrawn', 'duplicate') THEN NULL
    WHEN status = 'routed' AND signed_at IS NULL AND sign_due_at < acceptance_due_at THEN sign_due_at
    WHEN status IN ('submitted', 'routed') THEN acceptance_due_at
    WHEN status = 'reopened' AND redo_due_at IS NOT NULL THEN redo_due_at
    WHEN feedback_at IS NULL THEN feedback_due_at
    ELSE COALESCE(completion_due_at, feedback_due_at) END) VIRTUAL;
ALTER TABLE items ADD COLUMN inbox_stage TEXT GENERATED ALWAYS AS (CASE
    WHEN status IN ('submitted', 'routed') THEN 'new'
    WHEN status IN ('declined', 'feedback_given', 'closed', 'withdrawn', 'duplicate') THEN 'done'
    ELSE 'in_progress' END) VIRTUAL;
-- Open items in deadline order, city-wide and per town; done items newest first; a village's items.
CREATE INDEX items_open_due ON items (next_due_at, inbox_stage) WHERE next_due_at IS NOT NULL;
CREATE INDEX items_town_open_due ON items (town_slug, next_due_at, inbox_stage) WHERE next_due_at IS NOT NULL;
CREATE INDEX items_done_updated ON items (updated_at) WHERE inbox_stage = 'done';
CREATE INDEX items_town_done_updated ON items (town_slug, updated_at) WHERE inbox_stage = 'done';
CREATE INDEX items_community ON items (community_id);

-- How many items each (town, kind, category, status) holds, kept by triggers in the same transaction
-- as every insert, change and deletion: the inbox's 新 / 办理中 / 已办结 counts read a few hundred rows
-- instead of counting 800,000 done items. The city queue (no town yet) is town_slug ''.
CREATE TABLE inbox_tallies (
    town_slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (town_slug, kind, category, status)
) WITHOUT ROWID;
INSERT INTO inbox_tallies (town_slug, kind, category, status, n)
    SELECT COALESCE(town_slug, ''), kind, category, status, COUNT(*) FROM items
    GROUP BY COALESCE(town_slug, ''), kind, category, status;
CREATE TRIGGER items_tally_insert AFTER INSERT ON items BEGIN
    INSERT INTO inbox_tallies (town_slug, kind, category, status, n)
        VALUES (COALESCE(NEW.town_slug, ''), NEW.kind, NEW.category, NEW.status, 1)
        ON CONFLICT (town_slug, kind, category, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER items_tally_update AFTER UPDATE OF town_slug, kind, category, status ON items
WHEN OLD.town_slug IS NOT NEW.town_slug OR OLD.kind <> NEW.kind OR OLD.category <> NEW.category
    OR OLD.status <> NEW.status
BEGIN
    UPDATE inbox_tallies SET n = n - 1
        WHERE town_slug = COALESCE(OLD.town_slug, '') AND kind = OLD.kind AND category = OLD.category
          AND status = OLD.status;
    INSERT INTO inbox_tallies (town_slug, kind, category, status, n)
        VALUES (COALESCE(NEW.town_slug, ''), NEW.kind, NEW.category, NEW.status, 1)
        ON CONFLICT (town_slug, kind, category, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER items_tally_delete AFTER DELETE ON items BEGIN
    UPDATE inbox_tallies SET n = n - 1
        WHERE town_slug = COALESCE(OLD.town_slug, '') AND kind = OLD.kind AND category = OLD.category
          AND status = OLD.status;
END;

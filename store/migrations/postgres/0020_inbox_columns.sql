-- Issue 19: the dispatcher's inbox over a million items took 0.9–1.4 s, because every view computed
-- each item's next deadline and counted every tab by reading the whole table.
--
-- `next_due_at` is the deadline that applies next (domain::staff::next_due_at; NULL once the item is
-- done for staff, never NULL while it is open) and `inbox_stage` the item's place in the work:
-- 'new' (waiting to be accepted), 'in_progress', or 'done' (domain::staff::STAFF_DONE_STATUSES).
-- Both are generated columns: the database writes them in the same statement as every change of the
-- columns they are made of, so no code path can forget them, and the time-dependent tabs (due soon,
-- overdue, escalated) are ranges of `next_due_at` against the clock, which needs no write at all.
ALTER TABLE items ADD COLUMN next_due_at BIGINT GENERATED ALWAYS AS (CASE
    WHEN status IN ('declined', 'feedback_given', 'closed', 'withdrawn', 'duplicate') THEN NULL
    WHEN status = 'routed' AND signed_at IS NULL AND sign_due_at < acceptance_due_at THEN sign_due_at
    WHEN status IN ('submitted', 'routed') THEN acceptance_due_at
    WHEN status = 'reopened' AND redo_due_at IS NOT NULL THEN redo_due_at
    WHEN feedback_at IS NULL THEN feedback_due_at
    ELSE COALESCE(completion_due_at, feedback_due_at) END) STORED;
ALTER TABLE items ADD COLUMN inbox_stage TEXT GENERATED ALWAYS AS (CASE
    WHEN status IN ('submitted', 'routed') THEN 'new'
    WHEN status IN ('declined', 'feedback_given', 'closed', 'withdrawn', 'duplicate') THEN 'done'
    ELSE 'in_progress' END) STORED;
-- Open items in deadline order, city-wide and per town; done items newest first; a village's items.
CREATE INDEX items_open_due ON items (next_due_at, inbox_stage, id) WHERE next_due_at IS NOT NULL;
CREATE INDEX items_town_open_due ON items (town_slug, next_due_at, inbox_stage, id) WHERE next_due_at IS NOT NULL;
CREATE INDEX items_done_updated ON items (updated_at, id) WHERE inbox_stage = 'done';
CREATE INDEX items_town_done_updated ON items (town_slug, updated_at, id) WHERE inbox_stage = 'done';
CREATE INDEX items_community ON items (community_id);

-- How many items each (town, kind, category, status) holds, kept by a trigger in the same transaction
-- as every insert, change and deletion: the inbox's 新 / 办理中 / 已办结 counts read a few hundred rows
-- instead of counting 800,000 done items. The city queue (no town yet) is town_slug ''.
CREATE TABLE inbox_tallies (
    town_slug TEXT NOT NULL,
    kind TEXT NOT NULL,
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (town_slug, kind, category, status)
);
INSERT INTO inbox_tallies (town_slug, kind, category, status, n)
    SELECT COALESCE(town_slug, ''), kind, category, status, COUNT(*) FROM items
    GROUP BY COALESCE(town_slug, ''), kind, category, status;
-- The two rows a change touches are locked in key order, so that two changes in opposite directions
-- (one item reopened while another is answered) cannot deadlock on each other's rows.
CREATE FUNCTION items_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_first BOOLEAN;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        old_first := ROW(COALESCE(OLD.town_slug, ''), OLD.kind, OLD.category, OLD.status)
                   < ROW(COALESCE(NEW.town_slug, ''), NEW.kind, NEW.category, NEW.status);
    ELSE
        old_first := TG_OP = 'DELETE';
    END IF;
    IF TG_OP <> 'INSERT' AND old_first THEN
        UPDATE inbox_tallies SET n = n - 1
            WHERE town_slug = COALESCE(OLD.town_slug, '') AND kind = OLD.kind AND category = OLD.category
              AND status = OLD.status;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO inbox_tallies (town_slug, kind, category, status, n)
            VALUES (COALESCE(NEW.town_slug, ''), NEW.kind, NEW.category, NEW.status, 1)
            ON CONFLICT (town_slug, kind, category, status) DO UPDATE SET n = inbox_tallies.n + 1;
    END IF;
    IF TG_OP = 'UPDATE' AND NOT old_first THEN
        UPDATE inbox_tallies SET n = n - 1
            WHERE town_slug = COALESCE(OLD.town_slug, '') AND kind = OLD.kind AND category = OLD.category
              AND status = OLD.status;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER items_tally_insert_delete AFTER INSERT OR DELETE ON items
    FOR EACH ROW EXECUTE FUNCTION items_tally();
CREATE TRIGGER items_tally_update AFTER UPDATE OF town_slug, kind, category, status ON items
    FOR EACH ROW
    WHEN (OLD.town_slug IS DISTINCT FROM NEW.town_slug OR OLD.kind <> NEW.kind
          OR OLD.category <> NEW.category OR OLD.status <> NEW.status)
    EXECUTE FUNCTION items_tally();

-- Residents' reality (issue 15).
-- Villages and communities carry the National Bureau of Statistics' 12-digit code (统计用区划代码) as
-- their stable key across imports, and the official name it was last imported with. (Traditional and
-- English names are derived from the Simplified one when a page is rendered: store::names.)
ALTER TABLE communities ADD COLUMN code TEXT;
ALTER TABLE communities ADD COLUMN official_name TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX communities_code ON communities (code);
-- Each run of the official list: which list, when, and what it changed.
CREATE TABLE community_imports (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    at INTEGER NOT NULL,
    added INTEGER NOT NULL,
    renamed INTEGER NOT NULL,
    moved INTEGER NOT NULL,
    deactivated INTEGER NOT NULL,
    reactivated INTEGER NOT NULL,
    linked INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    -- One line per change, in the words of the import's report.
    report TEXT NOT NULL
);
-- "Not listed / not sure": the place in the resident's words when no village (or no town) was chosen.
ALTER TABLE items ADD COLUMN place_text TEXT;
-- The person a helper or organisation submits for (wishes): name, phone (optional), address, how the
-- submitter is related, and whether the beneficiary agreed. Never on a public page.
ALTER TABLE items ADD COLUMN beneficiary_name TEXT;
ALTER TABLE items ADD COLUMN beneficiary_phone TEXT;
ALTER TABLE items ADD COLUMN beneficiary_address TEXT;
ALTER TABLE items ADD COLUMN beneficiary_relation TEXT;
ALTER TABLE items ADD COLUMN beneficiary_consent INTEGER NOT NULL DEFAULT 0;
-- The text the wish wall shows, written or checked by staff before publishing; the resident's own
-- words (description) stay internal.
ALTER TABLE items ADD COLUMN public_text TEXT;
-- Wishes already on the wall were published under the old rule (the need, digit runs hidden when
-- shown); they keep their place there with that text, masked the same way when shown.
UPDATE items SET public_text = description
 WHERE kind = 'wish' AND id IN (SELECT item_id FROM item_events WHERE action = 'publish');

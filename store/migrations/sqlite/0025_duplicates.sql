-- Issue 21: a duplicate merged into its original. The duplicate's submitter follows the original
-- (its tracking page shows the original's progress; the original's mails reach them too) and the
-- original counts how many residents asked.
ALTER TABLE items ADD COLUMN duplicate_of INTEGER REFERENCES items(id);
CREATE INDEX items_duplicate_of ON items (duplicate_of) WHERE duplicate_of IS NOT NULL;

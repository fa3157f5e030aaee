-- Each town's yearly allocation for micro-projects, entered by an admin.
CREATE TABLE town_budgets (
    town_slug TEXT NOT NULL REFERENCES towns(slug),
    year BIGINT NOT NULL,
    allocation_yuan BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (town_slug, year)
);
CREATE INDEX item_events_approved ON item_events (at, item_id) WHERE action = 'approve';

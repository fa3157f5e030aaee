CREATE TABLE towns (
    slug TEXT PRIMARY KEY,
    name_zh_hans TEXT NOT NULL,
    name_zh_hant TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kind TEXT NOT NULL,
    sort INTEGER NOT NULL
);
CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    town_slug TEXT NOT NULL REFERENCES towns(slug),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    UNIQUE (town_slug, name)
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE item_counters (
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (kind, year)
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    token TEXT NOT NULL UNIQUE,
    submission_key TEXT UNIQUE,
    status TEXT NOT NULL,
    town_slug TEXT REFERENCES towns(slug),
    community_id INTEGER REFERENCES communities(id),
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    amount_yuan INTEGER NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    submitted_by TEXT NOT NULL,
    helper_org TEXT,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    contact_email TEXT,
    lang TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    routed_at INTEGER,
    acceptance_due_at INTEGER NOT NULL,
    first_response_at INTEGER,
    feedback_due_at INTEGER NOT NULL,
    feedback_at INTEGER,
    completion_due_at INTEGER,
    closed_at INTEGER,
    rating TEXT,
    rating_comment TEXT,
    rated_at INTEGER,
    aware INTEGER,
    reopen_count INTEGER NOT NULL DEFAULT 0,
    budget_yuan INTEGER,
    progress_percent INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, year, seq)
);
CREATE INDEX items_town_status ON items (town_slug, status);
CREATE INDEX items_submitted_at ON items (submitted_at);
CREATE INDEX items_feedback_due ON items (feedback_due_at);
CREATE TABLE item_events (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_label TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    public INTEGER NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX item_events_item ON item_events (item_id, at);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    item_id INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    remote_addr TEXT NOT NULL DEFAULT ''
);
CREATE TABLE awareness_answers (
    id INTEGER PRIMARY KEY,
    answered_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    yes INTEGER NOT NULL
);
CREATE INDEX awareness_answered_at ON awareness_answers (answered_at);

-- Issue 23: one outbox for mail and SMS. A row's channel says how it goes; a text's parts (segments)
-- are counted when it is sent; the gateway's delivery reports are kept (the latest final one on the row).
ALTER TABLE mail_outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'mail';
ALTER TABLE mail_outbox ADD COLUMN segments INTEGER;
ALTER TABLE mail_outbox ADD COLUMN delivery TEXT;
ALTER TABLE mail_outbox ADD COLUMN delivery_at INTEGER;
CREATE TABLE sms_reports (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES mail_outbox(id),
    delivery TEXT NOT NULL,
    code INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX sms_reports_outbox ON sms_reports (outbox_id);
-- Short links for texts: /s/{code} leads to a path of the portal (a tracking page, a claim).
CREATE TABLE short_links (
    code TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
-- Staff who want deadline warnings by text: a phone proved by a code, and the choice.
ALTER TABLE staff_users ADD COLUMN phone TEXT;
ALTER TABLE staff_users ADD COLUMN sms_alerts INTEGER NOT NULL DEFAULT 0;
-- "My items" by the phone a resident gave.
CREATE INDEX items_contact_phone ON items (contact_phone);

-- The mail outbox: every mail is a row written in the same transaction as the event that causes it.
-- The worker renders `kind` + `params` (JSON) in `lang` when it sends, so a retry sends the same mail.
-- status: queued → sending → sent | back to queued (failed, retry at next_attempt_at) | parked (gave up
-- or a permanent refusal; an admin can retry) | uncertain (a worker died while sending: the mail
-- server may have accepted it, so it is not sent again by itself).
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    to_addr TEXT NOT NULL,
    lang TEXT NOT NULL,
    item_id INTEGER REFERENCES items(id),
    params TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sending_since INTEGER,
    sending_by TEXT,
    sent_at INTEGER,
    transport TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX mail_outbox_sending ON mail_outbox (sending_since) WHERE status = 'sending';
CREATE INDEX mail_outbox_status ON mail_outbox (status, id);
CREATE INDEX mail_outbox_item ON mail_outbox (item_id);
-- Each attempt to hand a mail to the mail server, for the admin page.
CREATE TABLE mail_attempts (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES mail_outbox(id),
    at INTEGER NOT NULL,
    ok INTEGER NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    instance TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_attempts_outbox ON mail_attempts (outbox_id);
-- One row per address that has been sent mail: the secret of its preferences link and whether
-- non-essential mails are off.
CREATE TABLE mail_recipients (
    address TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    updates_off INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);
-- One-time sign-in codes for residents (stored as a hash).
CREATE TABLE resident_codes (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    used_at INTEGER,
    client TEXT NOT NULL DEFAULT ''
);
CREATE INDEX resident_codes_address ON resident_codes (address, created_at);
CREATE INDEX resident_codes_client ON resident_codes (client, created_at);
-- "My items": a resident's items by the email they gave.
CREATE INDEX items_contact_email ON items (lower(contact_email)) WHERE contact_email IS NOT NULL;

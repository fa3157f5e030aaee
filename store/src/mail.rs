//! The mail outbox, recipients' preferences and residents' one-time sign-in codes.
//!
//! Mails caused by an item's event are queued inside that event's transaction ([`queue_item_mails`],
//! called by `create_item` and `act_by`), so a mail exists exactly when its event does. The worker in
//! the server takes one due mail at a time with [`Db::claim_mail`] (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, so several instances never take the same row), marks it `sending`, hands it to the
//! mail server, then records [`Db::mail_sent`] or [`Db::mail_failed`]. A row left in `sending` by a
//! worker that died becomes `uncertain` after the lease ([`Db::mail_recover_stale`]): the mail server
//! may have accepted it, so it is never sent again without an admin saying so.

use crate::{opt_i64, Backend, Db, Result};
use domain::lifecycle::{Action, Actor, Outcome};
use domain::mail::{code, MailKind};
use domain::Kind;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A mail to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct MailRequest {
    pub kind: MailKind,
    pub to: String,
    pub lang: String,
    pub item_id: Option<i64>,
    /// What the template needs, as JSON (see [`MailParams`]).
    pub params: MailParams,
    /// A mail with a key is queued at most once (deadline warnings).
    pub dedupe_key: Option<String>,
}

/// What a template may use. Everything is captured when the event happens, so a retry a day later
/// sends the same words.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailParams {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub number: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// `wish` or `project`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// The tracking token (the link is built with the public base URL when the mail is sent).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub town: String,
    /// The action code that caused the mail, and its text (reason, plan, message, note).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub action: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// The status after the event.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    /// Why staff are told (`new`, `routed`, `rerouted`, `reopened`, `unrouted`), or which deadline.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// A deadline (unix seconds) for deadline warnings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<i64>,
    /// A one-time sign-in code (erased from the row once sent).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
}

/// A mail taken by a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMail {
    pub id: i64,
    pub kind: MailKind,
    pub to: String,
    pub lang: String,
    pub item_id: Option<i64>,
    pub params: MailParams,
    /// Attempts before this one.
    pub attempts: i64,
    pub created_at: i64,
    /// The secret of the recipient's preferences page.
    pub prefs_token: Option<String>,
}

/// A row of the outbox as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: String,
    pub to: String,
    pub status: String,
    pub attempts: i64,
    pub created_at: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: String,
    pub item_number: Option<String>,
}

/// What the worker asks of a retry: how many attempts, and the backoff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    pub max_attempts: i64,
    pub base_secs: i64,
    pub cap_secs: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        use domain::mail::delivery::*;
        RetryPolicy { max_attempts: MAX_ATTEMPTS, base_secs: RETRY_BASE_SECS, cap_secs: RETRY_CAP_SECS }
    }
}

/// What happened to a mail whose attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailFate {
    /// Tried again at this time.
    RetryAt(i64),
    /// Given up (too many attempts, or the mail server refused it for good); an admin can retry.
    Parked,
}

/// What a resident asking for a sign-in code gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRequest {
    /// A code was made (and mailed if the address has items; the answer is the same either way, so the
    /// form does not tell strangers which addresses are known).
    Made,
    /// Too many codes for this address or from this client lately.
    TooMany,
}

/// The result of checking a typed code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Ok,
    Wrong,
    Expired,
    /// The code was used already.
    Used,
    /// Too many wrong tries; ask for a new code.
    TooManyTries,
}

/// One of a resident's items, for "my items".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyItem {
    pub number: String,
    pub kind: Kind,
    pub title: String,
    pub status: String,
    pub token: String,
    pub submitted_at: i64,
}

/// The item as the mail hooks need it.
pub(crate) struct MailItem<'a> {
    pub id: i64,
    pub number: &'a str,
    pub kind: Kind,
    pub title: &'a str,
    /// A wish has no title: its mails name it by the start of the need.
    pub description: &'a str,
    pub token: &'a str,
    pub contact_email: Option<&'a str>,
    pub lang: &'a str,
}

/// What happened to an item, for the mail hooks.
pub(crate) enum ItemMailEvent<'a> {
    Submitted { town: Option<&'a str> },
    Acted { action: &'a Action, out: &'a Outcome, actor: Actor, town: Option<&'a str> },
}

/// What a mail calls an item: its title, or for a wish (which has none) the start of the need.
pub fn mail_title(title: &str, description: &str) -> String {
    if !title.trim().is_empty() {
        return title.trim().to_string();
    }
    let d: String = description.trim().chars().take(20).collect();
    if description.trim().chars().count() > 20 {
        format!("{d}…")
    } else {
        d
    }
}

/// Normalises an address for matching: trimmed, lower case.
pub fn normalise_address(address: &str) -> String {
    address.trim().to_lowercase()
}

fn hash_code(address: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{address}:{code}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Queues the mails an item's event causes, inside the event's transaction.
pub(crate) async fn queue_item_mails(
    tx: &mut Transaction<'_, Any>,
    item: &MailItem<'_>,
    event: ItemMailEvent<'_>,
    at: i64,
) -> Result<()> {
    let base = MailParams {
        number: item.number.to_string(),
        title: mail_title(item.title, item.description),
        kind: item.kind.code().to_string(),
        token: item.token.to_string(),
        ..MailParams::default()
    };
    let resident = |kind: MailKind, params: MailParams| {
        item.contact_email.filter(|e| !e.trim().is_empty()).map(|to| MailRequest {
            kind,
            to: normalise_address(to),
            lang: item.lang.to_string(),
            item_id: Some(item.id),
            params,
            dedupe_key: None,
        })
    };
    let mut mails: Vec<MailRequest> = Vec::new();
    let mut staff: Option<(Option<&str>, &str)> = None;
    match event {
        ItemMailEvent::Submitted { town } => {
            let params = MailParams { town: town.unwrap_or_default().to_string(), ..base.clone() };
            mails.extend(resident(MailKind::Receipt, params));
            staff = Some((town, if town.is_some() { "new" } else { "unrouted" }));
        }
        ItemMailEvent::Acted { action, out, actor, town } => {
            let params = MailParams {
                town: town.unwrap_or_default().to_string(),
                action: action.code().to_string(),
                text: action.text(),
                status: out.to.code().to_string(),
                ..base.clone()
            };
            if let Some(kind) = domain::mail::resident_mail(action, out, actor) {
                mails.extend(resident(kind, params.clone()));
            }
            if domain::mail::reopen_granted(action, out) {
                mails.extend(resident(MailKind::Reopened, params.clone()));
            }
            if let Some(reason) = domain::mail::staff_mail_reason(action, out) {
                staff = Some((town, reason));
            }
            if item.kind == domain::Kind::Project && domain::mail::voter_mail(action) {
                let voters = sqlx::query("SELECT voter, lang FROM project_voices WHERE item_id = $1 ORDER BY id")
                    .bind(item.id)
                    .fetch_all(&mut **tx)
                    .await?;
                for v in voters {
                    mails.push(MailRequest {
                        kind: MailKind::ProjectUpdate,
                        to: v.try_get("voter")?,
                        lang: v.try_get("lang")?,
                        item_id: Some(item.id),
                        params: params.clone(),
                        dedupe_key: None,
                    });
                }
            }
        }
    }
    if let Some((town, reason)) = staff {
        for to in staff_recipients(tx, town).await? {
            mails.push(MailRequest {
                kind: MailKind::StaffNewItem,
                to,
                lang: domain::Lang::ZhHans.code().to_string(),
                item_id: Some(item.id),
                params: MailParams {
                    town: town.unwrap_or_default().to_string(),
                    reason: reason.into(),
                    ..base.clone()
                },
                dedupe_key: None,
            });
        }
    }
    for m in &mails {
        enqueue(tx, m, at).await?;
    }
    Ok(())
}

/// Active town staff of `town` with an address; dispatchers for the city queue (`None`).
async fn staff_recipients(tx: &mut Transaction<'_, Any>, town: Option<&str>) -> Result<Vec<String>> {
    let rows = match town {
        Some(t) => {
            sqlx::query("SELECT email FROM staff_users WHERE active = 1 AND role = 'town_staff' AND town_slug = $1")
                .bind(t)
                .fetch_all(&mut **tx)
                .await?
        }
        None => {
            sqlx::query("SELECT email FROM staff_users WHERE active = 1 AND role = 'dispatcher'")
                .fetch_all(&mut **tx)
                .await?
        }
    };
    rows.iter().map(|r| Ok(r.try_get::<String, _>("email")?)).collect()
}

/// Writes one outbox row unless the recipient turned this kind off or its dedupe key exists; returns
/// the new row's id.
pub(crate) async fn enqueue(tx: &mut Transaction<'_, Any>, m: &MailRequest, at: i64) -> Result<Option<i64>> {
    let to = normalise_address(&m.to);
    sqlx::query("INSERT INTO mail_recipients (address, token, updates_off, updated_at) VALUES ($1, $2, 0, $3) ON CONFLICT (address) DO NOTHING")
        .bind(&to)
        .bind(crate::new_token())
        .bind(at)
        .execute(&mut **tx)
        .await?;
    if !m.kind.essential() {
        let off: i64 = sqlx::query("SELECT updates_off FROM mail_recipients WHERE address = $1")
            .bind(&to)
            .fetch_one(&mut **tx)
            .await?
            .try_get("updates_off")?;
        if off != 0 {
            return Ok(None);
        }
    }
    let params = serde_json::to_string(&m.params).map_err(|e| crate::StoreError::Invalid(e.to_string()))?;
    let row = sqlx::query(
        "INSERT INTO mail_outbox (kind, to_addr, lang, item_id, params, dedupe_key, status, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $7) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(m.kind.code())
    .bind(&to)
    .bind(&m.lang)
    .bind(m.item_id)
    .bind(params)
    .bind(m.dedupe_key.as_deref())
    .bind(at)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| Ok(r.try_get::<i64, _>("id")?)).transpose()
}

const OUTBOX_COLUMNS: &str = "id, kind, to_addr, lang, item_id, params, attempts, created_at";

fn outbox_mail(r: &AnyRow) -> Result<OutboxMail> {
    let kind: String = r.try_get("kind")?;
    let params: String = r.try_get("params")?;
    Ok(OutboxMail {
        id: r.try_get("id")?,
        kind: MailKind::from_code(&kind).ok_or_else(|| crate::StoreError::Invalid(format!("mail kind {kind}")))?,
        to: r.try_get("to_addr")?,
        lang: r.try_get("lang")?,
        item_id: opt_i64(r, "item_id")?,
        params: serde_json::from_str(&params).map_err(|e| crate::StoreError::Invalid(e.to_string()))?,
        attempts: r.try_get("attempts")?,
        created_at: r.try_get("created_at")?,
        prefs_token: None,
    })
}

impl Db {
    /// Queues a mail outside an item's event (an operator's test mail); returns its id.
    pub async fn queue_mail(&self, m: &MailRequest, at: i64) -> Result<Option<i64>> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let id = enqueue(&mut tx, m, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes the next due mail for `instance` and marks it `sending`; `None` when nothing is due.
    pub async fn claim_mail(&self, now: i64, instance: &str) -> Result<Option<OutboxMail>> {
        let lock = if self.backend == Backend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "UPDATE mail_outbox SET status = 'sending', sending_since = $1, sending_by = $2 \
             WHERE status = 'queued' AND id = (SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT 1 {lock}) RETURNING {OUTBOX_COLUMNS}"
        );
        let row = {
            let _w = self.write_guard().await;
            sqlx::query(&sql).bind(now).bind(instance).fetch_optional(&self.pool).await?
        };
        let Some(row) = row else { return Ok(None) };
        let mut mail = outbox_mail(&row)?;
        mail.prefs_token = sqlx::query("SELECT token FROM mail_recipients WHERE address = $1")
            .bind(&mail.to)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get::<String, _>("token"))
            .transpose()?;
        Ok(Some(mail))
    }

    /// The mail server accepted the mail (or it was written to a file): it is never sent again. A
    /// sign-in code is erased from the row.
    pub async fn mail_sent(&self, id: i64, at: i64, transport: &str, instance: &str) -> Result<()> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE mail_outbox SET status = 'sent', sent_at = $2, transport = $3, attempts = attempts + 1, \
             sending_since = NULL, last_error = '', params = CASE WHEN kind = 'sign_in_code' THEN '{}' ELSE params END \
             WHERE id = $1",
        )
        .bind(id)
        .bind(at)
        .bind(transport)
        .execute(&mut *tx)
        .await?;
        record_attempt(&mut tx, id, at, true, "", instance).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An attempt failed: retried later with backoff, or parked after the last attempt or a permanent
    /// refusal.
    pub async fn mail_failed(
        &self,
        id: i64,
        at: i64,
        error: &str,
        permanent: bool,
        policy: &RetryPolicy,
        instance: &str,
    ) -> Result<MailFate> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let attempts: i64 = sqlx::query("SELECT attempts FROM mail_outbox WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>("attempts")?
            + 1;
        let error: String = error.chars().take(500).collect();
        let fate = if permanent || attempts >= policy.max_attempts {
            MailFate::Parked
        } else {
            MailFate::RetryAt(at + domain::mail::delivery::retry_delay(attempts, policy.base_secs, policy.cap_secs))
        };
        let (status, next) = match fate {
            MailFate::Parked => ("parked", at),
            MailFate::RetryAt(t) => ("queued", t),
        };
        sqlx::query(
            "UPDATE mail_outbox SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, sending_since = NULL \
             WHERE id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(attempts)
        .bind(next)
        .bind(&error)
        .execute(&mut *tx)
        .await?;
        record_attempt(&mut tx, id, at, false, &error, instance).await?;
        tx.commit().await?;
        Ok(fate)
    }

    /// Mails left `sending` for longer than `lease_secs` (their worker died): marked `uncertain`,
    /// since the mail server may have accepted them. Returns how many.
    pub async fn mail_recover_stale(&self, now: i64, lease_secs: i64) -> Result<u64> {
        let _w = self.write_guard().await;
        let done = sqlx::query(
            "UPDATE mail_outbox SET status = 'uncertain', sending_since = NULL, \
             last_error = 'the worker stopped while sending; the mail server may have accepted it' \
             WHERE status = 'sending' AND sending_since < $1",
        )
        .bind(now - lease_secs)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// When the next queued mail is due, if any.
    pub async fn mail_next_due(&self) -> Result<Option<i64>> {
        let row = sqlx::query(
            "SELECT next_attempt_at FROM mail_outbox WHERE status = 'queued' ORDER BY next_attempt_at LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(r.try_get::<i64, _>("next_attempt_at")?)).transpose()
    }

    /// How many mails are in each status.
    pub async fn mail_counts(&self) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT status, CAST(COUNT(*) AS BIGINT) AS n FROM mail_outbox GROUP BY status ORDER BY status",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("status")?, r.try_get("n")?))).collect()
    }

    /// Mails by status (newest first), for the admin page and `server mail status`.
    pub async fn mail_list(&self, statuses: &[&str], limit: i64) -> Result<Vec<OutboxEntry>> {
        let list = statuses.iter().map(|s| format!("'{}'", s.replace('\'', ""))).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT o.id, o.kind, o.to_addr, o.status, o.attempts, o.created_at, o.next_attempt_at, o.sent_at, o.last_error, \
             i.number FROM mail_outbox o LEFT JOIN items i ON i.id = o.item_id WHERE o.status IN ({list}) \
             ORDER BY o.id DESC LIMIT $1"
        );
        let rows = sqlx::query(&sql).bind(limit).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxEntry {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    to: r.try_get("to_addr")?,
                    status: r.try_get("status")?,
                    attempts: r.try_get("attempts")?,
                    created_at: r.try_get("created_at")?,
                    next_attempt_at: r.try_get("next_attempt_at")?,
                    sent_at: opt_i64(r, "sent_at")?,
                    last_error: r.try_get("last_error")?,
                    item_number: r.try_get("number")?,
                })
            })
            .collect()
    }

    /// An admin sends a parked or uncertain mail again: queued now, attempts start over. Returns
    /// whether there was such a mail.
    pub async fn mail_retry(&self, id: i64, now: i64) -> Result<bool> {
        let _w = self.write_guard().await;
        let done = sqlx::query(
            "UPDATE mail_outbox SET status = 'queued', attempts = 0, next_attempt_at = $2 \
             WHERE id = $1 AND status IN ('parked', 'uncertain')",
        )
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The address behind a preferences link, and whether its non-essential mails are off.
    pub async fn mail_recipient(&self, token: &str) -> Result<Option<(String, bool)>> {
        if token.is_empty() || token.len() > 64 {
            return Ok(None);
        }
        let row = sqlx::query("SELECT address, updates_off FROM mail_recipients WHERE token = $1")
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("address")?, r.try_get::<i64, _>("updates_off")? != 0))).transpose()
    }

    /// Turns non-essential mails off (or on again) for the address behind a preferences link.
    pub async fn set_mail_updates_off(&self, token: &str, off: bool, at: i64) -> Result<bool> {
        let _w = self.write_guard().await;
        let done = sqlx::query("UPDATE mail_recipients SET updates_off = $2, updated_at = $3 WHERE token = $1")
            .bind(token)
            .bind(i64::from(off))
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A resident asks for a sign-in code. Within the limits a code is stored (as a hash) and, if the
    /// address has items, mailed in the same transaction.
    pub async fn request_sign_in_code(&self, address: &str, client: &str, lang: &str, now: i64) -> Result<CodeRequest> {
        self.sign_in_code(address, client, lang, now, false).await
    }

    /// A resident proves an address to support or object to a project: the same code and limits as
    /// [`Db::request_sign_in_code`], mailed whether or not the address has items (any resident may
    /// give a voice, and answering "sent" either way tells nobody anything).
    pub async fn request_voice_code(&self, address: &str, client: &str, lang: &str, now: i64) -> Result<CodeRequest> {
        self.sign_in_code(address, client, lang, now, true).await
    }

    async fn sign_in_code(
        &self,
        address: &str,
        client: &str,
        lang: &str,
        now: i64,
        always: bool,
    ) -> Result<CodeRequest> {
        let address = normalise_address(address);
        let since = now - code::WINDOW_SECS;
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let count = |sql: &'static str, key: String| sqlx::query(sql).bind(key).bind(since);
        let by_address: i64 = count(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM resident_codes WHERE address = $1 AND created_at > $2",
            address.clone(),
        )
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        let by_client: i64 = count(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM resident_codes WHERE client = $1 AND created_at > $2",
            client.to_string(),
        )
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if by_address >= code::PER_ADDRESS || by_client >= code::PER_CLIENT {
            return Ok(CodeRequest::TooMany);
        }
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
        sqlx::query(
            "INSERT INTO resident_codes (address, code_hash, created_at, expires_at, tries, client) VALUES ($1, $2, $3, $4, 0, $5)",
        )
        .bind(&address)
        .bind(hash_code(&address, &code))
        .bind(now)
        .bind(now + code::TTL_SECS)
        .bind(client)
        .execute(&mut *tx)
        .await?;
        let has_items = sqlx::query("SELECT 1 AS one FROM items WHERE lower(contact_email) = $1 LIMIT 1")
            .bind(&address)
            .fetch_all(&mut *tx)
            .await?
            .len()
            == 1;
        if has_items || always {
            let m = MailRequest {
                kind: MailKind::SignInCode,
                to: address.clone(),
                lang: lang.to_string(),
                item_id: None,
                params: MailParams { code, ..MailParams::default() },
                dedupe_key: None,
            };
            enqueue(&mut tx, &m, now).await?;
        }
        tx.commit().await?;
        Ok(CodeRequest::Made)
    }

    /// Queues the deadline warnings for staff whose moment fell in `(from, to]`: "due soon" when a
    /// reply or feedback deadline comes within its warning window, "overdue" when it passes, for items
    /// still waiting for that reply or feedback, to the active staff of the item's town. Each warning
    /// has a dedupe key (kind, item, deadline, recipient), so overlapping scans and several instances
    /// queue it once. Returns how many mails were queued.
    pub async fn queue_deadline_mails(&self, from: i64, to: i64) -> Result<u64> {
        use domain::mail::deadlines::*;
        let open = "i.town_slug IS NOT NULL AND i.status NOT IN ('withdrawn', 'duplicate', 'closed')";
        let scans = [
            (MailKind::StaffDueSoon, "reply", "acceptance_due_at", "first_response_at", REPLY_DUE_SOON_SECS),
            (MailKind::StaffOverdue, "reply", "acceptance_due_at", "first_response_at", 0),
            (MailKind::StaffDueSoon, "feedback", "feedback_due_at", "feedback_at", FEEDBACK_DUE_SOON_SECS),
            (MailKind::StaffOverdue, "feedback", "feedback_due_at", "feedback_at", 0),
        ];
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let mut queued = 0;
        let mut staff: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        for (kind, which, due_col, done_col, window) in scans {
            let sql = format!(
                "SELECT i.id, i.number, i.kind, i.title, i.description, i.token, i.town_slug, i.{due_col} AS due FROM items i \
                 WHERE i.{done_col} IS NULL AND i.{due_col} > $1 AND i.{due_col} <= $2 AND {open}"
            );
            let rows = sqlx::query(&sql).bind(from + window).bind(to + window).fetch_all(&mut *tx).await?;
            for r in &rows {
                let town: String = r.try_get("town_slug")?;
                if !staff.contains_key(&town) {
                    let list = staff_recipients(&mut tx, Some(&town)).await?;
                    staff.insert(town.clone(), list);
                }
                let (id, due): (i64, i64) = (r.try_get("id")?, r.try_get("due")?);
                let item_kind: String = r.try_get("kind")?;
                for to_addr in &staff[&town] {
                    let m = MailRequest {
                        kind,
                        to: to_addr.clone(),
                        lang: domain::Lang::ZhHans.code().to_string(),
                        item_id: Some(id),
                        params: MailParams {
                            number: r.try_get("number")?,
                            title: mail_title(
                                &r.try_get::<String, _>("title")?,
                                &r.try_get::<String, _>("description")?,
                            ),
                            kind: item_kind.clone(),
                            token: r.try_get("token")?,
                            town: town.clone(),
                            text: which.to_string(),
                            due_at: Some(due),
                            ..MailParams::default()
                        },
                        dedupe_key: Some(format!("{}:{id}:{which}:{due}:{to_addr}", kind.code())),
                    };
                    if enqueue(&mut tx, &m, to).await?.is_some() {
                        queued += 1;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Checks a typed code against the address's latest code. A right code works once.
    pub async fn verify_sign_in_code(&self, address: &str, typed: &str, now: i64) -> Result<CodeCheck> {
        let address = normalise_address(address);
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "SELECT id, code_hash, expires_at, tries, used_at FROM resident_codes WHERE address = $1 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(&address)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(CodeCheck::Wrong) };
        let id: i64 = row.try_get("id")?;
        let tries: i64 = row.try_get("tries")?;
        if opt_i64(&row, "used_at")?.is_some() {
            return Ok(CodeCheck::Used);
        }
        if row.try_get::<i64, _>("expires_at")? <= now {
            return Ok(CodeCheck::Expired);
        }
        if tries >= code::MAX_TRIES {
            return Ok(CodeCheck::TooManyTries);
        }
        let right = code::normalise(typed)
            .is_some_and(|c| hash_code(&address, &c) == row.try_get::<String, _>("code_hash").unwrap_or_default());
        let check = if right {
            let done = sqlx::query("UPDATE resident_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 1 {
                CodeCheck::Ok
            } else {
                CodeCheck::Used
            }
        } else {
            sqlx::query("UPDATE resident_codes SET tries = tries + 1 WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if tries + 1 >= code::MAX_TRIES {
                CodeCheck::TooManyTries
            } else {
                CodeCheck::Wrong
            }
        };
        tx.commit().await?;
        Ok(check)
    }

    /// The items submitted with this email address, newest first (at most 200).
    pub async fn items_of_address(&self, address: &str) -> Result<Vec<MyItem>> {
        let rows = sqlx::query(
            "SELECT number, kind, title, description, status, token, submitted_at FROM items WHERE lower(contact_email) = $1 \
             ORDER BY submitted_at DESC, id DESC LIMIT 200",
        )
        .bind(normalise_address(address))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                Ok(MyItem {
                    number: r.try_get("number")?,
                    kind: Kind::from_code(&kind).unwrap_or(Kind::Wish),
                    // What it is about: a wish's need stands for its title.
                    title: mail_title(&r.try_get::<String, _>("title")?, &r.try_get::<String, _>("description")?),
                    status: r.try_get("status")?,
                    token: r.try_get("token")?,
                    submitted_at: r.try_get("submitted_at")?,
                })
            })
            .collect()
    }
}

async fn record_attempt(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    at: i64,
    ok: bool,
    error: &str,
    instance: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO mail_attempts (outbox_id, at, ok, error, instance) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(at)
        .bind(i64::from(ok))
        .bind(error)
        .bind(instance)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_wish_is_named_by_the_start_of_its_need() {
        assert_eq!(super::mail_title("修复村口路灯", "…"), "修复村口路灯");
        assert_eq!(super::mail_title("", "一台轮椅"), "一台轮椅");
        assert_eq!(
            super::mail_title(" ", "一二三四五六七八九十一二三四五六七八九十一"),
            "一二三四五六七八九十一二三四五六七八九十…"
        );
    }
}

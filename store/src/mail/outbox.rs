//! The outbox: mails queued inside the event that causes them, taken one at a time by the worker,
//! marked sent, failed (with retries) or uncertain; and the deadline warnings to staff.

use super::*;
use crate::{opt_i64, Backend, Db, Result};
use domain::mail::MailKind;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

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
    // The resident hears by mail when they gave an email, and always by text on their mobile.
    let resident = |kind: MailKind, params: MailParams| {
        let email = item.contact_email.filter(|e| !e.trim().is_empty());
        email.into_iter().chain(Some(item.contact_phone).filter(|p| !p.trim().is_empty())).map(move |to| MailRequest {
            kind,
            to: normalise_address(to),
            lang: item.lang.to_string(),
            item_id: Some(item.id),
            params: params.clone(),
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
        ItemMailEvent::Followed { action, out, actor, town } => {
            let params = acted_params(&base, action, out, town);
            if let Some(kind) = domain::mail::resident_mail(action, out, actor) {
                mails.extend(resident(kind, params.clone()));
            }
            if domain::mail::reopen_granted(action, out) {
                mails.extend(resident(MailKind::Reopened, params));
            }
        }
        ItemMailEvent::Acted { action, out, actor, town } => {
            let params = acted_params(&base, action, out, town);
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

/// What an action's mails say of it.
fn acted_params(
    base: &MailParams,
    action: &domain::lifecycle::Action,
    out: &domain::lifecycle::Outcome,
    town: Option<&str>,
) -> MailParams {
    MailParams {
        town: town.unwrap_or_default().to_string(),
        action: action.code().to_string(),
        text: action.text(),
        status: out.to.code().to_string(),
        ..base.clone()
    }
}

/// Active town staff of `town`; dispatchers for the city queue (`None`). Each by email, and by text
/// too when they proved a phone and chose texts.
async fn staff_recipients(tx: &mut Transaction<'_, Any>, town: Option<&str>) -> Result<Vec<String>> {
    let rows =
        match town {
            Some(t) => {
                // The town's own staff; village workers (town staff with a community) hear from their town.
                sqlx::query(
                    "SELECT email, phone, sms_alerts FROM staff_users WHERE active = 1 AND role = 'town_staff' \
                 AND town_slug = $1 AND community_id IS NULL ORDER BY id",
                )
                .bind(t)
                .fetch_all(&mut **tx)
                .await?
            }
            None => sqlx::query(
                "SELECT email, phone, sms_alerts FROM staff_users WHERE active = 1 AND role = 'dispatcher' ORDER BY id",
            )
            .fetch_all(&mut **tx)
            .await?,
        };
    let mut to = Vec::new();
    for r in &rows {
        to.push(r.try_get::<String, _>("email")?);
        let phone: Option<String> = r.try_get("phone")?;
        if let Some(phone) = phone.filter(|_| r.try_get::<i64, _>("sms_alerts").unwrap_or(0) != 0) {
            to.push(phone);
        }
    }
    Ok(to)
}

/// Writes one outbox row unless the recipient turned this kind off or its dedupe key exists; returns
/// the new row's id. An email address gets a mail; a mobile number a text (with short links to the
/// page a mail would link to); anything else (a landline) nothing.
pub(crate) async fn enqueue(tx: &mut Transaction<'_, Any>, m: &MailRequest, at: i64) -> Result<Option<i64>> {
    let Some((channel, to)) = Channel::of(&m.to) else { return Ok(None) };
    sqlx::query("INSERT INTO mail_recipients (address, token, updates_off, updated_at) VALUES ($1, $2, 0, $3) ON CONFLICT (address) DO NOTHING")
        .bind(&to)
        .bind(crate::new_token())
        .bind(at)
        .execute(&mut **tx)
        .await?;
    // A non-essential message: not when the recipient turned them off; a text links the preferences.
    let mut prefs_token = None;
    if !m.kind.essential() {
        let r = sqlx::query("SELECT updates_off, token FROM mail_recipients WHERE address = $1")
            .bind(&to)
            .fetch_one(&mut **tx)
            .await?;
        if r.try_get::<i64, _>("updates_off")? != 0 {
            return Ok(None);
        }
        prefs_token = Some(r.try_get::<String, _>("token")?);
    }
    let mut params = m.params.clone();
    if channel == Channel::Sms {
        if let Some(path) = domain::mail::link_path(m.kind, &params.number, &params.token) {
            params.short = short_link(tx, &path, at).await?;
        }
        if let Some(token) = prefs_token {
            params.prefs_short = short_link(tx, &format!("/mail/preferences/{token}"), at).await?;
        }
    }
    let params = serde_json::to_string(&params).map_err(|e| crate::StoreError::Corrupt(e.to_string()))?;
    let row = sqlx::query(
        "INSERT INTO mail_outbox (kind, channel, to_addr, lang, item_id, params, dedupe_key, status, next_attempt_at, created_at) \
         VALUES ($1, $8, $2, $3, $4, $5, $6, 'queued', $7, $7) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(m.kind.code())
    .bind(&to)
    .bind(&m.lang)
    .bind(m.item_id)
    .bind(params)
    .bind(m.dedupe_key.as_deref())
    .bind(at)
    .bind(channel.code())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| Ok(r.try_get::<i64, _>("id")?)).transpose()
}

/// The short code for a portal path, made once per path (a second text about the same item reuses it).
async fn short_link(tx: &mut Transaction<'_, Any>, path: &str, at: i64) -> Result<String> {
    use domain::sms::short_link::{ALPHABET, LEN};
    let existing =
        sqlx::query("SELECT code FROM short_links WHERE path = $1").bind(path).fetch_optional(&mut **tx).await?;
    if let Some(r) = existing {
        return Ok(r.try_get("code")?);
    }
    // 57 random bits: a clash is not expected in the portal's lifetime, and is drawn again if it comes.
    for _ in 0..4 {
        let code: String = {
            let mut rng = rand::thread_rng();
            (0..LEN).map(|_| ALPHABET[rand::Rng::gen_range(&mut rng, 0..ALPHABET.len())] as char).collect()
        };
        let done =
            sqlx::query("INSERT INTO short_links (code, path, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(&code)
                .bind(path)
                .bind(at)
                .execute(&mut **tx)
                .await?;
        if done.rows_affected() == 1 {
            return Ok(code);
        }
        if let Some(r) =
            sqlx::query("SELECT code FROM short_links WHERE path = $1").bind(path).fetch_optional(&mut **tx).await?
        {
            return Ok(r.try_get("code")?);
        }
    }
    Err(crate::StoreError::Corrupt("no free short link code".into()))
}

const OUTBOX_COLUMNS: &str = "id, kind, channel, to_addr, lang, item_id, params, attempts, created_at";

fn outbox_mail(r: &AnyRow) -> Result<OutboxMail> {
    let kind: String = r.try_get("kind")?;
    let channel: String = r.try_get("channel")?;
    let params: String = r.try_get("params")?;
    Ok(OutboxMail {
        id: r.try_get("id")?,
        kind: MailKind::from_code(&kind).ok_or_else(|| crate::StoreError::Corrupt(format!("mail kind {kind}")))?,
        channel: Channel::from_code(&channel)
            .ok_or_else(|| crate::StoreError::Corrupt(format!("channel {channel}")))?,
        to: r.try_get("to_addr")?,
        lang: r.try_get("lang")?,
        item_id: opt_i64(r, "item_id")?,
        params: serde_json::from_str(&params).map_err(|e| crate::StoreError::Corrupt(e.to_string()))?,
        attempts: r.try_get("attempts")?,
        created_at: r.try_get("created_at")?,
        prefs_token: None,
    })
}

impl Db {
    /// Queues a mail outside an item's event (an operator's test mail); returns its id.
    pub async fn queue_mail(&self, m: &MailRequest, at: i64) -> Result<Option<i64>> {
        let m = m.clone();
        self.write(move |tx| Box::pin(async move { enqueue(tx, &m, at).await })).await
    }

    /// Takes the next due mail for `instance` and marks it `sending`; `None` when nothing is due.
    pub async fn claim_mail(&self, now: i64, instance: &str) -> Result<Option<OutboxMail>> {
        let lock = if self.backend == Backend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "UPDATE mail_outbox SET status = 'sending', sending_since = $1, sending_by = $2 \
             WHERE status = 'queued' AND id = (SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT 1 {lock}) RETURNING {OUTBOX_COLUMNS}"
        );
        let instance = instance.to_string();
        let row = self
            .write(move |tx| {
                Box::pin(async move { Ok(sqlx::query(&sql).bind(now).bind(instance).fetch_optional(&mut **tx).await?) })
            })
            .await?;
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
    /// `segments` counts a text's parts.
    pub async fn mail_sent(
        &self,
        id: i64,
        at: i64,
        transport: &str,
        segments: Option<i64>,
        instance: &str,
    ) -> Result<()> {
        let (transport, instance) = (transport.to_string(), instance.to_string());
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "UPDATE mail_outbox SET status = 'sent', sent_at = $2, transport = $3, attempts = attempts + 1, \
                     segments = $4, sending_since = NULL, last_error = '', \
                     params = CASE WHEN kind = 'sign_in_code' THEN '{}' ELSE params END WHERE id = $1",
                )
                .bind(id)
                .bind(at)
                .bind(transport)
                .bind(segments)
                .execute(&mut **tx)
                .await?;
                record_attempt(tx, id, at, true, "", &instance).await
            })
        })
        .await
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
        let error: String = error.chars().take(500).collect();
        let (policy, instance) = (*policy, instance.to_string());
        self.write(move |tx| {
            Box::pin(async move {
                let attempts: i64 = sqlx::query("SELECT attempts FROM mail_outbox WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?
                    .try_get::<i64, _>("attempts")?
                    + 1;
                let fate = if permanent || attempts >= policy.max_attempts {
                    MailFate::Parked
                } else {
                    MailFate::RetryAt(
                        at + domain::mail::delivery::retry_delay(attempts, policy.base_secs, policy.cap_secs),
                    )
                };
                let (status, next) = match fate {
                    MailFate::Parked => ("parked", at),
                    MailFate::RetryAt(t) => ("queued", t),
                };
                sqlx::query(
                    "UPDATE mail_outbox SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, \
                     sending_since = NULL WHERE id = $1",
                )
                .bind(id)
                .bind(status)
                .bind(attempts)
                .bind(next)
                .bind(&error)
                .execute(&mut **tx)
                .await?;
                record_attempt(tx, id, at, false, &error, &instance).await?;
                Ok(fate)
            })
        })
        .await
    }

    /// Mails left `sending` for longer than `lease_secs` (their worker died): marked `uncertain`,
    /// since the mail server may have accepted them. Returns how many.
    pub async fn mail_recover_stale(&self, now: i64, lease_secs: i64) -> Result<u64> {
        self.write_statement(
            sqlx::query(
                "UPDATE mail_outbox SET status = 'uncertain', sending_since = NULL, \
                 last_error = 'the worker stopped while sending; the mail server may have accepted it' \
                 WHERE status = 'sending' AND sending_since < $1",
            )
            .bind(now - lease_secs),
        )
        .await
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

    /// A gateway's delivery report for a sent text: kept, and the row shows the latest (a final report
    /// is not replaced by an intermediate one). Returns whether the text exists.
    pub async fn record_sms_report(
        &self,
        id: i64,
        delivery: domain::sms::Delivery,
        code: i64,
        at: i64,
    ) -> Result<bool> {
        self.write(move |tx| {
            Box::pin(async move {
                let row = sqlx::query("SELECT delivery FROM mail_outbox WHERE id = $1 AND channel = 'sms'")
                    .bind(id)
                    .fetch_optional(&mut **tx)
                    .await?;
                if row.is_none() {
                    return Ok(false);
                }
                sqlx::query("INSERT INTO sms_reports (outbox_id, delivery, code, at) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(delivery.code())
                    .bind(code)
                    .bind(at)
                    .execute(&mut **tx)
                    .await?;
                // One statement decides, so two reports arriving at once (Kannel sends 1 and 8 together,
                // in either order) cannot both read "nothing yet": a final report always wins.
                sqlx::query(
                    "UPDATE mail_outbox SET delivery = $2, delivery_at = $3 WHERE id = $1 \
                     AND ($4 = 1 OR delivery IS NULL OR delivery NOT IN ('delivered', 'failed', 'rejected'))",
                )
                .bind(id)
                .bind(delivery.code())
                .bind(at)
                .bind(i64::from(delivery.is_final()))
                .execute(&mut **tx)
                .await?;
                Ok(true)
            })
        })
        .await
    }

    /// The delivery reports of a text, oldest first: `(delivery, gateway code, at)`.
    pub async fn sms_reports(&self, id: i64) -> Result<Vec<(String, i64, i64)>> {
        let rows = sqlx::query("SELECT delivery, code, at FROM sms_reports WHERE outbox_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("delivery")?, r.try_get("code")?, r.try_get("at")?))).collect()
    }

    /// The portal path behind a text's short link.
    pub async fn short_link_path(&self, code: &str) -> Result<Option<String>> {
        if !domain::sms::short_link::plausible(code) {
            return Ok(None);
        }
        let row =
            sqlx::query("SELECT path FROM short_links WHERE code = $1").bind(code).fetch_optional(&self.pool).await?;
        row.map(|r| Ok(r.try_get::<String, _>("path")?)).transpose()
    }

    /// Texts sent since `since`, and their parts: `(texts, parts)`.
    pub async fn sms_sent_since(&self, since: i64) -> Result<(i64, i64)> {
        let r = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(segments), 0) AS BIGINT) AS parts FROM mail_outbox \
             WHERE channel = 'sms' AND status = 'sent' AND sent_at >= $1",
        )
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok((r.try_get("n")?, r.try_get("parts")?))
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

    /// What still waits in the outbox, by channel (`mail`, `sms`) and status (`queued`, `sending`,
    /// `parked`), read through the status index (sent messages are not counted).
    pub async fn outbox_backlog(&self) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT channel, status, CAST(COUNT(*) AS BIGINT) AS n FROM mail_outbox \
             WHERE status IN ('queued', 'sending', 'parked') GROUP BY channel, status ORDER BY channel, status",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("channel")?, r.try_get("status")?, r.try_get("n")?))).collect()
    }

    /// Mails by status (newest first), for the admin page and `server mail status`.
    pub async fn mail_list(&self, statuses: &[&str], limit: i64) -> Result<Vec<OutboxEntry>> {
        let list = statuses.iter().map(|s| format!("'{}'", s.replace('\'', ""))).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT o.id, o.kind, o.channel, o.segments, o.delivery, o.to_addr, o.status, o.attempts, o.created_at, \
             o.next_attempt_at, o.sent_at, o.last_error, i.number FROM mail_outbox o LEFT JOIN items i ON i.id = o.item_id WHERE o.status IN ({list}) \
             ORDER BY o.id DESC LIMIT $1"
        );
        let rows = sqlx::query(&sql).bind(limit).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxEntry {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    channel: r.try_get("channel")?,
                    segments: opt_i64(r, "segments")?,
                    delivery: r.try_get("delivery")?,
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
        Ok(self
            .write_statement(
                sqlx::query(
                    "UPDATE mail_outbox SET status = 'queued', attempts = 0, next_attempt_at = $2 \
                     WHERE id = $1 AND status IN ('parked', 'uncertain')",
                )
                .bind(id)
                .bind(now),
            )
            .await?
            == 1)
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
        self.write(move |tx| {
            Box::pin(async move {
                let mut queued = 0;
                let mut staff: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
                for (kind, which, due_col, done_col, window) in scans {
                    let sql = format!(
                        "SELECT i.id, i.number, i.kind, i.title, i.description, i.token, i.town_slug, i.{due_col} AS due FROM items i \
                         WHERE i.{done_col} IS NULL AND i.{due_col} > $1 AND i.{due_col} <= $2 AND {open}"
                    );
                    let rows = sqlx::query(&sql).bind(from + window).bind(to + window).fetch_all(&mut **tx).await?;
                    for r in &rows {
                        let town: String = r.try_get("town_slug")?;
                        if !staff.contains_key(&town) {
                            let list = staff_recipients(tx, Some(&town)).await?;
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
                            if enqueue(tx, &m, to).await?.is_some() {
                                queued += 1;
                            }
                        }
                    }
                }
                Ok(queued)
            })
        })
        .await
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

//! Actions on an item: the lifecycle decides, and status, facts, the timeline event, the rollups,
//! the mails and the audit row are written in one transaction guarded by the item's version.

use crate::items::*;
use crate::mail::{queue_item_mails, ItemMailEvent, MailItem};
use crate::{Db, Result, StoreError};
use domain::kpi::KpiItem;
use domain::lifecycle::{apply, transition, Action, Actor, Outcome};
use domain::workorder::{extension_target, Deadline};
use domain::Rating;
use sqlx::Row;

impl Db {
    /// Applies one action through the lifecycle function, for callers without a staff account
    /// (residents, the seeder's tests). See [`Db::act_by`].
    pub async fn act(
        &self,
        item_id: i64,
        expected_version: Option<i64>,
        actor: Actor,
        actor_label: &str,
        action: &Action,
        at: i64,
    ) -> Result<Outcome> {
        let by = By { actor, label: actor_label.to_string(), staff_id: None, remote_addr: String::new() };
        self.act_by(item_id, expected_version, &by, action, at).await
    }

    /// Applies one action through the lifecycle function: status, timeline event, the item's derived
    /// fields and an audit entry change together or not at all. `expected_version` guards against acting
    /// on a stale page: if someone else acted first, nothing is written and [`StoreError::Conflict`] comes
    /// back. The first staff member to act on an item takes it (its assignee).
    pub async fn act_by(
        &self,
        item_id: i64,
        expected_version: Option<i64>,
        by: &By,
        action: &Action,
        at: i64,
    ) -> Result<Outcome> {
        let settings = self.settings().await?;
        let cal = self.calendar().await?;
        let (db, by, action) = (self.clone(), by.clone(), action.clone());
        self.write(move |tx| {
            Box::pin(async move {
                let (out, _) = db.act_in(tx, item_id, expected_version, &by, &action, at, (&settings, &cal)).await?;
                Ok(out)
            })
        })
        .await
    }

    /// [`Db::act_by`] inside the caller's transaction (the caller holds the write guard), for writes
    /// that must go with the action, such as a donor's claim. Returns the item as it was before.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn act_in(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        item_id: i64,
        expected_version: Option<i64>,
        by: &By,
        action: &Action,
        at: i64,
        (settings, cal): (&crate::Settings, &domain::WorkCalendar),
    ) -> Result<(Outcome, ItemRecord)> {
        let (actor, actor_label) = (by.actor, by.label.as_str());
        let sql = format!("{ITEM_SELECT} WHERE i.id = $1");
        let item = match sqlx::query(&sql).bind(item_id).fetch_optional(&mut **tx).await? {
            Some(r) => item_from_row(&r)?,
            None => return Err(StoreError::NotFound),
        };
        if expected_version.is_some_and(|v| v != item.version) {
            return Err(StoreError::Conflict);
        }
        let rules = (&settings.deadlines, cal);
        let out = transition(&item.state_at(at, rules), actor, action).map_err(StoreError::Refused)?;
        let mut f = item.facts.clone();
        apply(&mut f, item.kind, &out, action, at, rules);
        // An approved extension of the first answer moves the item's own deadline, which the measures
        // judge from then on (the timeline keeps the request and the approval).
        let feedback_due_at = match action {
            Action::ApproveExtension { until }
                if extension_target(item.kind, item.status, &item.facts) == Some(Deadline::Feedback) =>
            {
                *until
            }
            _ => item.feedback_due_at,
        };
        let updated = sqlx::query(
            "UPDATE items SET status = $1, updated_at = $2, version = version + 1, town_slug = $3, routed_at = $4, \
             acceptance_due_at = $5, first_response_at = $6, feedback_at = $7, completion_due_at = $8, closed_at = $9, \
             rating = $10, rating_comment = $11, rated_at = $12, aware = $13, reopen_count = $14, budget_yuan = $15, \
             progress_percent = $16, community_id = $19, assignee_id = COALESCE(assignee_id, $20), claimed_at = $21, \
             fulfilled_at = $22, redo_due_at = $23, redo_feedback_at = $24, sign_due_at = $25, signed_at = $26, \
             return_due_at = $27, return_pending_at = $28, return_count = $29, extension_until = $30, \
             extension_count = $31, feedback_due_at = $32, supervised_at = $33, supervision_due_at = $34, \
             supervision_answered_at = $35, supervision_count = $36, callback_at = $37, callback_reached = $38, \
             rating_source = $39, rectify_due_at = $40, rectified_at = $41, fix_rating = $42, fix_rated_at = $43, \
             appealed_at = $44, appeal_upheld = $45, adopted_at = $46, inspected_at = $47 \
             WHERE id = $17 AND version = $18",
        )
        .bind(out.to.code())
        .bind(at)
        .bind(f.town_slug.as_deref())
        .bind(f.routed_at)
        .bind(f.acceptance_due_at)
        .bind(f.first_response_at)
        .bind(f.feedback_at)
        .bind(f.completion_due_at)
        .bind(f.closed_at)
        .bind(f.rating.map(Rating::code))
        .bind(f.rating_comment.as_deref())
        .bind(f.rated_at)
        .bind(f.aware.map(i64::from))
        .bind(f.reopen_count)
        .bind(f.budget_yuan)
        .bind(f.progress_percent)
        .bind(item.id)
        .bind(item.version)
        .bind(f.community_id)
        .bind(by.staff_id)
        .bind(f.claimed_at)
        .bind(f.fulfilled_at)
        .bind(f.redo_due_at)
        .bind(f.redo_feedback_at)
        .bind(f.sign_due_at)
        .bind(f.signed_at)
        .bind(f.return_due_at)
        .bind(f.return_pending_at)
        .bind(f.return_count)
        .bind(f.extension_until)
        .bind(f.extension_count)
        .bind(feedback_due_at)
        .bind(f.supervised_at)
        .bind(f.supervision_due_at)
        .bind(f.supervision_answered_at)
        .bind(f.supervision_count)
        .bind(f.callback_at)
        .bind(f.callback_reached.map(i64::from))
        .bind(f.rating_source.map(|s| s.code()))
        .bind(f.rectify_due_at)
        .bind(f.rectified_at)
        .bind(f.fix_rating.map(Rating::code))
        .bind(f.fix_rated_at)
        .bind(f.appealed_at)
        .bind(f.appeal_upheld.map(i64::from))
        .bind(f.adopted_at)
        .bind(f.inspected_at)
        .execute(&mut **tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        if let Action::Publish { text } = action {
            // The reviewed text goes on the wall; the resident's own words stay internal.
            sqlx::query("UPDATE items SET public_text = $1 WHERE id = $2")
                .bind(text.trim())
                .bind(item.id)
                .execute(&mut **tx)
                .await?;
        }
        if let Action::MarkDuplicate { of_number } = action {
            // Merged: the duplicate's submitter follows the original from now on.
            sqlx::query(
                "UPDATE items SET duplicate_of = (SELECT id FROM items WHERE number = $1 AND id <> $2) WHERE id = $2",
            )
            .bind(of_number.trim().to_uppercase())
            .bind(item.id)
            .execute(&mut **tx)
            .await?;
        }
        let before = item.kpi_item();
        let after = KpiItem { status: out.to, feedback_due_at, ..ItemRecord::kpi_of(&item, &f) };
        crate::rollups::rollup_change(tx, self.backend, Some(&before), Some(&after)).await?;
        insert_event(
            tx,
            item.id,
            at,
            actor_code(actor),
            actor_label,
            action.code(),
            Some(item.status),
            out.to,
            out.public,
            &action.text(),
        )
        .await?;
        let audit = crate::staff::AuditEntry {
            at,
            actor: if actor_label.is_empty() {
                actor_code(actor).to_string()
            } else {
                format!("{}:{actor_label}", actor_code(actor))
            },
            action: action.code().to_string(),
            detail: format!("{} → {} {}", item.status.code(), out.to.code(), action.text()).trim_end().to_string(),
            remote_addr: by.remote_addr.clone(),
            user_id: by.staff_id,
        };
        crate::staff::insert_audit(tx, &audit, Some(item.id)).await?;
        let mail_item = MailItem {
            id: item.id,
            number: &item.number,
            kind: item.kind,
            title: &item.title,
            description: &item.description,
            token: &item.token,
            contact_email: item.contact_email.as_deref(),
            contact_phone: &item.contact_phone,
            lang: &item.lang,
        };
        let event = ItemMailEvent::Acted { action, out: &out, actor, town: f.town_slug.as_deref() };
        queue_item_mails(tx, &mail_item, event, at).await?;
        // Residents whose duplicates were merged into this item hear what its submitter hears.
        let followers = sqlx::query(
            "SELECT id, number, kind, title, description, token, contact_email, contact_phone, lang FROM items \
             WHERE duplicate_of = $1 ORDER BY id",
        )
        .bind(item.id)
        .fetch_all(&mut **tx)
        .await?;
        for r in &followers {
            let kind: String = r.try_get("kind")?;
            let (number, title, description, token, phone, lang): (String, String, String, String, String, String) = (
                r.try_get("number")?,
                r.try_get("title")?,
                r.try_get("description")?,
                r.try_get("token")?,
                r.try_get("contact_phone")?,
                r.try_get("lang")?,
            );
            let email: Option<String> = r.try_get("contact_email")?;
            let follower = MailItem {
                id: r.try_get("id")?,
                number: &number,
                kind: domain::Kind::from_code(&kind).unwrap_or(item.kind),
                title: &title,
                description: &description,
                token: &token,
                contact_email: email.as_deref(),
                contact_phone: &phone,
                lang: &lang,
            };
            let event = ItemMailEvent::Followed { action, out: &out, actor, town: f.town_slug.as_deref() };
            queue_item_mails(tx, &follower, event, at).await?;
        }
        crate::claims::follow_item_action(tx, item.id, actor, action, &out, at).await?;
        Ok((out, item))
    }
}

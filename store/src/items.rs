//! Items (micro-wishes and micro-projects), their timelines, and the measures over them.

use crate::mail::{queue_item_mails, ItemMailEvent, MailItem};
use crate::{new_token, opt_i64, Db, Result, StoreError};
use domain::kpi::KpiItem;
use domain::lifecycle::{Actor, Facts, ItemState};
use domain::{item_number, Kind, Rating, Status};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A new item, validated, with its deadlines computed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    pub kind: Kind,
    /// Beneficiary code for a wish, category code for a project.
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: String,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub submitted_by: String,
    pub helper_org: Option<String>,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: Option<String>,
    pub lang: String,
    pub town_slug: Option<String>,
    pub community_id: Option<i64>,
    /// The place in the resident's words (not listed / not sure).
    pub place_text: Option<String>,
    /// The person a helper or organisation submits for.
    pub beneficiary: Option<domain::validate::BeneficiaryPerson>,
    pub submission_key: Option<String>,
    pub submitted_at: i64,
    pub acceptance_due_at: i64,
    pub feedback_due_at: i64,
    /// For an item routed on submission: the town's sign-for (签收) and return (退单) windows.
    pub sign_due_at: Option<i64>,
    pub return_due_at: Option<i64>,
}

impl NewItem {
    /// An item of `kind` with every other field empty, for building one field by field.
    pub fn blank(kind: Kind) -> NewItem {
        NewItem {
            kind,
            category: String::new(),
            title: String::new(),
            description: String::new(),
            location: String::new(),
            amount_yuan: 0,
            urgent: false,
            submitted_by: String::new(),
            helper_org: None,
            contact_name: String::new(),
            contact_phone: String::new(),
            contact_email: None,
            lang: String::new(),
            town_slug: None,
            community_id: None,
            place_text: None,
            beneficiary: None,
            submission_key: None,
            submitted_at: 0,
            acceptance_due_at: 0,
            feedback_due_at: 0,
            sign_due_at: None,
            return_due_at: None,
        }
    }
}

/// What a resident gets back after submitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub id: i64,
    pub number: String,
    pub token: String,
    /// The same form was submitted before (double click, resent request): this is that item.
    pub already_existed: bool,
}

/// An item as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemRecord {
    pub id: i64,
    pub number: String,
    pub kind: Kind,
    pub token: String,
    pub status: Status,
    pub community_id: Option<i64>,
    pub community_name: Option<String>,
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: String,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub submitted_by: String,
    pub helper_org: Option<String>,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: Option<String>,
    pub lang: String,
    pub submitted_at: i64,
    pub feedback_due_at: i64,
    /// The place in the resident's words when no village was chosen.
    pub place_text: Option<String>,
    /// The person a helper or organisation submitted for (internal: staff only).
    pub beneficiary: Option<domain::validate::BeneficiaryPerson>,
    /// The text staff reviewed for the wish wall (`None` until then).
    pub public_text: Option<String>,
    /// Everything the lifecycle derives from actions (deadlines met, rating, closure…).
    pub facts: Facts,
    pub version: i64,
}

impl ItemRecord {
    /// What the measures need of this item.
    pub fn kpi_item(&self) -> KpiItem {
        ItemRecord::kpi_of(self, &self.facts)
    }

    pub(crate) fn kpi_of(&self, f: &Facts) -> KpiItem {
        KpiItem::new(self.kind, &self.category, self.status, self.submitted_at, self.feedback_due_at, f)
    }

    /// What the lifecycle function needs, without the work order (see [`ItemRecord::state_at`]).
    pub fn state(&self) -> ItemState {
        ItemState {
            kind: self.kind,
            status: self.status,
            rating: self.facts.rating,
            reopened: self.facts.reopen_count > 0,
            order: Default::default(),
        }
    }

    /// What the lifecycle function needs at `now`, with the work order (签收, 退单, 延期) as it stands
    /// then. Staff actions are decided on this; residents' actions do not depend on the work order.
    pub fn state_at(&self, now: i64, rules: (&domain::calendar::DeadlineRules, &domain::WorkCalendar)) -> ItemState {
        let order =
            domain::workorder::order_state(self.kind, self.status, &self.facts, self.feedback_due_at, now, rules);
        ItemState { order, ..self.state() }
    }
}

/// Who takes an action: the lifecycle's actor, a label for the timeline (a staff member's name), the
/// staff account if any, and the client address for the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct By {
    pub actor: Actor,
    pub label: String,
    pub staff_id: Option<i64>,
    pub remote_addr: String,
}

/// One entry of an item's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemEvent {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub public: bool,
    pub body: String,
}

pub(crate) fn actor_code(a: Actor) -> &'static str {
    match a {
        Actor::Resident => "resident",
        Actor::Staff => "staff",
        Actor::Donor => "donor",
        Actor::System => "system",
    }
}

/// The one query an [`ItemRecord`] is read with; add the `WHERE` clause.
pub(crate) const ITEM_SELECT: &str = "SELECT i.id, i.number, i.kind, i.token, i.status, i.town_slug, i.community_id, \
    c.name AS community_name, i.category, i.title, i.description, i.location, i.amount_yuan, i.urgent, i.submitted_by, \
    i.helper_org, i.contact_name, i.contact_phone, i.contact_email, i.lang, i.submitted_at, i.routed_at, \
    i.acceptance_due_at, i.first_response_at, i.feedback_due_at, i.feedback_at, i.completion_due_at, i.closed_at, \
    i.rating, i.rating_comment, i.rated_at, i.aware, i.reopen_count, i.budget_yuan, i.progress_percent, i.adopted_at, \
    i.inspected_at, i.claimed_at, i.fulfilled_at, i.redo_due_at, i.redo_feedback_at, i.sign_due_at, i.signed_at, i.return_due_at, \
    i.return_pending_at, i.return_count, i.extension_until, i.extension_count, i.supervised_at, i.supervision_due_at, \
    i.supervision_answered_at, i.supervision_count, i.callback_at, i.callback_reached, i.rating_source, \
    i.rectify_due_at, i.rectified_at, i.fix_rating, i.fix_rated_at, i.appealed_at, i.appeal_upheld, i.version, i.place_text, i.beneficiary_name, i.beneficiary_phone, i.beneficiary_address, \
    i.beneficiary_relation, i.public_text FROM items i LEFT JOIN communities c ON c.id = i.community_id";

pub(crate) fn item_from_row(r: &AnyRow) -> Result<ItemRecord> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    let rating: Option<String> = r.try_get("rating")?;
    Ok(ItemRecord {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        kind: Kind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("kind {kind}")))?,
        token: r.try_get("token")?,
        status: Status::from_code(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        community_id: opt_i64(r, "community_id")?,
        community_name: r.try_get("community_name")?,
        category: r.try_get("category")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        location: r.try_get("location")?,
        amount_yuan: r.try_get("amount_yuan")?,
        urgent: r.try_get::<i64, _>("urgent")? != 0,
        submitted_by: r.try_get("submitted_by")?,
        helper_org: r.try_get("helper_org")?,
        contact_name: r.try_get("contact_name")?,
        contact_phone: r.try_get("contact_phone")?,
        contact_email: r.try_get("contact_email")?,
        lang: r.try_get("lang")?,
        submitted_at: r.try_get("submitted_at")?,
        feedback_due_at: r.try_get("feedback_due_at")?,
        place_text: r.try_get("place_text")?,
        beneficiary: beneficiary_from_row(r)?,
        public_text: r.try_get("public_text")?,
        facts: Facts {
            town_slug: r.try_get("town_slug")?,
            community_id: opt_i64(r, "community_id")?,
            routed_at: opt_i64(r, "routed_at")?,
            acceptance_due_at: r.try_get("acceptance_due_at")?,
            first_response_at: opt_i64(r, "first_response_at")?,
            feedback_at: opt_i64(r, "feedback_at")?,
            completion_due_at: opt_i64(r, "completion_due_at")?,
            closed_at: opt_i64(r, "closed_at")?,
            rating: rating.as_deref().and_then(Rating::from_code),
            rating_comment: r.try_get("rating_comment")?,
            rated_at: opt_i64(r, "rated_at")?,
            aware: opt_i64(r, "aware")?.map(|v| v != 0),
            reopen_count: r.try_get("reopen_count")?,
            budget_yuan: opt_i64(r, "budget_yuan")?,
            progress_percent: r.try_get("progress_percent")?,
            adopted_at: opt_i64(r, "adopted_at")?,
            inspected_at: opt_i64(r, "inspected_at")?,
            claimed_at: opt_i64(r, "claimed_at")?,
            fulfilled_at: opt_i64(r, "fulfilled_at")?,
            redo_due_at: opt_i64(r, "redo_due_at")?,
            redo_feedback_at: opt_i64(r, "redo_feedback_at")?,
            sign_due_at: opt_i64(r, "sign_due_at")?,
            signed_at: opt_i64(r, "signed_at")?,
            return_due_at: opt_i64(r, "return_due_at")?,
            return_pending_at: opt_i64(r, "return_pending_at")?,
            return_count: r.try_get("return_count")?,
            extension_until: opt_i64(r, "extension_until")?,
            extension_count: r.try_get("extension_count")?,
            supervised_at: opt_i64(r, "supervised_at")?,
            supervision_due_at: opt_i64(r, "supervision_due_at")?,
            supervision_answered_at: opt_i64(r, "supervision_answered_at")?,
            supervision_count: r.try_get("supervision_count")?,
            callback_at: opt_i64(r, "callback_at")?,
            callback_reached: opt_i64(r, "callback_reached")?.map(|v| v != 0),
            rating_source: r
                .try_get::<Option<String>, _>("rating_source")?
                .as_deref()
                .and_then(domain::RatingSource::from_code),
            rectify_due_at: opt_i64(r, "rectify_due_at")?,
            rectified_at: opt_i64(r, "rectified_at")?,
            fix_rating: r.try_get::<Option<String>, _>("fix_rating")?.as_deref().and_then(Rating::from_code),
            fix_rated_at: opt_i64(r, "fix_rated_at")?,
            appealed_at: opt_i64(r, "appealed_at")?,
            appeal_upheld: opt_i64(r, "appeal_upheld")?.map(|v| v != 0),
        },
        version: r.try_get("version")?,
    })
}

fn beneficiary_from_row(r: &AnyRow) -> Result<Option<domain::validate::BeneficiaryPerson>> {
    let name: Option<String> = r.try_get("beneficiary_name")?;
    let Some(name) = name else { return Ok(None) };
    let relation: Option<String> = r.try_get("beneficiary_relation")?;
    Ok(Some(domain::validate::BeneficiaryPerson {
        name,
        phone: r.try_get("beneficiary_phone")?,
        address: r.try_get::<Option<String>, _>("beneficiary_address")?.unwrap_or_default(),
        relation: relation
            .as_deref()
            .and_then(domain::validate::Relation::from_code)
            .unwrap_or(domain::validate::Relation::Other),
    }))
}

/// The stored idempotency key of a submission: SHA-256 over the form's random key and every field the
/// resident submitted, hex. `None` without a key. Any key length works (the body limit bounds it).
pub fn bound_submission_key(n: &NewItem) -> Option<String> {
    use sha2::{Digest, Sha256};
    let key = n.submission_key.as_deref().map(str::trim).filter(|k| !k.is_empty())?;
    let mut h = Sha256::new();
    let amount = n.amount_yuan.to_string();
    let community = n.community_id.unwrap_or(0).to_string();
    let b = n.beneficiary.as_ref();
    let parts: [&str; 20] = [
        key,
        n.kind.code(),
        &n.category,
        &n.title,
        &n.description,
        &n.location,
        &amount,
        if n.urgent { "urgent" } else { "" },
        &n.submitted_by,
        n.helper_org.as_deref().unwrap_or(""),
        &n.contact_name,
        &n.contact_phone,
        n.contact_email.as_deref().unwrap_or(""),
        n.town_slug.as_deref().unwrap_or(""),
        &community,
        n.place_text.as_deref().unwrap_or(""),
        b.map_or("", |b| b.name.as_str()),
        b.and_then(|b| b.phone.as_deref()).unwrap_or(""),
        b.map_or("", |b| b.address.as_str()),
        b.map_or("", |b| b.relation.code()),
    ];
    for p in parts {
        // Length-prefixed, so no two different submissions run together into the same bytes.
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    Some(format!("{:x}", h.finalize()))
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

impl Db {
    /// Stores a new item with its first timeline events in one transaction. A repeated submission key
    /// with the same content returns the item made the first time instead of a second one (a double
    /// tap); the same key with other content (a cached form page, the back button on a shared phone)
    /// makes a new item and never answers with someone else's: the stored key is a digest of the
    /// form's key and everything submitted ([`bound_submission_key`]).
    pub async fn create_item(&self, n: &NewItem) -> Result<Created> {
        let bound = NewItem { submission_key: bound_submission_key(n), ..n.clone() };
        let n = &bound;
        if let Some(existing) = self.item_by_submission_key(n.submission_key.as_deref()).await? {
            return Ok(existing);
        }
        match self.insert_item(n).await {
            Err(StoreError::Db(e)) if is_unique_violation(&e) && n.submission_key.is_some() => {
                // A concurrent double submit won the race; answer with its item.
                self.item_by_submission_key(n.submission_key.as_deref()).await?.ok_or(StoreError::Db(e))
            }
            other => other,
        }
    }

    async fn item_by_submission_key(&self, key: Option<&str>) -> Result<Option<Created>> {
        let Some(key) = key.filter(|k| !k.is_empty()) else { return Ok(None) };
        let row = sqlx::query("SELECT id, number, token FROM items WHERE submission_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(Created {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                token: r.try_get("token")?,
                already_existed: true,
            }),
            None => None,
        })
    }

    async fn insert_item(&self, n: &NewItem) -> Result<Created> {
        let (n, backend) = (n.clone(), self.backend);
        self.write(move |tx| Box::pin(async move { insert_item_in(tx, backend, &n).await })).await
    }

    /// The item behind a tracking token.
    pub async fn item_by_token(&self, token: &str) -> Result<Option<ItemRecord>> {
        if token.is_empty() || token.len() > 64 {
            return Ok(None);
        }
        let sql = format!("{ITEM_SELECT} WHERE i.token = $1");
        let row = sqlx::query(&sql).bind(token).fetch_optional(&self.pool).await?;
        row.as_ref().map(item_from_row).transpose()
    }

    /// The item with this readable number.
    pub async fn item_by_number(&self, number: &str) -> Result<Option<ItemRecord>> {
        let sql = format!("{ITEM_SELECT} WHERE i.number = $1");
        let row = sqlx::query(&sql).bind(number).fetch_optional(&self.pool).await?;
        row.as_ref().map(item_from_row).transpose()
    }

    /// The tracking token of the item with this number, if the phone on it ends with `tail`.
    pub async fn token_by_number_and_phone_tail(&self, number: &str, tail: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT token, contact_phone FROM items WHERE number = $1")
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => {
                let phone: String = r.try_get("contact_phone")?;
                (tail.len() == 4 && phone.ends_with(tail)).then(|| r.try_get("token")).transpose()?
            }
            None => None,
        })
    }

    /// An item's timeline, oldest first; `public_only` hides internal notes.
    pub async fn events(&self, item_id: i64, public_only: bool) -> Result<Vec<ItemEvent>> {
        let rows = sqlx::query(
            "SELECT at, actor, action, from_status, to_status, public, body FROM item_events \
             WHERE item_id = $1 AND (public = 1 OR $2 = 0) ORDER BY at, id",
        )
        .bind(item_id)
        .bind(i64::from(public_only))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ItemEvent {
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    from_status: r.try_get("from_status")?,
                    to_status: r.try_get("to_status")?,
                    public: r.try_get::<i64, _>("public")? != 0,
                    body: r.try_get("body")?,
                })
            })
            .collect()
    }

    /// Records a one-tap answer to "Had you heard of 民生大莞家 before today?" given outside the rating form.
    pub async fn record_awareness(&self, yes: bool, source: &str, at: i64) -> Result<()> {
        let source = source.to_owned();
        let db = self.clone();
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query("INSERT INTO awareness_answers (answered_at, source, yes) VALUES ($1, $2, $3)")
                    .bind(at)
                    .bind(source)
                    .bind(i64::from(yes))
                    .execute(&mut **tx)
                    .await?;
                let t = domain::kpi::Tally { aware_answers: 1, aware_yes: i64::from(yes), ..Default::default() };
                let key = domain::kpi::RollupKey::home_awareness(domain::kpi::month_of(at));
                crate::rollups::apply_rollup(tx, db.backend, &key, &t).await?;
                Ok(())
            })
        })
        .await
    }

    /// Counts items, for the seeder and tests.
    pub async fn count_items(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM items").fetch_one(&self.pool).await?.try_get("n")?)
    }
}

/// Writes a new item, its first timeline events, its measure rollups and its receipts, inside the
/// caller's write ([`Db::write`]).
pub(crate) async fn insert_item_in(
    tx: &mut crate::writer::Tx,
    backend: crate::Backend,
    n: &NewItem,
) -> Result<Created> {
    // Routed on submission: the town's sign-for (签收) and return (退单) windows, as the caller
    // computed them with the other deadlines (none without a town).
    let (sign_due_at, return_due_at) =
        if n.town_slug.is_some() { (n.sign_due_at, n.return_due_at) } else { (None, None) };
    let year = domain::Date::from_timestamp(n.submitted_at).year;
    let seq: i64 = sqlx::query(
        "INSERT INTO item_counters (kind, year, last) VALUES ($1, $2, 1) \
         ON CONFLICT (kind, year) DO UPDATE SET last = item_counters.last + 1 RETURNING last",
    )
    .bind(n.kind.code())
    .bind(i64::from(year))
    .fetch_one(&mut **tx)
    .await?
    .try_get("last")?;
    let number = item_number(n.kind, year, seq);
    let token = new_token();
    let status = if n.town_slug.is_some() { Status::Routed } else { Status::Submitted };
    let id: i64 = sqlx::query(
        "INSERT INTO items (number, kind, year, seq, token, submission_key, status, town_slug, community_id, category, \
         title, description, location, amount_yuan, urgent, submitted_by, helper_org, contact_name, contact_phone, \
         contact_email, lang, submitted_at, routed_at, acceptance_due_at, feedback_due_at, updated_at, place_text, \
         beneficiary_name, beneficiary_phone, beneficiary_address, beneficiary_relation, beneficiary_consent, \
         sign_due_at, return_due_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, \
         $24, $25, $22, $26, $27, $28, $29, $30, $31, $32, $33) RETURNING id",
    )
    .bind(&number)
    .bind(n.kind.code())
    .bind(i64::from(year))
    .bind(seq)
    .bind(&token)
    .bind(n.submission_key.as_deref().filter(|k| !k.is_empty()))
    .bind(status.code())
    .bind(n.town_slug.as_deref())
    .bind(n.community_id)
    .bind(&n.category)
    .bind(&n.title)
    .bind(&n.description)
    .bind(&n.location)
    .bind(n.amount_yuan)
    .bind(i64::from(n.urgent))
    .bind(&n.submitted_by)
    .bind(n.helper_org.as_deref())
    .bind(&n.contact_name)
    .bind(&n.contact_phone)
    .bind(n.contact_email.as_deref())
    .bind(&n.lang)
    .bind(n.submitted_at)
    .bind(n.town_slug.as_ref().map(|_| n.submitted_at))
    .bind(n.acceptance_due_at)
    .bind(n.feedback_due_at)
    .bind(n.place_text.as_deref())
    .bind(n.beneficiary.as_ref().map(|b| b.name.as_str()))
    .bind(n.beneficiary.as_ref().and_then(|b| b.phone.as_deref()))
    .bind(n.beneficiary.as_ref().map(|b| b.address.as_str()))
    .bind(n.beneficiary.as_ref().map(|b| b.relation.code()))
    // Validation refuses a beneficiary without their consent.
    .bind(i64::from(n.beneficiary.is_some()))
    .bind(sign_due_at)
    .bind(return_due_at)
    .fetch_one(&mut **tx)
    .await?
    .try_get("id")?;
    insert_event(tx, id, n.submitted_at, "resident", "", "submit", None, Status::Submitted, true, "").await?;
    if let Some(town) = &n.town_slug {
        insert_event(
            tx,
            id,
            n.submitted_at,
            "system",
            "",
            "route",
            Some(Status::Submitted),
            Status::Routed,
            true,
            town,
        )
        .await?;
    }
    // The facts the row was written with (the rollups must count what the row holds).
    let facts = Facts {
        town_slug: n.town_slug.clone(),
        acceptance_due_at: n.acceptance_due_at,
        sign_due_at,
        return_due_at,
        ..Facts::default()
    };
    let kpi = KpiItem::new(n.kind, &n.category, status, n.submitted_at, n.feedback_due_at, &facts);
    crate::rollups::rollup_change(tx, backend, None, Some(&kpi)).await?;
    let mail_item = MailItem {
        id,
        number: &number,
        kind: n.kind,
        title: &n.title,
        description: &n.description,
        token: &token,
        contact_email: n.contact_email.as_deref(),
        contact_phone: &n.contact_phone,
        lang: &n.lang,
    };
    queue_item_mails(tx, &mail_item, ItemMailEvent::Submitted { town: n.town_slug.as_deref() }, n.submitted_at).await?;
    Ok(Created { id, number, token, already_existed: false })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    item_id: i64,
    at: i64,
    actor: &str,
    actor_label: &str,
    action: &str,
    from: Option<Status>,
    to: Status,
    public: bool,
    body: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO item_events (item_id, at, actor, action, from_status, to_status, public, body, actor_label) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(item_id)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(from.map(Status::code))
    .bind(to.code())
    .bind(i64::from(public))
    .bind(body)
    .bind(actor_label)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The column list shared by single and bulk event inserts (the seeder leaves `actor_label` empty).
pub(crate) fn insert_event_sql() -> &'static str {
    "INSERT INTO item_events (item_id, at, actor, action, from_status, to_status, public, body)"
}

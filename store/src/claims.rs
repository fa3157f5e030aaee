//! Donors' claims of micro-wishes: the claim and the item's `claim` action in one transaction (at most
//! one live claim per wish, decided by the database), lapses, staff confirmation, and what follows
//! the item's own actions (delivery recorded, receipt confirmed, claim released, wish withdrawn).

use crate::items::By;
use crate::new_token;
use crate::{Db, Result, StoreError};
use domain::claims::{ClaimStatus, DonorKind, ValidClaim};
use domain::lifecycle::{Action, Actor, Outcome, TransitionError};
use domain::{Kind, Status};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

/// One claim, with the number of the wish it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub id: i64,
    pub item_id: i64,
    pub item_number: String,
    /// The donor's private link: `/c/{token}`.
    pub token: String,
    pub donor_kind: DonorKind,
    pub donor_name: String,
    pub donor_contact: String,
    pub thank_publicly: bool,
    pub lang: String,
    pub status: ClaimStatus,
    pub created_at: i64,
    pub hold_until: i64,
    pub confirmed_at: Option<i64>,
    pub delivered_at: Option<i64>,
    pub received_at: Option<i64>,
    pub ended_at: Option<i64>,
}

/// The answer to a donor's claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ClaimOutcome {
    /// This donor holds the wish until `hold_until`; their link carries `token`.
    Claimed { token: String, hold_until: i64 },
    /// Someone else claimed it first, or it is no longer open.
    Taken,
    /// No published wish has this number.
    NotFound,
}

/// A wish as the public wall shows it: nothing that names or reaches the beneficiary or the resident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WallWish {
    pub number: String,
    /// `published` (open to claim) or `claimed`.
    pub status: Status,
    /// The beneficiary group (`elderly_alone`, …), never a person.
    pub category: String,
    pub town_slug: String,
    pub community_name: String,
    /// The need, with digit runs hidden ([`domain::claims::wall_text`]).
    pub need: String,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub submitted_at: i64,
}

/// Filters of the wall.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WallQuery {
    pub town: Option<String>,
    pub category: Option<String>,
    /// Include wishes already claimed (shown after the open ones).
    pub with_claimed: bool,
    pub limit: i64,
    pub offset: i64,
}

/// A donor thanked in public (they opted in), for a fulfilled wish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thanks {
    pub donor_name: String,
    pub donor_kind: DonorKind,
    pub town_slug: String,
    pub received_at: i64,
}

/// Wall text length, in characters.
const WALL_NEED_MAX: usize = 120;

const CLAIM_COLUMNS: &str = "c.id, c.item_id, i.number, c.token, c.donor_kind, c.donor_name, c.donor_contact, \
     c.thank_publicly, c.lang, c.status, c.created_at, c.hold_until, c.confirmed_at, c.delivered_at, c.received_at, \
     c.ended_at";

fn claim_from_row(r: &AnyRow) -> Result<Claim> {
    let kind: String = r.try_get("donor_kind")?;
    let status: String = r.try_get("status")?;
    Ok(Claim {
        id: r.try_get("id")?,
        item_id: r.try_get("item_id")?,
        item_number: r.try_get("number")?,
        token: r.try_get("token")?,
        donor_kind: DonorKind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("donor kind {kind}")))?,
        donor_name: r.try_get("donor_name")?,
        donor_contact: r.try_get("donor_contact")?,
        thank_publicly: r.try_get::<i64, _>("thank_publicly")? != 0,
        lang: r.try_get("lang")?,
        status: ClaimStatus::from_code(&status).ok_or_else(|| StoreError::Corrupt(format!("claim status {status}")))?,
        created_at: r.try_get("created_at")?,
        hold_until: r.try_get("hold_until")?,
        confirmed_at: r.try_get("confirmed_at")?,
        delivered_at: r.try_get("delivered_at")?,
        received_at: r.try_get("received_at")?,
        ended_at: r.try_get("ended_at")?,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// What a claim goes through when its wish is acted on, in the action's transaction.
pub(crate) async fn follow_item_action(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    item_id: i64,
    actor: Actor,
    action: &Action,
    out: &Outcome,
    at: i64,
) -> Result<()> {
    let (sql, refuse_if_none) = match action {
        Action::RecordFulfilment { .. } => (
            "UPDATE wish_claims SET status = 'delivered', delivered_at = $1 \
             WHERE item_id = $2 AND status IN ('held', 'confirmed')",
            false,
        ),
        Action::ConfirmReceipt => (
            "UPDATE wish_claims SET status = 'fulfilled', received_at = $1, ended_at = $1 \
             WHERE item_id = $2 AND status = 'delivered'",
            true,
        ),
        Action::ReleaseClaim if actor == Actor::System => (
            "UPDATE wish_claims SET status = 'lapsed', ended_at = $1 WHERE item_id = $2 AND status IN ('held', 'confirmed')",
            false,
        ),
        Action::ReleaseClaim => (
            "UPDATE wish_claims SET status = 'released', ended_at = $1 \
             WHERE item_id = $2 AND status IN ('held', 'confirmed')",
            false,
        ),
        _ if matches!(out.to, Status::Withdrawn | Status::Declined | Status::Duplicate) => (
            "UPDATE wish_claims SET status = 'released', ended_at = $1 \
             WHERE item_id = $2 AND status IN ('held', 'confirmed', 'delivered')",
            false,
        ),
        _ => return Ok(()),
    };
    let r = sqlx::query(sql).bind(at).bind(item_id).execute(&mut **tx).await?;
    if refuse_if_none && r.rows_affected() == 0 {
        // Only a delivery by a donor waits for the beneficiary's confirmation, and only once.
        return Err(StoreError::Refused(TransitionError::NotAllowedNow));
    }
    Ok(())
}

impl Db {
    /// A donor claims the published wish `number`. The item's `claim` action and the claim row are
    /// written together; when two donors claim at the same moment exactly one gets
    /// [`ClaimOutcome::Claimed`], the other [`ClaimOutcome::Taken`].
    /// Claims one donor contact holds now (held before their hold ends, or confirmed; not yet delivered).
    pub async fn live_claims_of_contact(&self, contact: &str, now: i64) -> Result<i64> {
        let r = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM wish_claims WHERE donor_contact = $1 \
             AND (status = 'confirmed' OR (status = 'held' AND hold_until > $2))",
        )
        .bind(contact)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(r.try_get("n")?)
    }

    pub async fn claim_wish(&self, number: &str, donor: &ValidClaim, lang: &str, at: i64) -> Result<ClaimOutcome> {
        let settings = self.settings().await?;
        let cal = self.calendar().await?;
        let Some(item) = self.item_by_number(number).await? else { return Ok(ClaimOutcome::NotFound) };
        if item.kind != Kind::Wish || !matches!(item.status, Status::Published | Status::Claimed) {
            return Ok(ClaimOutcome::NotFound);
        }
        let by = By {
            actor: Actor::Donor,
            label: donor.donor_kind.code().to_string(),
            staff_id: None,
            remote_addr: String::new(),
        };
        let (db, donor, lang) = (self.clone(), donor.clone(), lang.to_string());
        let claimed = self
            .write(move |tx| {
                Box::pin(async move {
                    // Any refusal below rolls the whole claim back; the caller reads it as "taken".
                    db.act_in(tx, item.id, None, &by, &Action::Claim, at, (&settings, &cal)).await?;
                    let token = new_token();
                    let hold_until = at + settings.claim_hold_days * 86_400;
                    sqlx::query(
                        "INSERT INTO wish_claims (item_id, token, donor_kind, donor_name, donor_contact, thank_publicly, \
                         lang, status, created_at, hold_until) VALUES ($1, $2, $3, $4, $5, $6, $7, 'held', $8, $9)",
                    )
                    .bind(item.id)
                    .bind(&token)
                    .bind(donor.donor_kind.code())
                    .bind(&donor.donor_name)
                    .bind(&donor.contact)
                    .bind(i64::from(donor.thank_publicly))
                    .bind(&lang)
                    .bind(at)
                    .bind(hold_until)
                    .execute(&mut **tx)
                    .await?;
                    // A donor gets their private link by mail or by text (a mobile), queued with the
                    // claim; a landline gets nothing (`enqueue` skips it): the page they are on shows the link.
                    let m = crate::MailRequest {
                        kind: domain::mail::MailKind::DonorClaim,
                        to: donor.contact.clone(),
                        lang: lang.clone(),
                        item_id: Some(item.id),
                        params: crate::MailParams {
                            number: item.number.clone(),
                            title: domain::claims::wall_text(item.public_text.as_deref().unwrap_or_default(), 40),
                            kind: "wish".into(),
                            token: token.clone(),
                            due_at: Some(hold_until),
                            ..crate::MailParams::default()
                        },
                        dedupe_key: None,
                    };
                    crate::mail::enqueue(tx, &m, at).await?;
                    Ok((token, hold_until))
                })
            })
            .await;
        match claimed {
            Ok((token, hold_until)) => Ok(ClaimOutcome::Claimed { token, hold_until }),
            Err(StoreError::Refused(_) | StoreError::Conflict) => Ok(ClaimOutcome::Taken),
            Err(StoreError::Db(e)) if is_unique_violation(&e) || is_serialization_failure(&e) => {
                Ok(ClaimOutcome::Taken)
            }
            Err(e) => Err(e),
        }
    }

    /// The claim behind a donor's private link.
    pub async fn claim_by_token(&self, token: &str) -> Result<Option<Claim>> {
        let sql =
            format!("SELECT {CLAIM_COLUMNS} FROM wish_claims c JOIN items i ON i.id = c.item_id WHERE c.token = $1");
        sqlx::query(&sql).bind(token).fetch_optional(&self.pool).await?.as_ref().map(claim_from_row).transpose()
    }

    /// Every claim of a wish, newest first (for staff).
    pub async fn claims_of_item(&self, item_id: i64) -> Result<Vec<Claim>> {
        let sql = format!(
            "SELECT {CLAIM_COLUMNS} FROM wish_claims c JOIN items i ON i.id = c.item_id WHERE c.item_id = $1 \
             ORDER BY c.created_at DESC, c.id DESC"
        );
        sqlx::query(&sql).bind(item_id).fetch_all(&self.pool).await?.iter().map(claim_from_row).collect()
    }

    /// The live claim of a wish (held, confirmed or delivered), if any.
    pub async fn live_claim_of_item(&self, item_id: i64) -> Result<Option<Claim>> {
        Ok(self.claims_of_item(item_id).await?.into_iter().find(|c| c.status.is_live()))
    }

    /// Staff confirm a held claim (they reached the donor and agreed the delivery): an internal
    /// timeline entry and an audit line with it.
    pub async fn confirm_claim(&self, claim_id: i64, by: &By, at: i64) -> Result<()> {
        let settings = self.settings().await?;
        let cal = self.calendar().await?;
        let (db, by) = (self.clone(), by.clone());
        self.write(move |tx| {
            Box::pin(async move {
                let row = sqlx::query("SELECT item_id, donor_name FROM wish_claims WHERE id = $1 AND status = 'held'")
                    .bind(claim_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::Refused(TransitionError::NotAllowedNow))?;
                let (item_id, donor): (i64, String) = (row.try_get("item_id")?, row.try_get("donor_name")?);
                let note = Action::Note { text: format!("认领已确认：{donor}"), public: false };
                db.act_in(tx, item_id, None, &by, &note, at, (&settings, &cal)).await?;
                sqlx::query(
                    "UPDATE wish_claims SET status = 'confirmed', confirmed_at = $1 WHERE id = $2 AND status = 'held'",
                )
                .bind(at)
                .bind(claim_id)
                .execute(&mut **tx)
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// The donor lets their claim go before anything is delivered; the wish goes back on the wall.
    pub async fn release_claim_by_donor(&self, token: &str, at: i64) -> Result<()> {
        let claim = self.claim_by_token(token).await?.ok_or(StoreError::NotFound)?;
        if !claim.status.can_release() {
            return Err(StoreError::Refused(TransitionError::NotAllowedNow));
        }
        let by = By {
            actor: Actor::Donor,
            label: claim.donor_kind.code().to_string(),
            staff_id: None,
            remote_addr: String::new(),
        };
        self.act_by(claim.item_id, None, &by, &Action::ReleaseClaim, at).await?;
        Ok(())
    }

    /// Claims whose hold ended without a delivery lapse: the wish goes back on the wall. Returns how
    /// many lapsed. Run by every server's background worker; two running at once lapse each claim once
    /// (the item's version check lets one of them through).
    pub async fn lapse_claims(&self, now: i64) -> Result<usize> {
        let due: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, item_id FROM wish_claims WHERE status IN ('held', 'confirmed') AND hold_until <= $1 \
             ORDER BY hold_until LIMIT 500",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        let by = By { actor: Actor::System, label: "lapse".into(), staff_id: None, remote_addr: String::new() };
        let mut lapsed = 0;
        for (claim_id, item_id) in due {
            match self.act_by(item_id, None, &by, &Action::ReleaseClaim, now).await {
                Ok(_) => lapsed += 1,
                Err(StoreError::Refused(_) | StoreError::Conflict) => {
                    // The wish moved on by another path (another worker got there first): end the
                    // claim if it is still marked live, without touching the item.
                    self.write_statement(
                        sqlx::query(
                            "UPDATE wish_claims SET status = 'lapsed', ended_at = $1 WHERE id = $2 \
                             AND status IN ('held', 'confirmed')",
                        )
                        .bind(now)
                        .bind(claim_id),
                    )
                    .await?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(lapsed)
    }

    /// The wish wall: published wishes (oldest first), then claimed ones if asked for.
    pub async fn wish_wall(&self, q: &WallQuery) -> Result<(Vec<WallWish>, i64)> {
        let statuses = if q.with_claimed { "('published', 'claimed')" } else { "('published')" };
        // Only with the text staff reviewed (Action::Publish carries it).
        let mut filter = format!("i.kind = 'wish' AND i.status IN {statuses} AND i.public_text IS NOT NULL");
        let mut binds: Vec<String> = Vec::new();
        if let Some(t) = &q.town {
            binds.push(t.clone());
            filter.push_str(&format!(" AND i.town_slug = ${}", binds.len()));
        }
        if let Some(c) = &q.category {
            binds.push(c.clone());
            filter.push_str(&format!(" AND i.category = ${}", binds.len()));
        }
        let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM items i WHERE {filter}");
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        for b in &binds {
            count = count.bind(b);
        }
        let total = count.fetch_one(&self.pool).await?;
        let sql = format!(
            "SELECT i.number, i.status, i.category, i.town_slug, COALESCE(c.name, '') AS community_name, i.public_text, \
             i.amount_yuan, i.urgent, i.submitted_at FROM items i LEFT JOIN communities c ON c.id = i.community_id \
             WHERE {filter} ORDER BY CASE WHEN i.status = 'published' THEN 0 ELSE 1 END, i.submitted_at, i.id \
             LIMIT {} OFFSET {}",
            q.limit.clamp(1, 200),
            q.offset.max(0)
        );
        let mut query = sqlx::query(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let wishes = rows
            .iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                let public_text: String = r.try_get("public_text")?;
                Ok(WallWish {
                    number: r.try_get("number")?,
                    status: Status::from_code(&status).unwrap_or(Status::Published),
                    category: r.try_get("category")?,
                    town_slug: r.try_get::<Option<String>, _>("town_slug")?.unwrap_or_default(),
                    community_name: r.try_get("community_name")?,
                    need: domain::claims::wall_text(&public_text, WALL_NEED_MAX),
                    amount_yuan: r.try_get("amount_yuan")?,
                    urgent: r.try_get::<i64, _>("urgent")? != 0,
                    submitted_at: r.try_get("submitted_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((wishes, total))
    }

    /// One wish as the wall shows it, if it is on the wall (published or claimed).
    pub async fn wall_wish(&self, number: &str) -> Result<Option<WallWish>> {
        let Some(item) = self.item_by_number(number).await? else { return Ok(None) };
        if item.kind != Kind::Wish || !matches!(item.status, Status::Published | Status::Claimed) {
            return Ok(None);
        }
        let Some(public_text) = item.public_text.clone() else { return Ok(None) };
        let community = match item.facts.community_id {
            Some(id) => self.community(id).await?.map(|c| c.name).unwrap_or_default(),
            None => String::new(),
        };
        Ok(Some(WallWish {
            number: item.number,
            status: item.status,
            category: item.category,
            town_slug: item.facts.town_slug.unwrap_or_default(),
            community_name: community,
            need: domain::claims::wall_text(&public_text, WALL_NEED_MAX),
            amount_yuan: item.amount_yuan,
            urgent: item.urgent,
            submitted_at: item.submitted_at,
        }))
    }

    /// Donors who asked to be thanked in public, for wishes whose receipt was confirmed, newest first.
    pub async fn thank_you_list(&self, limit: i64) -> Result<Vec<Thanks>> {
        let rows = sqlx::query(
            "SELECT c.donor_name, c.donor_kind, COALESCE(i.town_slug, '') AS town_slug, c.received_at \
             FROM wish_claims c JOIN items i ON i.id = c.item_id \
             WHERE c.status = 'fulfilled' AND c.thank_publicly = 1 ORDER BY c.received_at DESC, c.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("donor_kind")?;
                Ok(Thanks {
                    donor_name: r.try_get("donor_name")?,
                    donor_kind: DonorKind::from_code(&kind).unwrap_or(DonorKind::Person),
                    town_slug: r.try_get("town_slug")?,
                    received_at: r.try_get("received_at")?,
                })
            })
            .collect()
    }
}

/// PostgreSQL's "could not serialize" / deadlock: the other donor's transaction won.
fn is_serialization_failure(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if matches!(d.code().as_deref(), Some("40001") | Some("40P01")))
}

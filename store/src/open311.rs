//! Open311 GeoReport v2 (issue 21): the keys other systems post service requests with, the receipt
//! of each posted request, and the public list of requests. Nothing here reads or returns a contact,
//! a beneficiary or the resident's own words about the place: a request's text is what the wall or
//! the board already shows, and its village only where they show it.

use crate::items::{insert_item_in, Created, NewItem};
use crate::{Db, Result};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

/// An Open311 key as the admin page lists it (never the key itself: only its first characters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Open311Key {
    pub id: i64,
    pub label: String,
    /// The key's first characters, to tell keys apart.
    pub hint: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    /// Requests created with it.
    pub requests: i64,
}

/// The SHA-256 of a key, hex: all the database keeps of it.
fn key_hash(key: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(key.trim().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Characters of a key shown on the admin page.
const HINT_CHARS: usize = 6;

fn key_from_row(r: &AnyRow) -> Result<Open311Key> {
    Ok(Open311Key {
        id: r.try_get("id")?,
        label: r.try_get("label")?,
        hint: r.try_get("key_hint")?,
        created_at: r.try_get("created_at")?,
        revoked_at: r.try_get("revoked_at")?,
        last_used_at: r.try_get("last_used_at")?,
        requests: r.try_get("requests")?,
    })
}

const KEY_COLUMNS: &str = "id, label, key_hint, created_at, revoked_at, last_used_at, requests";

/// Which requests `GET requests` lists (the caller has applied the specification's defaults).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestQuery {
    /// Readable numbers: when given, every other filter is ignored.
    pub numbers: Vec<String>,
    /// `(kind, category)` pairs; empty for every service.
    pub services: Vec<(domain::Kind, String)>,
    /// Submitted at or after (unix seconds).
    pub from: i64,
    /// Submitted at or before.
    pub to: i64,
    /// Item statuses; empty for all.
    pub statuses: Vec<domain::Status>,
    /// At most this many, newest first.
    pub limit: i64,
}

/// A service request as the public sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicRequest {
    pub number: String,
    pub kind: domain::Kind,
    pub category: String,
    pub status: domain::Status,
    /// `None` for the city's queue (the resident did not know the town).
    pub town_slug: Option<String>,
    /// The village or community, only where the wall or the board shows the item.
    pub community: Option<(i64, String)>,
    /// The wall's text of a wish, the board's title and summary of a project; `None` otherwise.
    pub text: Option<String>,
    pub submitted_at: i64,
    /// The latest event on its timeline (its submission when there is none).
    pub updated_at: i64,
    pub feedback_due_at: i64,
}

/// Characters of a project's summary and a wish's text, as the board and the wall show them.
const PROJECT_SUMMARY_MAX: usize = 160;
const WISH_TEXT_MAX: usize = 120;

/// Whether the wall (a wish, with its reviewed text) or the board (a project; done ones only if they
/// were adopted) shows an item in this status.
pub fn shown_in_public(kind: domain::Kind, status: domain::Status, reviewed_or_adopted: bool) -> bool {
    use domain::Status::*;
    match kind {
        domain::Kind::Wish => {
            reviewed_or_adopted && matches!(status, Published | Claimed | Fulfilled | FeedbackGiven | Closed)
        }
        domain::Kind::Project => crate::BoardStage::of(status, reviewed_or_adopted).is_some(),
    }
}

fn public_request(r: &AnyRow) -> Result<PublicRequest> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    let kind = domain::Kind::from_code(&kind).ok_or_else(|| crate::StoreError::Corrupt(format!("kind {kind}")))?;
    let status =
        domain::Status::from_code(&status).ok_or_else(|| crate::StoreError::Corrupt(format!("status {status}")))?;
    let public_text: Option<String> = r.try_get("public_text")?;
    let adopted = r.try_get::<Option<i64>, _>("adopted_at")?.is_some();
    let shown = shown_in_public(kind, status, if kind == domain::Kind::Wish { public_text.is_some() } else { adopted });
    let text = match (shown, kind) {
        (false, _) => None,
        (true, domain::Kind::Wish) => {
            public_text.map(|t| domain::claims::wall_text(&t, WISH_TEXT_MAX)).filter(|t| !t.is_empty())
        }
        (true, domain::Kind::Project) => {
            let title = domain::claims::wall_text(&r.try_get::<String, _>("title")?, 60);
            let summary = domain::claims::wall_text(&r.try_get::<String, _>("description")?, PROJECT_SUMMARY_MAX);
            Some(format!("{title}\n{summary}"))
        }
    };
    let community_id: Option<i64> = r.try_get("community_id")?;
    let community_name: String = r.try_get("community_name")?;
    Ok(PublicRequest {
        number: r.try_get("number")?,
        kind,
        category: r.try_get("category")?,
        status,
        town_slug: r.try_get("town_slug")?,
        community: community_id.filter(|_| shown && !community_name.is_empty()).map(|id| (id, community_name)),
        text,
        submitted_at: r.try_get("submitted_at")?,
        updated_at: r.try_get("updated_at")?,
        feedback_due_at: r.try_get("feedback_due_at")?,
    })
}

impl Db {
    /// Issues a key labelled `label`: answers the key, to be shown once (only its hash is kept).
    pub async fn issue_open311_key(&self, label: &str, by: Option<i64>, now: i64) -> Result<(i64, String)> {
        let key = format!("{}{}", crate::new_token(), crate::new_token());
        let hint: String = key.chars().take(HINT_CHARS).collect();
        let (label, hash, by) = (label.trim().to_string(), key_hash(&key), by);
        let id: i64 = self
            .write(move |tx| {
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "INSERT INTO open311_keys (label, key_hash, key_hint, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(label)
                    .bind(hash)
                    .bind(hint)
                    .bind(by)
                    .bind(now)
                    .fetch_one(&mut **tx)
                    .await?)
                })
            })
            .await?;
        Ok((id, key))
    }

    /// Revokes a key: requests with it are refused from now on. `NotFound` for no such live key.
    pub async fn revoke_open311_key(&self, id: i64, now: i64) -> Result<()> {
        let changed = self
            .write_statement(
                sqlx::query("UPDATE open311_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(id),
            )
            .await?;
        if changed == 0 {
            return Err(crate::StoreError::NotFound);
        }
        Ok(())
    }

    /// Every key, newest first.
    pub async fn open311_keys(&self) -> Result<Vec<Open311Key>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM open311_keys ORDER BY id DESC");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(key_from_row).collect()
    }

    /// The live key behind a presented key, if any.
    pub async fn open311_key(&self, presented: &str) -> Result<Option<Open311Key>> {
        if presented.trim().is_empty() || presented.len() > 200 {
            return Ok(None);
        }
        let sql = format!("SELECT {KEY_COLUMNS} FROM open311_keys WHERE key_hash = $1 AND revoked_at IS NULL");
        let row = sqlx::query(&sql).bind(key_hash(presented)).fetch_optional(&self.pool).await?;
        row.as_ref().map(key_from_row).transpose()
    }

    /// Creates an item posted with an Open311 key, its receipt and the key's use, in one transaction.
    /// Answers the item and the receipt token.
    pub async fn create_open311_item(&self, n: &NewItem, key_id: i64) -> Result<(Created, String)> {
        let (n, backend) = (n.clone(), self.backend);
        let receipt = crate::new_token();
        let token = receipt.clone();
        let created = self
            .write(move |tx| {
                Box::pin(async move {
                    let created = insert_item_in(tx, backend, &n).await?;
                    sqlx::query(
                        "INSERT INTO open311_receipts (token, item_id, key_id, created_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(receipt)
                    .bind(created.id)
                    .bind(key_id)
                    .bind(n.submitted_at)
                    .execute(&mut **tx)
                    .await?;
                    sqlx::query("UPDATE open311_keys SET requests = requests + 1, last_used_at = $1 WHERE id = $2")
                        .bind(n.submitted_at)
                        .bind(key_id)
                        .execute(&mut **tx)
                        .await?;
                    Ok(created)
                })
            })
            .await?;
        Ok((created, token))
    }

    /// The readable number of the request a receipt token was given for.
    pub async fn open311_receipt(&self, token: &str) -> Result<Option<String>> {
        if token.is_empty() || token.len() > 64 {
            return Ok(None);
        }
        Ok(sqlx::query_scalar(
            "SELECT i.number FROM open311_receipts r JOIN items i ON i.id = r.item_id WHERE r.token = $1",
        )
        .bind(token)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Service requests as the public sees them, newest first.
    pub async fn open311_requests(&self, q: &RequestQuery) -> Result<Vec<PublicRequest>> {
        let mut filter: Vec<String> = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        let mut ints: Vec<i64> = Vec::new();
        let place = |binds: &mut Vec<String>, v: String| {
            binds.push(v);
            format!("${}", binds.len())
        };
        if !q.numbers.is_empty() {
            let list: Vec<String> = q.numbers.iter().map(|n| place(&mut binds, n.clone())).collect();
            filter.push(format!("i.number IN ({})", list.join(", ")));
        } else {
            if !q.services.is_empty() {
                let ors: Vec<String> = q
                    .services
                    .iter()
                    .map(|(kind, category)| {
                        let k = place(&mut binds, kind.code().to_string());
                        let c = place(&mut binds, category.clone());
                        format!("(i.kind = {k} AND i.category = {c})")
                    })
                    .collect();
                filter.push(format!("({})", ors.join(" OR ")));
            }
            if !q.statuses.is_empty() {
                let list: Vec<String> = q.statuses.iter().map(|s| place(&mut binds, s.code().to_string())).collect();
                filter.push(format!("i.status IN ({})", list.join(", ")));
            }
            ints.push(q.from);
            ints.push(q.to);
            let n = binds.len();
            filter.push(format!("i.submitted_at >= ${} AND i.submitted_at <= ${}", n + 1, n + 2));
        }
        let sql = format!(
            "SELECT i.number, i.kind, i.category, i.status, i.town_slug, i.community_id, \
             COALESCE(c.name, '') AS community_name, i.title, i.description, i.public_text, i.adopted_at, i.submitted_at, \
             i.feedback_due_at, COALESCE((SELECT MAX(e.at) FROM item_events e WHERE e.item_id = i.id), i.submitted_at) \
             AS updated_at FROM items i LEFT JOIN communities c ON c.id = i.community_id WHERE {} \
             ORDER BY i.submitted_at DESC, i.id DESC LIMIT {}",
            if filter.is_empty() { "1 = 1".to_string() } else { filter.join(" AND ") },
            q.limit.clamp(1, 1_000)
        );
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = query.bind(b);
        }
        for i in ints {
            query = query.bind(i);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(public_request).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_wall_and_the_board_show_is_public() {
        use domain::{Kind, Status};
        assert!(shown_in_public(Kind::Wish, Status::Published, true));
        assert!(!shown_in_public(Kind::Wish, Status::Published, false), "no reviewed text, nothing shown");
        assert!(!shown_in_public(Kind::Wish, Status::Accepted, true));
        assert!(shown_in_public(Kind::Project, Status::PublicNotice, false));
        assert!(!shown_in_public(Kind::Project, Status::Submitted, false));
        assert!(!shown_in_public(Kind::Project, Status::Declined, false));
        assert!(shown_in_public(Kind::Project, Status::Closed, true), "built and closed");
        assert!(!shown_in_public(Kind::Project, Status::Closed, false), "declined, rated, closed: never public");
    }

    #[test]
    fn only_a_hash_of_a_key_is_kept() {
        let h = key_hash("abc");
        assert_eq!(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(key_hash(" abc "), h, "surrounding spaces do not matter");
    }
}

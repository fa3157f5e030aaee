//! Duplicates (issue 21): the open items of one village or community to compare a new request with
//! (the comparison itself is `domain::duplicates`), an item merged into its original
//! (`items.duplicate_of`, set by the staff action 重复 in `actions.rs`), and who follows an original.

use crate::{Db, Result};
use domain::{Kind, Status};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// An open item of a village or community, as compared and suggested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenItem {
    pub id: i64,
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub category: String,
    pub title: String,
    /// The words compared: the title and the resident's description (a wish's need).
    pub text: String,
    pub submitted_at: i64,
    /// Residents who support it (projects under notice).
    pub supports: i64,
}

/// The original a duplicate was merged into, as its follower's tracking page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedInto {
    pub id: i64,
    pub number: String,
    pub status: Status,
}

fn sql_list(statuses: &[Status]) -> String {
    let codes: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.code())).collect();
    format!("({})", codes.join(", "))
}

impl Db {
    /// The open items of `kind` in a village or community, newest first (at most 200), leaving out
    /// `except`. `board_only`: only the projects the board shows while open (under notice, adopted) —
    /// what a resident may be pointed to.
    pub async fn open_items_in_community(
        &self,
        community_id: i64,
        kind: Kind,
        except: Option<i64>,
        board_only: bool,
    ) -> Result<Vec<OpenItem>> {
        let statuses: Vec<Status> = if board_only {
            vec![Status::PublicNotice, Status::Approved, Status::InProgress]
        } else {
            Status::ALL.iter().copied().filter(|s| s.open_for_staff()).collect()
        };
        let sql = format!(
            "SELECT i.id, i.number, i.kind, i.status, i.category, i.title, i.description, i.submitted_at, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM project_voices v WHERE v.item_id = i.id AND v.stance = 'support') \
             AS supports FROM items i WHERE i.community_id = $1 AND i.kind = $2 AND i.status IN {} AND i.id <> $3 \
             ORDER BY i.submitted_at DESC, i.id DESC LIMIT 200",
            sql_list(&statuses)
        );
        let rows = sqlx::query(&sql)
            .bind(community_id)
            .bind(kind.code())
            .bind(except.unwrap_or(0))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                let title: String = r.try_get("title")?;
                let description: String = r.try_get("description")?;
                Ok(OpenItem {
                    id: r.try_get("id")?,
                    number: r.try_get("number")?,
                    kind,
                    status: Status::from_code(&status)
                        .ok_or_else(|| crate::StoreError::Corrupt(format!("status {status}")))?,
                    category: r.try_get("category")?,
                    text: format!("{title} {description}"),
                    title,
                    submitted_at: r.try_get("submitted_at")?,
                    supports: r.try_get("supports")?,
                })
            })
            .collect()
    }

    /// How many residents asked for this item: itself and every duplicate merged into it.
    pub async fn askers(&self, item_id: i64) -> Result<i64> {
        let merged: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM items WHERE duplicate_of = $1")
            .bind(item_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(1 + merged)
    }

    /// The original this item was merged into, if it was.
    pub async fn merged_into(&self, item_id: i64) -> Result<Option<MergedInto>> {
        let row = sqlx::query(
            "SELECT o.id, o.number, o.status FROM items d JOIN items o ON o.id = d.duplicate_of WHERE d.id = $1",
        )
        .bind(item_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            Ok(MergedInto {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                status: Status::from_code(&status)
                    .ok_or_else(|| crate::StoreError::Corrupt(format!("status {status}")))?,
            })
        })
        .transpose()
    }
}

//! Photos of deliveries, project milestones and inspections: one row per photo; the files (a large
//! and a small JPEG, re-encoded without any metadata) live under the photo directory, named by the
//! photo's unguessable token.

use crate::{Db, Result};
use serde::{Deserialize, Serialize};

/// A stored photo: a row of `photos`, read with [`COLUMNS`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Photo {
    pub id: i64,
    pub item_id: i64,
    /// Names the files and the URL (`/photos/{token}/large`); 26 characters from `[a-z0-9]`.
    pub token: String,
    pub caption: String,
    /// Of the large file.
    pub width: i64,
    pub height: i64,
    /// Size of the large file in bytes.
    pub bytes: i64,
    pub created_at: i64,
    pub staff_id: Option<i64>,
}

/// A photo to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPhoto {
    pub item_id: i64,
    pub token: String,
    pub caption: String,
    pub width: i64,
    pub height: i64,
    pub bytes: i64,
    pub created_at: i64,
    pub staff_id: Option<i64>,
}

/// The columns of [`Photo`], in one place.
const COLUMNS: &str = "id, item_id, token, caption, width, height, bytes, created_at, staff_id";

impl Db {
    /// Records a photo whose files are already written, and its audit entry, in one transaction.
    pub async fn add_photo(&self, p: &NewPhoto, audit: &crate::AuditEntry) -> Result<()> {
        let (p, audit) = (p.to_owned(), audit.to_owned());
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO photos (item_id, token, caption, width, height, bytes, created_at, staff_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(p.item_id)
                .bind(&p.token)
                .bind(&p.caption)
                .bind(p.width)
                .bind(p.height)
                .bind(p.bytes)
                .bind(p.created_at)
                .bind(p.staff_id)
                .execute(&mut **tx)
                .await?;
                crate::staff::insert_audit(tx, &audit, Some(p.item_id)).await?;
                Ok(())
            })
        })
        .await
    }

    /// The photos of an item, oldest first.
    pub async fn photos_of_item(&self, item_id: i64) -> Result<Vec<Photo>> {
        let sql = format!("SELECT {COLUMNS} FROM photos WHERE item_id = $1 ORDER BY created_at, id");
        Ok(sqlx::query_as::<_, Photo>(&sql).bind(item_id).fetch_all(&self.pool).await?)
    }

    /// The photo behind a token.
    pub async fn photo_by_token(&self, token: &str) -> Result<Option<Photo>> {
        let sql = format!("SELECT {COLUMNS} FROM photos WHERE token = $1");
        Ok(sqlx::query_as::<_, Photo>(&sql).bind(token).fetch_optional(&self.pool).await?)
    }
}

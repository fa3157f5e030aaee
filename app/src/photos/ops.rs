//! Photos on the server.

use super::PhotoView;

/// The photos of an item for a page.
pub async fn photos_of(st: &crate::state::AppState, item_id: i64) -> crate::error::AppResult<Vec<PhotoView>> {
    Ok(st
        .db
        .photos_of_item(item_id)
        .await?
        .into_iter()
        .map(|p| PhotoView {
            token: p.token,
            caption: p.caption,
            width: p.width,
            height: p.height,
            created_at: p.created_at,
        })
        .collect())
}

//! The abuse limits applied on the server: each public action counts its tries under its keys
//! (client address, phone, email, item number) in the database through `store::Db::hit`, and is
//! refused with a wait time once any key is over its maximum. The rules are `domain::abuse`.

use crate::error::AppResult;
use crate::state::AppState;
use domain::abuse::{AbuseLimits, Limit};

/// Counts one try of an action under each `(limit, subject)` and answers `Some(seconds to wait)` when
/// any of them is over its maximum. Every key is counted, so a refused try still counts.
pub async fn over_limit(st: &AppState, limits: &AbuseLimits, tries: &[(Limit, &str)]) -> AppResult<Option<i64>> {
    let now = store::now();
    let mut wait: Option<i64> = None;
    let keys: Vec<(String, i64)> =
        tries.iter().map(|(limit, subject)| (format!("{}:{subject}", limit.code()), limit.window_secs())).collect();
    let hits = st.db.hit_all(&keys, now).await?;
    for ((limit, _), hit) in tries.iter().zip(hits) {
        if hit.count > limits.max(*limit) {
            let secs = (hit.window_end - now).max(1);
            wait = Some(wait.map_or(secs, |w| w.max(secs)));
        }
    }
    Ok(wait)
}

/// The client of the request being served (server functions and pages): the counting key of the
/// address `TRUSTED_PROXIES` vouch for, IPv6 by /64. Empty when unknown (tests without a peer).
pub fn request_client(st: &AppState) -> String {
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    parts.and_then(|p| st.client_of(&p)).map(domain::abuse::client_key).unwrap_or_default()
}

/// A refusal for too many tries, as a field error the forms show: `too_many_tries` on `field`, with
/// the minutes to wait in the page's words.
pub fn too_many(field: &str) -> domain::FieldError {
    domain::FieldError::new(field, "too_many_tries")
}

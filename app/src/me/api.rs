//! The server functions of this area's pages.

use super::*;
use leptos::prelude::*;

#[server(endpoint = "get_my_items")]
pub async fn get_my_items() -> Result<MyItemsView, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let Ok(session) = leptos_axum::extract::<tower_sessions::Session>().await else {
        return Ok(MyItemsView::default());
    };
    ops::my_items(&st, &session).await.map_err(|e| e.into_server_fn_error())
}

#[server(endpoint = "get_mail_prefs")]
pub async fn get_mail_prefs(token: String) -> Result<Option<MailPrefsView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    match st.db.mail_recipient(&token).await {
        Ok(r) => Ok(r.map(|(address, updates_off)| MailPrefsView { address: mask_address(&address), updates_off })),
        Err(e) => Err(crate::error::AppError::from(e).into_server_fn_error()),
    }
}

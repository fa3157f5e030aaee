//! The server functions of this area's pages.

use super::*;
#[cfg(feature = "ssr")]
use domain::Lang;
use leptos::prelude::*;

#[server(endpoint = "get_project_board")]
pub async fn get_project_board(
    stage: String,
    town: String,
    page: i64,
    lang: String,
) -> Result<BoardView, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    ops::board(&st, &stage, &town, page, lang).await.map_err(|e| e.into_server_fn_error())
}

#[server(endpoint = "get_public_project")]
pub async fn get_public_project(number: String, lang: String) -> Result<Option<ProjectView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    let (address, pending) = match leptos_axum::extract::<tower_sessions::Session>().await {
        Ok(session) => (
            session.get::<String>(crate::me::SESSION_RESIDENT).await.ok().flatten(),
            session.get::<String>(crate::me::SESSION_PENDING).await.ok().flatten(),
        ),
        Err(_) => (None, None),
    };
    ops::project(&st, &number, lang, address, pending).await.map_err(|e| e.into_server_fn_error())
}

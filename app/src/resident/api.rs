//! The residents' server functions. Thin: they read the request, call [`super::ops`] (server only)
//! and map errors.

use super::*;
use crate::ui::CommunityOption;
use domain::{ProjectInput, WishInput};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
fn lang_of(code: &str) -> domain::Lang {
    domain::Lang::from_code(code).unwrap_or_default()
}

/// Villages/communities of a town (for the form's second list).
#[server(endpoint = "list_communities")]
pub async fn list_communities(town: String, lang: String) -> Result<Vec<CommunityOption>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    super::ops::communities(&st, &town, lang_of(&lang)).await.map_err(|e| e.into_server_fn_error())
}

/// Towns, the chosen town's communities, and the caps.
#[server(endpoint = "get_form_data")]
pub async fn get_form_data(town: String, lang: String) -> Result<FormData, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    super::ops::form_data(&st, &town, lang_of(&lang)).await.map_err(|e| e.into_server_fn_error())
}

/// Submits a micro-wish.
#[server(endpoint = "submit_wish")]
pub async fn submit_wish(input: WishInput, lang: String) -> Result<SubmitOutcome, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let client = crate::limits::request_client(&st);
    SubmitOutcome::of(super::ops::submit_wish(&st, &input, lang_of(&lang), &client).await)
}

/// Submits a micro-project.
#[server(endpoint = "submit_project")]
pub async fn submit_project(input: ProjectInput, lang: String) -> Result<SubmitOutcome, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let client = crate::limits::request_client(&st);
    SubmitOutcome::of(super::ops::submit_project(&st, &input, lang_of(&lang), &client).await)
}

/// The home page's figures for this year.
#[server(endpoint = "get_home_data")]
pub async fn get_home_data() -> Result<HomeData, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    super::ops::home_data(&st).await.map_err(|e| e.into_server_fn_error())
}

/// The tracking page behind a token, or `None` for an unknown token.
#[server(endpoint = "get_track_view")]
pub async fn get_track_view(token: String, lang: String) -> Result<Option<TrackView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    super::ops::track_view(&st, &token, lang_of(&lang)).await.map_err(|e| e.into_server_fn_error())
}

/// Projects on the board in this village or community like the one being typed (at most three), as
/// the HTML the form shows (rendered and escaped here, so the island carries no code for it: every
/// byte of the form's WebAssembly goes over slow 4G).
#[server(endpoint = "similar_projects")]
pub async fn similar_projects(
    community: String,
    title: String,
    description: String,
    lang: String,
) -> Result<String, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let client = crate::limits::request_client(&st);
    let found = super::ops::similar_projects(&st, &community, &title, &description, &client)
        .await
        .map_err(|e| e.into_server_fn_error())?;
    Ok(super::ops::similar_html(&found, lang_of(&lang)))
}

//! What pages and islands exchange with the server: view types and server functions. Server
//! functions are thin: they read the request, call [`crate::ops`] (server only) and map errors.

use domain::kpi::Measures;
use domain::{FieldError, Limits, ProjectInput, Rating, WishInput};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A town in the chosen language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownOption {
    pub slug: String,
    pub name: String,
}

/// A village/community.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityOption {
    pub id: i64,
    pub name: String,
}

/// What a submission form needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormData {
    pub towns: Vec<TownOption>,
    pub communities: Vec<CommunityOption>,
    pub limits: Limits,
}

/// The answer to a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SubmitOutcome {
    /// Stored; go to the tracking page.
    Created { tracking_url: String },
    /// Nothing stored; these fields need changes.
    Invalid { errors: Vec<FieldError> },
    /// Nothing stored: too many submissions from this address or with this phone; try again after
    /// `retry_after` seconds.
    TooMany { retry_after: i64 },
}

/// The home page's live figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub measures: Measures,
}

/// One deadline on the tracking page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineView {
    pub label_key: String,
    pub due_at: i64,
    pub done_at: Option<i64>,
}

/// One public timeline entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub at: i64,
    pub action: String,
    pub body: String,
    /// For a rating: the rating given.
    pub rating: Option<Rating>,
}

/// Everything the resident's tracking page shows. Names and phones are masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackView {
    pub number: String,
    pub token: String,
    /// The full private tracking link.
    pub link: String,
    pub kind: domain::Kind,
    pub status: domain::Status,
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: String,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub town_name: String,
    pub community_name: String,
    pub contact_masked: String,
    pub submitted_at: i64,
    /// In one or two sentences: who answers next, and by when.
    pub next_step: Option<String>,
    pub deadlines: Vec<DeadlineView>,
    pub events: Vec<EventView>,
    pub rating: Option<Rating>,
    pub can_rate: bool,
    pub can_reopen: bool,
    pub can_withdraw: bool,
    /// A donor's delivery was recorded: the beneficiary's side is asked to confirm receipt.
    pub can_confirm_receipt: bool,
    /// Photos of the delivery or the works (private link: wishes' photos are shown only here and to staff).
    pub photos: Vec<crate::photos::PhotoView>,
    pub version: i64,
}

#[cfg(feature = "ssr")]
fn lang_of(code: &str) -> domain::Lang {
    domain::Lang::from_code(code).unwrap_or_default()
}

/// Villages/communities of a town (for the form's second list).
#[server(endpoint = "list_communities")]
pub async fn list_communities(town: String, lang: String) -> Result<Vec<CommunityOption>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    crate::ops::communities(&st, &town, lang_of(&lang)).await.map_err(|e| e.into_server_fn_error())
}

/// Towns, the chosen town's communities, and the caps.
#[server(endpoint = "get_form_data")]
pub async fn get_form_data(town: String, lang: String) -> Result<FormData, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    crate::ops::form_data(&st, &town, lang_of(&lang)).await.map_err(|e| e.into_server_fn_error())
}

/// Submits a micro-wish.
#[server(endpoint = "submit_wish")]
pub async fn submit_wish(input: WishInput, lang: String) -> Result<SubmitOutcome, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let client = crate::limits::request_client(&st);
    crate::ops::submit_wish(&st, &input, lang_of(&lang), &client).await.map_err(|e| e.into_server_fn_error())
}

/// Submits a micro-project.
#[server(endpoint = "submit_project")]
pub async fn submit_project(input: ProjectInput, lang: String) -> Result<SubmitOutcome, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let client = crate::limits::request_client(&st);
    crate::ops::submit_project(&st, &input, lang_of(&lang), &client).await.map_err(|e| e.into_server_fn_error())
}

/// The home page's figures for this year.
#[server(endpoint = "get_home_data")]
pub async fn get_home_data() -> Result<HomeData, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    crate::ops::home_data(&st).await.map_err(|e| e.into_server_fn_error())
}

/// The tracking page behind a token, or `None` for an unknown token.
#[server(endpoint = "get_track_view")]
pub async fn get_track_view(token: String, lang: String) -> Result<Option<TrackView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    crate::ops::track_view(&st, &token, lang_of(&lang)).await.map_err(|e| e.into_server_fn_error())
}

//! The public side of wishes and projects: claiming a wish and a donor releasing it, supporting or
//! objecting to a project, and the open JSON of the wall and the board.

use crate::client::ClientIp;

use crate::resident_routes::{MeCodeForm, MeVerifyForm};
use crate::respond::*;
use app::error::AppError;
use app::state::AppState;
use app::ui::lang::lang_from_headers;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::FieldError;
use serde::Deserialize;

/// `POST /wishes/{number}/claim`: a donor claims a wish; on success their private page.
pub(crate) async fn post_claim(
    State(st): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    Form(input): Form<domain::claims::ClaimInput>,
) -> Response {
    use app::wishes::PostedClaim;
    let lang = lang_from_headers(&headers);
    let page = format!("/wishes/{}", number.trim().to_uppercase());
    match app::wishes::ops::claim(&st, &number, &input, lang).await {
        Ok(token) => see_other(&format!("/c/{token}?claimed=1")),
        Err(AppError::Invalid(errors)) => {
            render_with(&st, &headers, &page, PostedClaim { input, errors, taken: false }).await
        }
        Err(AppError::RateLimited { errors, retry_after }) => {
            let res = render_with(&st, &headers, &page, PostedClaim { input, errors, taken: false }).await;
            too_many(res, retry_after)
        }
        Err(AppError::Conflict(_)) => {
            render_with(&st, &headers, &page, PostedClaim { input, errors: Vec::new(), taken: true }).await
        }
        Err(AppError::NotFound) => render_with(&st, &headers, "/not-found", ()).await,
        Err(e) => e.into_response(),
    }
}

/// `POST /c/{token}/release`: the donor lets the wish go before delivery.
pub(crate) async fn post_release_claim(
    State(st): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let page = format!("/c/{token}");
    match st.db.release_claim_by_donor(&token, store::now()).await {
        Ok(()) => see_other(&format!("{page}?done=released")),
        Err(store::StoreError::NotFound) => render_with(&st, &headers, "/not-found", ()).await,
        Err(store::StoreError::Refused(_) | store::StoreError::Conflict) => {
            see_other(&format!("{page}?problem=not_allowed_now"))
        }
        Err(e) => {
            tracing::error!(error = %e, "releasing a claim failed");
            crate::respond::refuse(domain::ErrorKind::Internal)
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct WallParams {
    #[serde(default)]
    town: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    page: Option<i64>,
}

/// The wish wall.
///
/// Published micro-wishes waiting for a donor (and those just claimed), 20 a page, with the text staff
/// reviewed and a value band. No personal data. Unknown filter values show everything.
#[utoipa::path(get, path = "/api/v1/wishes", tag = "Open data",
    params(
        ("town" = Option<String>, Query, description = "A town's slug"),
        ("category" = Option<String>, Query, description = "Whom the wish is for: `elderly_alone`, `disabled`, `child_in_difficulty`, `low_income`, `other`"),
        ("page" = Option<i64>, Query, description = "From 1"),
    ),
    responses((status = 200, description = "A page of the wall", body = app::wishes::WallJson)))]
pub(crate) async fn api_wishes(State(st): State<AppState>, Query(p): Query<WallParams>) -> Response {
    public_json(app::wishes::ops::wall_json(&st, &p.town, &p.category, p.page.unwrap_or(1), domain::Lang::ZhHans).await)
}

#[derive(Deserialize)]
pub(crate) struct BoardParams {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    town: String,
    #[serde(default)]
    page: Option<i64>,
}

/// The micro-project board.
///
/// Proposals under public notice (公示), adopted projects with budget and progress, completed ones. No
/// personal data; digit runs in the text are hidden.
#[utoipa::path(get, path = "/api/v1/projects", tag = "Open data",
    params(
        ("stage" = Option<String>, Query, description = "`notice` (default), `adopted` or `done`", example = "notice"),
        ("town" = Option<String>, Query, description = "A town's slug"),
        ("page" = Option<i64>, Query, description = "From 1"),
    ),
    responses((status = 200, description = "A page of the board", body = app::projects::BoardJson)))]
pub(crate) async fn api_projects(State(st): State<AppState>, Query(p): Query<BoardParams>) -> Response {
    public_json(app::projects::ops::board_json(&st, &p.stage, &p.town, p.page.unwrap_or(1), domain::Lang::ZhHans).await)
}

pub(crate) fn project_page(number: &str) -> String {
    format!("/projects/{}", number.trim().to_uppercase())
}

/// `POST /projects/{number}/code`: a one-time code to prove an address before supporting or objecting.
pub(crate) async fn post_voice_code(
    State(st): State<AppState>,
    Path(number): Path<String>,
    ClientIp(client): ClientIp,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Form(f): Form<MeCodeForm>,
) -> Response {
    let lang = lang_from_headers(&headers);
    let page = project_page(&number);
    match app::me::ops::request_code(&st, &session, &f.email, &domain::abuse::client_key(client), lang, true).await {
        Ok(()) => see_other(&format!("{page}#voice")),
        Err(AppError::Invalid(errors)) => {
            let posted =
                app::projects::PostedVoice { form: "email".into(), email: f.email, errors, ..Default::default() };
            render_with_session(&st, &headers, &page, posted, Some(session)).await
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /projects/{number}/verify`: the code typed; on success the voice buttons.
pub(crate) async fn post_voice_verify(
    State(st): State<AppState>,
    Path(number): Path<String>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Form(f): Form<MeVerifyForm>,
) -> Response {
    let page = project_page(&number);
    match app::me::ops::verify_code(&st, &session, &f.code).await {
        Ok(()) => see_other(&format!("{page}#voice")),
        Err(AppError::Invalid(errors)) => {
            let posted = app::projects::PostedVoice { form: "code".into(), errors, ..Default::default() };
            render_with_session(&st, &headers, &page, posted, Some(session)).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct VoiceForm {
    #[serde(default)]
    stance: String,
    #[serde(default)]
    reason: String,
}

/// `POST /projects/{number}/voice`: a resident who proved an address supports or objects, once.
pub(crate) async fn post_voice(
    State(st): State<AppState>,
    Path(number): Path<String>,
    ClientIp(client): ClientIp,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Form(f): Form<VoiceForm>,
) -> Response {
    use app::projects::PostedVoice;
    let page = project_page(&number);
    let address: Option<String> = session.get(app::me::SESSION_RESIDENT).await.ok().flatten();
    let posted = |errors: Vec<FieldError>, refused: Option<String>| PostedVoice {
        form: "voice".into(),
        stance: f.stance.clone(),
        reason: f.reason.clone(),
        errors,
        refused,
        ..Default::default()
    };
    let lang = lang_from_headers(&headers);
    match app::projects::ops::give_voice(
        &st,
        &number,
        address,
        &f.stance,
        &f.reason,
        &domain::abuse::client_key(client),
        lang,
    )
    .await
    {
        Ok(()) => see_other(&format!("{page}?voiced=1#voice")),
        Err(AppError::Conflict("already")) => see_other(&format!("{page}?voiced=already#voice")),
        Err(AppError::SignIn) => see_other(&format!("{page}#voice")),
        Err(AppError::NotFound) => render_with(&st, &headers, "/not-found", ()).await,
        Err(AppError::Invalid(errors)) => {
            render_with_session(&st, &headers, &page, posted(errors, None), Some(session)).await
        }
        Err(AppError::Conflict(why)) => {
            render_with_session(&st, &headers, &page, posted(Vec::new(), Some(why.to_string())), Some(session)).await
        }
        Err(e) => e.into_response(),
    }
}

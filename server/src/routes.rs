//! The router. GET pages are Leptos routes; the forms post to plain handlers here, which answer with a
//! redirect on success or re-render the page with the errors and the typed values (HTTP 422).

use crate::client::ClientIp;
use crate::sessions::DbSessionStore;
use crate::{dashboard_routes, staff_routes};
use app::api::SubmitOutcome;
use app::ops::{self, ResidentActError, ResidentForm};
use app::pages::{PostedLookup, PostedProject, PostedTrack, PostedWish};
use app::state::AppState;
use app::{lang_from_headers, shell, App};
use axum::body::Body;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::{FieldError, ProjectInput, WishInput};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The Leptos route list, generated once per process. Generating it sets a process-wide "suppress
/// resource loads" flag in Leptos (leptos-rs/leptos#4773): a page of another router in the same
/// process that renders meanwhile waits for ever on its first resource. Production builds one router;
/// the HTTP tests build one per test, in parallel, and hung that way now and then in CI.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole application.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let ctx_state = state.clone();
    let context = move || provide_context(ctx_state.clone());
    let shell_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/lang/{code}", get(set_lang))
        .route("/awareness", post(awareness))
        .route("/wish/new", post(post_wish))
        .route("/project/new", post(post_project))
        .route("/track", post(post_lookup))
        .route("/t/{token}/{what}", get(track_qr).post(post_resident_action))
        .route("/wishes/{number}/claim", post(post_claim))
        .route("/c/{token}/release", post(post_release_claim))
        .route("/api/v1/wishes", get(api_wishes))
        .route("/api/v1/projects", get(api_projects))
        .route("/projects/{number}/code", post(post_voice_code))
        .route("/projects/{number}/verify", post(post_voice_verify))
        .route("/projects/{number}/voice", post(post_voice))
        .route("/me/code", post(post_me_code))
        .route("/me/verify", post(post_me_verify))
        .route("/me/sign-out", post(post_me_sign_out))
        .route("/mail/preferences/{token}", post(post_mail_prefs))
        .route("/staff/sign-in", post(staff_routes::post_sign_in))
        .route("/staff/sign-out", post(staff_routes::post_sign_out))
        .route("/staff/password", post(staff_routes::post_password))
        .route("/staff/items/{number}/act", post(staff_routes::post_staff_action))
        .route(
            "/staff/items/{number}/photos",
            post(crate::photos::post_photo)
                .layer(axum::extract::DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/photos/{token}/{size}", get(crate::photos::get_photo))
        .route("/staff/export.csv", get(staff_routes::export_csv))
        .route("/staff/admin/{what}", post(staff_routes::post_admin))
        .route("/dashboard/league.csv", get(dashboard_routes::league_csv))
        .route("/dashboard/league.xlsx", get(dashboard_routes::league_xlsx))
        .route("/api/v1/kpi", get(dashboard_routes::api_kpi))
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(shell_options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), staff_routes::guard))
        .layer(session_layer(&state))
        .layer(axum::middleware::from_fn(crate::security::boundary))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::security::headers))
        // Tracking links carry their token in the path: never leak it to other sites.
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .with_state(state)
}

/// Staff sessions: stored in the database (shared by every instance), cookie HttpOnly and SameSite=Lax,
/// Secure when the portal is served over HTTPS, ending after [`domain::staff::sign_in::IDLE_MINUTES`]
/// without a request.
fn session_layer(state: &AppState) -> SessionManagerLayer<DbSessionStore> {
    let secure = state.base_url.starts_with("https://");
    SessionManagerLayer::new(DbSessionStore { db: state.db.clone() })
        .with_name("portal_staff")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(domain::staff::sign_in::IDLE_MINUTES)))
}

async fn healthz(State(st): State<AppState>) -> Response {
    match st.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Renders the Leptos page at `path` with extra context (a posted form with its errors).
async fn render_with<C: Clone + Send + Sync + 'static>(
    st: &AppState,
    headers: &HeaderMap,
    path: &str,
    extra: C,
) -> Response {
    render_with_session(st, headers, path, extra, None).await
}

/// [`render_with`] for staff pages: the session goes along, so the page's server functions see who
/// is signed in.
pub(crate) async fn render_with_session<C: Clone + Send + Sync + 'static>(
    st: &AppState,
    headers: &HeaderMap,
    path: &str,
    extra: C,
    session: Option<tower_sessions::Session>,
) -> Response {
    let ctx_state = st.clone();
    let options = st.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(ctx_state.clone());
            provide_context(extra.clone());
        },
        move || shell(options.clone()),
    );
    let mut req = Request::builder().uri(path).body(Body::empty()).unwrap_or_default();
    *req.headers_mut() = headers.clone();
    if let Some(session) = session {
        req.extensions_mut().insert(session);
    }
    handler(req).await.into_response()
}

/// A 303 to a path of this site; anything else (another host, `//x`, `/\\x`, control characters)
/// goes to the home page instead.
pub(crate) fn see_other(to: &str) -> Response {
    let to = domain::abuse::same_site_path(to).unwrap_or("/");
    match HeaderValue::from_str(to) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response(),
    }
}

/// A page refused for too many tries: 429 with `Retry-After` in seconds.
pub(crate) fn too_many(mut res: Response, retry_after: i64) -> Response {
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(v) = HeaderValue::from_str(&retry_after.max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

#[derive(Deserialize)]
struct LangQuery {
    back: Option<String>,
}

/// `GET /lang/{code}?back=/path`: remembers the language in a cookie and goes back.
async fn set_lang(Path(code): Path<String>, Query(q): Query<LangQuery>) -> Response {
    // `see_other` follows only paths of this site.
    let back = q.back.as_deref().unwrap_or("/");
    let Some(lang) = domain::Lang::from_code(&code) else { return see_other(back) };
    let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax", lang.code());
    let mut res = see_other(back);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
struct AwarenessForm {
    answer: String,
}

/// The cookie that says this browser answered the home page's awareness question.
const AWARE_COOKIE: &str = "aware_answered";

/// `POST /awareness`: the home page's one-tap question. It counts once per browser (a cookie) and at
/// most `awareness_client_day` times a day per client address; a repeated answer is thanked as
/// usual and not counted, so the figure cannot be talked up by repeating it.
async fn awareness(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Form(f): Form<AwarenessForm>,
) -> Response {
    let yes = match f.answer.as_str() {
        "yes" => true,
        "no" => false,
        _ => return see_other("/"),
    };
    let answered_before = app::cookie_value(&headers, AWARE_COOKIE).is_some();
    let counted = async {
        if answered_before {
            return Ok(false);
        }
        let limits = st.db.settings().await?.abuse;
        let key = domain::abuse::client_key(client);
        let tries = [(domain::abuse::Limit::AwarenessPerClientDay, key.as_str())];
        if app::limits::over_limit(&st, &limits, &tries).await?.is_some() {
            return Ok(false);
        }
        st.db.record_awareness(yes, "home", store::now()).await?;
        Ok::<bool, app::ops::OpError>(true)
    };
    match counted.await {
        Ok(_) => {
            let mut res = see_other("/?aware=1#aware-h");
            let cookie = format!("{AWARE_COOKIE}=1; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly");
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => internal_error(e),
    }
}

#[derive(Deserialize)]
struct WishPost {
    #[serde(flatten)]
    input: WishInput,
    refresh: Option<String>,
}

async fn post_wish(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Form(p): Form<WishPost>,
) -> Response {
    let lang = lang_from_headers(&headers);
    if p.refresh.is_some() {
        let posted = PostedWish { input: WishInput { community: String::new(), ..p.input }, errors: Vec::new() };
        return render_with(&st, &headers, "/wish/new", posted).await;
    }
    match ops::submit_wish(&st, &p.input, lang, &domain::abuse::client_key(client)).await {
        Ok(SubmitOutcome::Created { tracking_url }) => see_other(&tracking_url),
        Ok(SubmitOutcome::Invalid { errors }) => {
            render_with(&st, &headers, "/wish/new", PostedWish { input: p.input, errors }).await
        }
        Ok(SubmitOutcome::TooMany { retry_after }) => {
            let errors = vec![app::limits::too_many("form")];
            too_many(render_with(&st, &headers, "/wish/new", PostedWish { input: p.input, errors }).await, retry_after)
        }
        Err(e) => {
            let _ = e.into_server_fn_error();
            let errors = vec![FieldError::new("form", "server")];
            let mut res = render_with(&st, &headers, "/wish/new", PostedWish { input: p.input, errors }).await;
            *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            res
        }
    }
}

#[derive(Deserialize)]
struct ProjectPost {
    #[serde(flatten)]
    input: ProjectInput,
    refresh: Option<String>,
}

async fn post_project(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Form(p): Form<ProjectPost>,
) -> Response {
    let lang = lang_from_headers(&headers);
    if p.refresh.is_some() {
        let posted = PostedProject { input: ProjectInput { community: String::new(), ..p.input }, errors: Vec::new() };
        return render_with(&st, &headers, "/project/new", posted).await;
    }
    match ops::submit_project(&st, &p.input, lang, &domain::abuse::client_key(client)).await {
        Ok(SubmitOutcome::Created { tracking_url }) => see_other(&tracking_url),
        Ok(SubmitOutcome::Invalid { errors }) => {
            render_with(&st, &headers, "/project/new", PostedProject { input: p.input, errors }).await
        }
        Ok(SubmitOutcome::TooMany { retry_after }) => {
            let errors = vec![app::limits::too_many("form")];
            let page = render_with(&st, &headers, "/project/new", PostedProject { input: p.input, errors }).await;
            too_many(page, retry_after)
        }
        Err(e) => {
            let _ = e.into_server_fn_error();
            let errors = vec![FieldError::new("form", "server")];
            let mut res = render_with(&st, &headers, "/project/new", PostedProject { input: p.input, errors }).await;
            *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            res
        }
    }
}

#[derive(Deserialize)]
struct LookupForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    phone4: String,
}

async fn post_lookup(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Form(f): Form<LookupForm>,
) -> Response {
    match ops::lookup(&st, &f.number, &f.phone4, &domain::abuse::client_key(client)).await {
        Ok(Ok(token)) => see_other(&format!("/t/{token}")),
        Ok(Err(errors)) => {
            let refused = errors.iter().any(|e| e.code == "lookup_too_many");
            let page =
                render_with(&st, &headers, "/track", PostedLookup { number: f.number, phone4: f.phone4, errors }).await;
            if refused {
                too_many(page, ops::LOOKUP_WINDOW_SECS)
            } else {
                page
            }
        }
        Err(e) => internal_error(e),
    }
}

async fn post_resident_action(
    State(st): State<AppState>,
    Path((token, what)): Path<(String, String)>,
    headers: HeaderMap,
    Form(f): Form<ResidentForm>,
) -> Response {
    let page = format!("/t/{token}");
    match ops::resident_act(&st, &token, &what, &f).await {
        Ok(Ok(())) => {
            let done = match what.as_str() {
                "rate" => "rated",
                "reopen" => "reopened",
                "confirm" => "confirmed",
                _ => "withdrawn",
            };
            see_other(&format!("{page}?done={done}"))
        }
        Ok(Err(ResidentActError::Invalid(errors))) => {
            render_with(&st, &headers, &page, PostedTrack { form: what, errors }).await
        }
        Ok(Err(ResidentActError::Stale(code))) => see_other(&format!("{page}?problem={code}")),
        Ok(Err(ResidentActError::NotFound)) => render_with(&st, &headers, "/not-found", ()).await,
        Err(e) => internal_error(e),
    }
}

#[derive(Deserialize)]
struct MeCodeForm {
    #[serde(default)]
    email: String,
}

/// `POST /me/code`: a one-time code to the address (if it has items), then the code form.
async fn post_me_code(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Form(f): Form<MeCodeForm>,
) -> Response {
    let lang = lang_from_headers(&headers);
    match app::me::ops::request_code(&st, &session, &f.email, &domain::abuse::client_key(client), lang, false).await {
        Ok(Ok(())) => see_other("/me"),
        Ok(Err(errors)) => {
            let posted = app::me::PostedMe { form: "email".into(), email: f.email, errors };
            render_with_session(&st, &headers, "/me", posted, Some(session)).await
        }
        Err(e) => internal_error(e),
    }
}

#[derive(Deserialize)]
struct MeVerifyForm {
    #[serde(default)]
    code: String,
}

/// `POST /me/verify`: the code typed; on success the list.
async fn post_me_verify(
    State(st): State<AppState>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Form(f): Form<MeVerifyForm>,
) -> Response {
    match app::me::ops::verify_code(&st, &session, &f.code).await {
        Ok(Ok(())) => see_other("/me"),
        Ok(Err(errors)) => {
            let posted = app::me::PostedMe { form: "code".into(), email: String::new(), errors };
            render_with_session(&st, &headers, "/me", posted, Some(session)).await
        }
        Err(e) => internal_error(e),
    }
}

async fn post_me_sign_out(session: tower_sessions::Session) -> Response {
    let _ = session.remove::<String>(app::me::SESSION_RESIDENT).await;
    let _ = session.remove::<String>(app::me::SESSION_PENDING).await;
    see_other("/me")
}

#[derive(Deserialize)]
struct MailPrefsForm {
    #[serde(default)]
    updates: String,
}

/// `POST /mail/preferences/{token}`: progress updates on or off.
async fn post_mail_prefs(
    State(st): State<AppState>,
    Path(token): Path<String>,
    Form(f): Form<MailPrefsForm>,
) -> Response {
    let off = f.updates == "off";
    match st.db.set_mail_updates_off(&token, off, store::now()).await {
        Ok(true) => see_other(&format!("/mail/preferences/{token}?saved=1")),
        Ok(false) => (StatusCode::NOT_FOUND, "unknown link").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not save mail preferences");
            (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response()
        }
    }
}

/// `POST /wishes/{number}/claim`: a donor claims a wish; on success their private page.
async fn post_claim(
    State(st): State<AppState>,
    Path(number): Path<String>,
    headers: HeaderMap,
    Form(input): Form<domain::claims::ClaimInput>,
) -> Response {
    use app::wishes::ops::ClaimError;
    use app::wishes::PostedClaim;
    let lang = lang_from_headers(&headers);
    let page = format!("/wishes/{}", number.trim().to_uppercase());
    match app::wishes::ops::claim(&st, &number, &input, lang).await {
        Ok(Ok(token)) => see_other(&format!("/c/{token}?claimed=1")),
        Ok(Err(ClaimError::Invalid(errors))) => {
            render_with(&st, &headers, &page, PostedClaim { input, errors, taken: false }).await
        }
        Ok(Err(ClaimError::TooMany { errors, retry_after })) => {
            let res = render_with(&st, &headers, &page, PostedClaim { input, errors, taken: false }).await;
            too_many(res, retry_after)
        }
        Ok(Err(ClaimError::Taken)) => {
            render_with(&st, &headers, &page, PostedClaim { input, errors: Vec::new(), taken: true }).await
        }
        Ok(Err(ClaimError::NotFound)) => render_with(&st, &headers, "/not-found", ()).await,
        Err(e) => internal_error(e),
    }
}

/// `POST /c/{token}/release`: the donor lets the wish go before delivery.
async fn post_release_claim(State(st): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let page = format!("/c/{token}");
    match st.db.release_claim_by_donor(&token, store::now()).await {
        Ok(()) => see_other(&format!("{page}?done=released")),
        Err(store::StoreError::NotFound) => render_with(&st, &headers, "/not-found", ()).await,
        Err(store::StoreError::Refused(_) | store::StoreError::Conflict) => {
            see_other(&format!("{page}?problem=not_allowed_now"))
        }
        Err(e) => {
            tracing::error!(error = %e, "releasing a claim failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response()
        }
    }
}

#[derive(Deserialize)]
struct WallParams {
    #[serde(default)]
    town: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    page: Option<i64>,
}

/// `GET /api/v1/wishes?town&category&page`: the wish wall as public JSON (no personal data).
async fn api_wishes(State(st): State<AppState>, Query(p): Query<WallParams>) -> Response {
    public_json(app::wishes::ops::wall_json(&st, &p.town, &p.category, p.page.unwrap_or(1), domain::Lang::ZhHans).await)
}

/// Public JSON of the wall and the board: cached for a minute, readable from any site.
fn public_json<T: serde::Serialize>(result: app::ops::OpResult<T>) -> Response {
    match result {
        Ok(v) => {
            let mut r = axum::Json(v).into_response();
            let h = r.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
            r
        }
        Err(e) => internal_error(e),
    }
}

#[derive(Deserialize)]
struct BoardParams {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    town: String,
    #[serde(default)]
    page: Option<i64>,
}

/// `GET /api/v1/projects?stage=notice|adopted|done&town&page`: the project board as public JSON.
async fn api_projects(State(st): State<AppState>, Query(p): Query<BoardParams>) -> Response {
    public_json(app::projects::ops::board_json(&st, &p.stage, &p.town, p.page.unwrap_or(1), domain::Lang::ZhHans).await)
}

/// `GET /t/{token}/qr.svg`: the private tracking link as a QR code, made only when a resident opens
/// "显示二维码" (the image is lazy inside a closed `<details>`), so the tracking page itself stays cheap.
/// As private as the tracking page: `no-store` (a `/t/` path), 404 for an unknown token.
async fn track_qr(State(st): State<AppState>, Path((token, what)): Path<(String, String)>) -> Response {
    if what != "qr.svg" {
        return StatusCode::NOT_FOUND.into_response();
    }
    match st.db.item_by_token(&token).await {
        Ok(Some(item)) => {
            let link = format!("{}/t/{}", st.base_url.trim_end_matches('/'), item.token);
            ([(header::CONTENT_TYPE, "image/svg+xml")], app::ops::qr_svg(&link)).into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => internal_error(e.into()),
    }
}

fn internal_error(e: app::ops::OpError) -> Response {
    let _ = e.into_server_fn_error();
    (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response()
}

fn project_page(number: &str) -> String {
    format!("/projects/{}", number.trim().to_uppercase())
}

/// `POST /projects/{number}/code`: a one-time code to prove an address before supporting or objecting.
async fn post_voice_code(
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
        Ok(Ok(())) => see_other(&format!("{page}#voice")),
        Ok(Err(errors)) => {
            let posted =
                app::projects::PostedVoice { form: "email".into(), email: f.email, errors, ..Default::default() };
            render_with_session(&st, &headers, &page, posted, Some(session)).await
        }
        Err(e) => internal_error(e),
    }
}

/// `POST /projects/{number}/verify`: the code typed; on success the voice buttons.
async fn post_voice_verify(
    State(st): State<AppState>,
    Path(number): Path<String>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Form(f): Form<MeVerifyForm>,
) -> Response {
    let page = project_page(&number);
    match app::me::ops::verify_code(&st, &session, &f.code).await {
        Ok(Ok(())) => see_other(&format!("{page}#voice")),
        Ok(Err(errors)) => {
            let posted = app::projects::PostedVoice { form: "code".into(), errors, ..Default::default() };
            render_with_session(&st, &headers, &page, posted, Some(session)).await
        }
        Err(e) => internal_error(e),
    }
}

#[derive(Deserialize)]
struct VoiceForm {
    #[serde(default)]
    stance: String,
    #[serde(default)]
    reason: String,
}

/// `POST /projects/{number}/voice`: a resident who proved an address supports or objects, once.
async fn post_voice(
    State(st): State<AppState>,
    Path(number): Path<String>,
    ClientIp(client): ClientIp,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Form(f): Form<VoiceForm>,
) -> Response {
    use app::projects::ops::VoiceError;
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
        Ok(Ok(())) => see_other(&format!("{page}?voiced=1#voice")),
        Ok(Err(VoiceError::Already)) => see_other(&format!("{page}?voiced=already#voice")),
        Ok(Err(VoiceError::SignIn)) => see_other(&format!("{page}#voice")),
        Ok(Err(VoiceError::NotFound)) => render_with(&st, &headers, "/not-found", ()).await,
        Ok(Err(VoiceError::Invalid(errors))) => {
            render_with_session(&st, &headers, &page, posted(errors, None), Some(session)).await
        }
        Ok(Err(VoiceError::Refused(why))) => {
            render_with_session(&st, &headers, &page, posted(Vec::new(), Some(why.to_string())), Some(session)).await
        }
        Err(e) => internal_error(e),
    }
}

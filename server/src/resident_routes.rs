//! Residents' form posts without JavaScript: the two submission forms, the look-up, the tracking
//! page's actions and QR code, "my items", the mail preferences, the language switch and
//! 长者模式.

use crate::client::ClientIp;

use crate::respond::*;
use app::error::{AppError, AppResult};
use app::resident::ops::{self, ResidentForm};
use app::resident::{PostedLookup, PostedProject, PostedTrack, PostedWish};
use app::state::AppState;
use app::ui::lang::lang_from_headers;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{FieldError, ProjectInput, WishInput};
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct LangQuery {
    back: Option<String>,
}

/// `GET /lang/{code}?back=/path`: remembers the language in a cookie and goes back.
pub(crate) async fn set_lang(Path(code): Path<String>, Query(q): Query<LangQuery>) -> Response {
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

/// `GET /elder/{on|off}?back=/path`: 长者模式 (large text, big targets) remembered in a cookie for a
/// year, on the same URLs; `off` forgets it. Anything else changes nothing.
pub(crate) async fn set_elder(Path(mode): Path<String>, Query(q): Query<LangQuery>) -> Response {
    let back = q.back.as_deref().unwrap_or("/");
    let cookie = match mode.as_str() {
        "on" => format!("{}=1; Path=/; Max-Age=31536000; SameSite=Lax", app::ui::ELDER_COOKIE),
        "off" => format!("{}=; Path=/; Max-Age=0; SameSite=Lax", app::ui::ELDER_COOKIE),
        _ => return see_other(back),
    };
    let mut res = see_other(back);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
pub(crate) struct AwarenessForm {
    answer: String,
}

/// The cookie that says this browser answered the home page's awareness question.
pub(crate) const AWARE_COOKIE: &str = "aware_answered";

/// `POST /awareness`: the home page's one-tap question. It counts once per browser (a cookie) and at
/// most `awareness_client_day` times a day per client address; a repeated answer is thanked as
/// usual and not counted, so the figure cannot be talked up by repeating it.
pub(crate) async fn awareness(
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
    let answered_before = app::ui::lang::cookie_value(&headers, AWARE_COOKIE).is_some();
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
        Ok::<bool, app::error::AppError>(true)
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
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct WishPost {
    #[serde(flatten)]
    input: WishInput,
    refresh: Option<String>,
}

pub(crate) async fn post_wish(
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
    let result = ops::submit_wish(&st, &p.input, lang, &domain::abuse::client_key(client)).await;
    let input = p.input;
    answer_submission(&st, &headers, "/wish/new", result, move |errors| PostedWish { input: input.clone(), errors })
        .await
}

#[derive(Deserialize)]
pub(crate) struct ProjectPost {
    #[serde(flatten)]
    input: ProjectInput,
    refresh: Option<String>,
}

pub(crate) async fn post_project(
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
    let result = ops::submit_project(&st, &p.input, lang, &domain::abuse::client_key(client)).await;
    let input = p.input;
    answer_submission(&st, &headers, "/project/new", result, move |errors| PostedProject {
        input: input.clone(),
        errors,
    })
    .await
}

/// Either form's answer: to the tracking page, or the form again with what was typed and its errors
/// (429 when over a limit, 500 with a general message when the server failed).
async fn answer_submission<P: Clone + Send + Sync + 'static>(
    st: &AppState,
    headers: &HeaderMap,
    page: &str,
    result: AppResult<String>,
    posted: impl Fn(Vec<FieldError>) -> P,
) -> Response {
    match result {
        Ok(tracking_url) => see_other(&tracking_url),
        Err(AppError::Invalid(errors)) => render_with(st, headers, page, posted(errors)).await,
        Err(AppError::RateLimited { retry_after, errors }) => {
            too_many(render_with(st, headers, page, posted(errors)).await, retry_after)
        }
        Err(e) => {
            let _ = e.into_server_fn_error();
            let mut res = render_with(st, headers, page, posted(vec![FieldError::new("form", "server")])).await;
            *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            res
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct LookupForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    phone4: String,
}

pub(crate) async fn post_lookup(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Form(f): Form<LookupForm>,
) -> Response {
    match ops::lookup(&st, &f.number, &f.phone4, &domain::abuse::client_key(client)).await {
        Ok(token) => see_other(&format!("/t/{token}")),
        Err(AppError::Invalid(errors)) => {
            let refused = errors.iter().any(|e| e.code == "lookup_too_many");
            let page =
                render_with(&st, &headers, "/track", PostedLookup { number: f.number, phone4: f.phone4, errors }).await;
            if refused {
                too_many(page, ops::LOOKUP_WINDOW_SECS)
            } else {
                page
            }
        }
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn post_resident_action(
    State(st): State<AppState>,
    Path((token, what)): Path<(String, String)>,
    headers: HeaderMap,
    Form(f): Form<ResidentForm>,
) -> Response {
    let page = format!("/t/{token}");
    match ops::resident_act(&st, &token, &what, &f).await {
        Ok(()) => {
            let done = match what.as_str() {
                "rate" => "rated",
                "reopen" => "reopened",
                "confirm" => "confirmed",
                "rate_fix" => "fix_rated",
                _ => "withdrawn",
            };
            see_other(&format!("{page}?done={done}"))
        }
        Err(AppError::Invalid(errors)) => render_with(&st, &headers, &page, PostedTrack { form: what, errors }).await,
        Err(AppError::Conflict(code)) => see_other(&format!("{page}?problem={code}")),
        Err(AppError::NotFound) => render_with(&st, &headers, "/not-found", ()).await,
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct MeCodeForm {
    #[serde(default)]
    pub(crate) email: String,
}

/// `POST /me/code`: a one-time code to the address (if it has items), then the code form.
pub(crate) async fn post_me_code(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Form(f): Form<MeCodeForm>,
) -> Response {
    let lang = lang_from_headers(&headers);
    match app::me::ops::request_code(&st, &session, &f.email, &domain::abuse::client_key(client), lang, false).await {
        Ok(()) => see_other("/me"),
        Err(AppError::Invalid(errors)) => {
            let posted = app::me::PostedMe { form: "email".into(), email: f.email, errors };
            render_with_session(&st, &headers, "/me", posted, Some(session)).await
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct MeVerifyForm {
    #[serde(default)]
    pub(crate) code: String,
}

/// `POST /me/verify`: the code typed; on success the list.
pub(crate) async fn post_me_verify(
    State(st): State<AppState>,
    session: tower_sessions::Session,
    headers: HeaderMap,
    Form(f): Form<MeVerifyForm>,
) -> Response {
    match app::me::ops::verify_code(&st, &session, &f.code).await {
        Ok(()) => see_other("/me"),
        Err(AppError::Invalid(errors)) => {
            let posted = app::me::PostedMe { form: "code".into(), email: String::new(), errors };
            render_with_session(&st, &headers, "/me", posted, Some(session)).await
        }
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn post_me_sign_out(session: tower_sessions::Session) -> Response {
    let _ = session.remove::<String>(app::me::SESSION_RESIDENT).await;
    let _ = session.remove::<String>(app::me::SESSION_PENDING).await;
    see_other("/me")
}

#[derive(Deserialize)]
pub(crate) struct MailPrefsForm {
    #[serde(default)]
    updates: String,
}

/// `POST /mail/preferences/{token}`: progress updates on or off.
pub(crate) async fn post_mail_prefs(
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
            crate::respond::refuse(domain::ErrorKind::Internal)
        }
    }
}

/// `GET /t/{token}/qr.svg`: the private tracking link as a QR code, made only when a resident opens
/// "显示二维码" (the image is lazy inside a closed `<details>`), so the tracking page itself stays cheap.
/// As private as the tracking page: `no-store` (a `/t/` path), 404 for an unknown token.
pub(crate) async fn track_qr(State(st): State<AppState>, Path((token, what)): Path<(String, String)>) -> Response {
    if what != "qr.svg" {
        return crate::respond::refuse(domain::ErrorKind::NotFound);
    }
    match st.db.item_by_token(&token).await {
        Ok(Some(item)) => {
            let link = format!("{}/t/{}", st.base_url.trim_end_matches('/'), item.token);
            ([(header::CONTENT_TYPE, "image/svg+xml")], app::resident::ops::qr_svg(&link)).into_response()
        }
        Ok(None) => crate::respond::refuse(domain::ErrorKind::NotFound),
        Err(e) => app::error::AppError::from(e).into_response(),
    }
}

/// `GET /s/{code}`: a text's short link leads to its page (a tracking page, a claim, the preferences)
/// with 303. Private like the pages it leads to (`no-store`); an unknown code is 404.
pub(crate) async fn short_link(State(st): State<AppState>, Path(code): Path<String>) -> Response {
    match st.db.short_link_path(&code).await {
        Ok(Some(path)) => see_other(&path),
        Ok(None) => crate::respond::refuse(domain::ErrorKind::NotFound),
        Err(e) => {
            tracing::error!(error = %e, "short link lookup failed");
            crate::respond::refuse(domain::ErrorKind::Internal)
        }
    }
}

/// `GET /sms/report/{id}/{sig}?type=…`: the SMS gateway's delivery report for outbox row `id`. The
/// address was signed when the text was sent, so nobody else can report on a text: a wrong signature
/// is 403 and writes nothing.
pub(crate) async fn sms_report(
    State(st): State<AppState>,
    Path((id, sig)): Path<(i64, String)>,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let Some(read) = st.sms_reports.as_ref() else { return crate::respond::refuse(domain::ErrorKind::NotFound) };
    let Some((delivery, code)) = read(id, &sig, &query) else {
        return crate::respond::refuse(domain::ErrorKind::Forbidden);
    };
    match st.db.record_sms_report(id, delivery, code, store::now()).await {
        Ok(true) => (StatusCode::OK, "ok").into_response(),
        Ok(false) => crate::respond::refuse(domain::ErrorKind::NotFound),
        Err(e) => {
            tracing::error!(error = %e, "could not record an SMS delivery report");
            crate::respond::refuse(domain::ErrorKind::Internal)
        }
    }
}
